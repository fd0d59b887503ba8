package dev.idconsent.consent;

import java.time.Instant;

/**
 * A user's current explicit answer for a purpose, or for one channel of it.
 *
 * @param channel        {@code null} when the purpose has no channels
 * @param purposeVersion the version of the text the user answered
 * @param historyId      the history row that set this state
 * @param frequency      with a yes, the frequency the person chose ({@link Frequency}); {@code null}: the default
 * @param pausedUntil    when paused ({@link ChoiceState#PAUSED}): when the pause ends; {@code null} otherwise
 * @param resumeTo       when paused: the answer that returns then, {@link ChoiceState#GRANTED} (with this version and
 *                       frequency) or {@link ChoiceState#CLEARED} (no answer: the opt-out default); {@code null} otherwise
 */
public record Choice(String purpose, String channel, ChoiceState state, int purposeVersion, Via via,
                     Actor actor, String clientId, Instant at, long historyId, String frequency, Instant pausedUntil,
                     ChoiceState resumeTo) {
    /** An answer that is not a pause. */
    public Choice(String purpose, String channel, ChoiceState state, int purposeVersion, Via via, Actor actor,
                  String clientId, Instant at, long historyId, String frequency) {
        this(purpose, channel, state, purposeVersion, via, actor, clientId, at, historyId, frequency, null, null);
    }

    /** The same answer, set by history row {@code id}. */
    public Choice withHistoryId(long id) {
        return new Choice(purpose, channel, state, purposeVersion, via, actor, clientId, at, id, frequency,
                pausedUntil, resumeTo);
    }

    /** An answer without a chosen frequency. */
    public Choice(String purpose, String channel, ChoiceState state, int purposeVersion, Via via, Actor actor,
                  String clientId, Instant at, long historyId) {
        this(purpose, channel, state, purposeVersion, via, actor, clientId, at, historyId, null);
    }
}
