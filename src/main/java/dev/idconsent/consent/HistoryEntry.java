package dev.idconsent.consent;

import java.time.Instant;

/**
 * One append-only row of proof: who changed what, from which state to which, on which text version,
 * through which channel and client, when, and why (for changes on someone's behalf).
 *
 * @param id       increases monotonically; assigned by the store
 * @param previous   {@code null} when the user had never answered
 * @param state      the answer after this change; {@link ChoiceState#CLEARED} when the answer was taken back
 * @param capability what allowed the writer to write (see {@link ChangeContext#capability()}); {@code null} on
 *                   rows from before it was recorded
 */
public record HistoryEntry(long id, String subjectId, String purpose, String channel, int purposeVersion,
                           ChoiceState previous, ChoiceState state, Via via, Actor actor, String clientId,
                           String capability, String reason, Instant at) {
}
