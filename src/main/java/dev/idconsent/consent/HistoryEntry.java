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
 * @param provenance for an imported answer, the system it came from and its evidence; {@code null} otherwise
 * @param locale     the language of the purpose's words the person was shown; {@code null} when none were shown
 *                   (or on rows from before it was recorded)
 * @param region     the region whose mechanism for the purpose applied to the person then ({@link Purpose#regionIn});
 *                   {@code null}: the purpose's own
 * @param frequency  with a yes, the frequency chosen ({@link Frequency}); {@code null}: none chosen (the default)
 * @param previousFrequency the frequency of the answer before
 * @param pausedUntil with state {@link ChoiceState#PAUSED}, when the pause ends; {@code null} otherwise
 */
public record HistoryEntry(long id, String subjectId, String purpose, String channel, int purposeVersion,
                           ChoiceState previous, ChoiceState state, Via via, Actor actor, String clientId,
                           String capability, String reason, Instant at, Provenance provenance, String locale,
                           String region, String frequency, String previousFrequency, Instant pausedUntil) {
    /** The same row, as stored under {@code id}. */
    public HistoryEntry withId(long id) {
        return new HistoryEntry(id, subjectId, purpose, channel, purposeVersion, previous, state, via, actor,
                clientId, capability, reason, at, provenance, locale, region, frequency, previousFrequency,
                pausedUntil);
    }

    /** A row that does not pause. */
    public HistoryEntry(long id, String subjectId, String purpose, String channel, int purposeVersion,
                        ChoiceState previous, ChoiceState state, Via via, Actor actor, String clientId,
                        String capability, String reason, Instant at, Provenance provenance, String locale,
                        String region, String frequency, String previousFrequency) {
        this(id, subjectId, purpose, channel, purposeVersion, previous, state, via, actor, clientId, capability,
                reason, at, provenance, locale, region, frequency, previousFrequency, null);
    }

    /** A row without frequencies. */
    public HistoryEntry(long id, String subjectId, String purpose, String channel, int purposeVersion,
                        ChoiceState previous, ChoiceState state, Via via, Actor actor, String clientId,
                        String capability, String reason, Instant at, Provenance provenance, String locale,
                        String region) {
        this(id, subjectId, purpose, channel, purposeVersion, previous, state, via, actor, clientId, capability,
                reason, at, provenance, locale, region, null, null);
    }

    /** A row under the purpose's own mechanism. */
    public HistoryEntry(long id, String subjectId, String purpose, String channel, int purposeVersion,
                        ChoiceState previous, ChoiceState state, Via via, Actor actor, String clientId,
                        String capability, String reason, Instant at, Provenance provenance, String locale) {
        this(id, subjectId, purpose, channel, purposeVersion, previous, state, via, actor, clientId, capability,
                reason, at, provenance, locale, null);
    }

    public HistoryEntry(long id, String subjectId, String purpose, String channel, int purposeVersion,
                        ChoiceState previous, ChoiceState state, Via via, Actor actor, String clientId,
                        String capability, String reason, Instant at, Provenance provenance) {
        this(id, subjectId, purpose, channel, purposeVersion, previous, state, via, actor, clientId, capability,
                reason, at, provenance, null);
    }

    /** A row without provenance (every channel but the import). */
    public HistoryEntry(long id, String subjectId, String purpose, String channel, int purposeVersion,
                        ChoiceState previous, ChoiceState state, Via via, Actor actor, String clientId,
                        String capability, String reason, Instant at) {
        this(id, subjectId, purpose, channel, purposeVersion, previous, state, via, actor, clientId, capability,
                reason, at, null);
    }

    /**
     * Where an imported answer came from.
     *
     * @param source   the system it came from (free text)
     * @param evidence what proves it there, e.g. a form id, an IP address, a document reference; may be {@code null}
     */
    public record Provenance(String source, String evidence) {
    }
}
