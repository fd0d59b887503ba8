package dev.idconsent.consent;

import java.time.Instant;

/**
 * One append-only row of proof: who changed what, from which state to which, on which text version,
 * through which channel and client, when, and why (for changes on someone's behalf).
 *
 * @param id       increases monotonically; assigned by the store
 * @param previous {@code null} when the user had never answered
 */
public record HistoryEntry(long id, String subjectId, String purpose, String channel, int purposeVersion,
                           ChoiceState previous, ChoiceState state, Via via, Actor actor, String clientId,
                           String reason, Instant at) {
}
