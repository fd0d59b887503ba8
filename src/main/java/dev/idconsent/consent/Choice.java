package dev.idconsent.consent;

import java.time.Instant;

/**
 * A user's current explicit answer for a purpose, or for one channel of it.
 *
 * @param channel        {@code null} when the purpose has no channels
 * @param purposeVersion the version of the text the user answered
 * @param historyId      the history row that set this state
 * @param frequency      with a yes, the frequency the person chose ({@link Frequency}); {@code null}: the default
 */
public record Choice(String purpose, String channel, ChoiceState state, int purposeVersion, Via via,
                     Actor actor, String clientId, Instant at, long historyId, String frequency) {
    /** An answer without a chosen frequency. */
    public Choice(String purpose, String channel, ChoiceState state, int purposeVersion, Via via, Actor actor,
                  String clientId, Instant at, long historyId) {
        this(purpose, channel, state, purposeVersion, via, actor, clientId, at, historyId, null);
    }
}
