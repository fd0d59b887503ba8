package dev.idconsent.consent;

import java.util.List;

/**
 * Turns one requested change into what to write: checks it against the catalog (unknown, retired, required,
 * stale version, channels) and against who may say what — only the person gives consent — before anything is
 * written. Used by {@link ConsentService} only.
 */
final class ChangeRules {
    private ChangeRules() {
    }

    /**
     * @param version   the text version the answer is about: the current one, or an earlier one when restoring
     * @param frequency with a yes, the frequency asked for; {@code null}: keep the one of the yes before
     * @param pause     with state {@link ChoiceState#PAUSED}, for how long; {@code null} otherwise
     * @param always    a pause of the purpose as a whole rather than of one channel the request named: channels
     *                  that are off are then left alone instead of refused
     * @param resumeTo  with state {@link ChoiceState#PAUSED}, the answer that returns at its end (set by
     *                  {@link #pausing}); {@code null} otherwise
     */
    record Target(Purpose purpose, String channel, ChoiceState state, int version, String frequency,
                  java.time.Duration pause, boolean always, ChoiceState resumeTo) {
        Target(Purpose purpose, String channel, ChoiceState state, int version, String frequency) {
            this(purpose, channel, state, version, frequency, null, false, null);
        }

        /**
         * This pause, of {@code answer} ({@code null}: none, on by the default): it keeps the answer's text version
         * and frequency and gives the answer back at its end — an earlier pause's answer, for a pause renewed.
         */
        Target pausing(Choice answer) {
            return answer == null ? new Target(purpose, channel, state, version, null, pause, always,
                    ChoiceState.CLEARED)
                    : new Target(purpose, channel, state, answer.purposeVersion(), answer.frequency(), pause, always,
                    answer.state() == ChoiceState.PAUSED ? answer.resumeTo() : answer.state());
        }

        Target(Purpose purpose, String channel, ChoiceState state, int version) {
            this(purpose, channel, state, version, null);
        }
    }

    static List<Target> resolve(PurposeCatalog catalog, ChangeRequest change, Via via) {
        if (change.purpose() == null || change.purpose().isBlank()) {
            throw new ConsentException(ErrorCode.INVALID_VALUE, "every change needs a purpose");
        }
        Purpose purpose = catalog.find(change.purpose())
                .orElseThrow(() -> new ConsentException(ErrorCode.UNKNOWN_PURPOSE,
                        "there is no purpose '" + change.purpose() + "' in this realm"));
        if (purpose.retired()) {
            throw new ConsentException(ErrorCode.PURPOSE_RETIRED,
                    "purpose '" + purpose.key() + "' has been retired and can no longer be changed");
        }
        if (change.pauseDays() != null) {
            return pause(purpose, change, via);
        }
        if (change.granted() == null) {
            throw new ConsentException(ErrorCode.INVALID_VALUE,
                    "purpose '" + purpose.key() + "' needs \"granted\": true or false");
        }
        if (change.version() != null && change.version() != purpose.version()) {
            throw new ConsentException(ErrorCode.STALE_VERSION, "purpose '" + purpose.key() + "' is at version "
                    + purpose.version() + ", the change was made on version " + change.version()
                    + "; show the current text and ask again");
        }
        if (purpose.mechanism() == Mechanism.REQUIRED && !change.granted()) {
            throw new ConsentException(ErrorCode.REQUIRED_PURPOSE, "purpose '" + purpose.key()
                    + "' is required and cannot be switched off");
        }
        ChoiceState state = ChoiceState.of(change.granted());
        if (state == ChoiceState.GRANTED && purpose.mechanism().optional()) {
            mayGrant(purpose, change, via);
        }
        String frequency = change.frequency();
        if (frequency != null) {
            if (!purpose.frequencies().isEmpty() && !change.granted()) {
                throw new ConsentException(ErrorCode.INVALID_VALUE, "a frequency belongs to a yes: purpose '"
                        + purpose.key() + "' is switched off with \"granted\": false and no \"frequency\"");
            }
            purpose.requireFrequency(frequency);
        }
        if (change.channel() == null) {
            return purpose.choiceChannels().stream().map(c -> new Target(purpose, c, pendingIfDouble(purpose, c,
                    state), purpose.version(), frequency)).toList();
        }
        requireChannel(purpose, change.channel());
        return List.of(new Target(purpose, change.channel(), pendingIfDouble(purpose, change.channel(), state),
                purpose.version(), frequency));
    }

    /**
     * A pause is the person's own choice, like a yes: made on a Keycloak page, in an app they let write, or by an
     * administrator for them. A link or a browser signal cannot start one through here (the unsubscribe page offers a
     * pause only in place of the unsubscribe it just recorded: {@link ConsentService#pauseInstead}).
     */
    private static List<Target> pause(Purpose purpose, ChangeRequest change, Via via) {
        if (change.granted() != null || change.frequency() != null) {
            throw new ConsentException(ErrorCode.INVALID_VALUE, "a pause of '" + purpose.key() + "' is not an answer:"
                    + " send \"pauseDays\" without \"granted\" and \"frequency\"");
        }
        if (via != Via.ACCOUNT && via != Via.API && via != Via.ADMIN && via != Via.LOGIN && via != Via.REGISTRATION) {
            throw new ConsentException(ErrorCode.FORBIDDEN, "a pause is chosen by the person in their account or an"
                    + " app, or by an administrator for them; '" + purpose.key() + "' cannot be paused this way");
        }
        java.time.Duration period = purpose.requirePause(change.pauseDays());
        if (change.channel() == null) {
            return purpose.choiceChannels().stream().map(c -> new Target(purpose, c, ChoiceState.PAUSED,
                    purpose.version(), null, period, true, null)).toList();
        }
        requireChannel(purpose, change.channel());
        return List.of(new Target(purpose, change.channel(), ChoiceState.PAUSED, purpose.version(), null, period,
                false, null));
    }

    private static void requireChannel(Purpose purpose, String channel) {
        if (!purpose.channels().contains(channel)) {
            throw new ConsentException(ErrorCode.UNKNOWN_CHANNEL, purpose.channels().isEmpty()
                    ? "purpose '" + purpose.key() + "' has no channels; leave out \"channel\""
                    : "purpose '" + purpose.key() + "' has no channel '" + channel + "' (it has "
                            + String.join(", ", purpose.channels()) + ")");
        }
    }

    /**
     * Only the person gives consent (the trust model in DESIGN.md). A yes comes from the person on a Keycloak page
     * (consent step, account console), from an app the person granted the write capability — naming the text
     * version it showed, and never for a purpose that unlocks access (a gating purpose: that yes is given on a
     * Keycloak page the person sees) — or from an administrator acting openly with a reason. Links and browser
     * signals only ever take away.
     */
    private static void mayGrant(Purpose purpose, ChangeRequest change, Via via) {
        switch (via) {
            case EMAIL, GPC -> throw new ConsentException(ErrorCode.FORBIDDEN, "an email link or a browser signal can"
                    + " only withdraw; '" + purpose.key() + "' cannot be switched on this way");
            case API, ACCOUNT -> {
                if (change.version() == null) {
                    throw new ConsentException(ErrorCode.VERSION_REQUIRED, "a yes to '" + purpose.key() + "' must name"
                            + " the text version the person was shown (\"version\": " + purpose.version() + " is current)");
                }
                if (via == Via.API && purpose.gating()) {
                    throw new ConsentException(ErrorCode.INTERACTION_REQUIRED, "a yes to '" + purpose.key()
                            + "' unlocks access, so only the person can give it, on a Keycloak page: send them to the"
                            + " authorization endpoint with kc_action=" + KC_ACTION_PREFIX + purpose.key()
                            + " (or to the account console)");
                }
            }
            default -> {
            }
        }
    }

    /** The consent step's {@code kc_action} for one purpose, as apps send it (the login module registers it). */
    public static final String KC_ACTION_PREFIX = "idc-consent-step:";

    /** A yes by email to a double-opt-in purpose waits for {@link #confirm}. */
    private static ChoiceState pendingIfDouble(Purpose purpose, String channel, ChoiceState state) {
        return state == ChoiceState.GRANTED && purpose.doubleOptIn() && Purpose.EMAIL.equals(channel)
                ? ChoiceState.PENDING : state;
    }
}
