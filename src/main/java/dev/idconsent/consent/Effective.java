package dev.idconsent.consent;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one place where a purpose's mechanism and a user's answer become "may the app use it now":
 * required → always; opt-out → unless the user said no; opt-in → only if the user said yes; retired → absent.
 */
public final class Effective {
    private Effective() {
    }

    public static boolean granted(Purpose purpose, ChoiceState answer) {
        if (purpose.mechanism() == Mechanism.REQUIRED) {
            return true;
        }
        // a pending yes (double opt-in not yet confirmed) is no answer yet, nor is an expired one: the mechanism's
        // default applies, so it is off on an opt-in purpose and stays on if the purpose has since become opt-out
        if (answer == ChoiceState.PAUSED) {
            return false; // off everywhere while paused, whatever the mechanism's default
        }
        return answer == null || answer == ChoiceState.PENDING || answer == ChoiceState.CLEARED
                || answer == ChoiceState.EXPIRED ? purpose.mechanism().defaultGranted() : answer.granted();
    }

    /**
     * A purpose as a whole is usable when any of its channels is. Answers are keyed as in {@link Summary}.
     */
    public static boolean granted(Purpose purpose, Map<String, ChoiceState> answers) {
        for (String channel : purpose.choiceChannels()) {
            if (granted(purpose, answers.get(Summary.key(purpose.key(), channel)))) {
                return true;
            }
        }
        return false;
    }

    /**
     * The detailed token claim, for apps that need more than yes or no: per active purpose flagged for tokens its
     * effective state and, per channel where it has channels, whether an explicit answer or the default decides it
     * and the text version answered: {@code {"granted": true, "explicit": true, "version": 3}}, or
     * {@code {"granted": true, "channels": {"email": {…}, "sms": {…}}}}; a channel that is on of a purpose offering
     * frequencies says how often: {@code "frequency": "weekly"} (the person's, else the default).
     */
    public static Map<String, Object> detailedClaim(Iterable<Purpose> catalog, String summary) {
        Map<String, Summary.Answer> answers = Summary.answers(summary);
        Map<String, ChoiceState> states = new java.util.HashMap<>();
        answers.forEach((key, answer) -> states.put(key, answer.state())); // the summary is parsed once
        Map<String, Object> claim = new LinkedHashMap<>();
        for (Purpose purpose : catalog) {
            if (purpose.retired() || !purpose.includeInToken()) {
                continue;
            }
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("granted", granted(purpose, states));
            if (purpose.channels().isEmpty()) {
                entry.putAll(channelDetail(purpose, answers.get(purpose.key())));
                if (states.get(purpose.key()) == ChoiceState.PAUSED) {
                    entry.put("paused", true);
                }
            } else {
                Map<String, Object> channels = new LinkedHashMap<>();
                for (String channel : purpose.channels()) {
                    Map<String, Object> detail = new LinkedHashMap<>();
                    Summary.Answer answer = answers.get(Summary.key(purpose.key(), channel));
                    boolean on = granted(purpose, answer == null ? null : answer.state());
                    detail.put("granted", on);
                    detail.putAll(channelDetail(purpose, answer));
                    if (answer != null && answer.state() == ChoiceState.PAUSED) {
                        detail.put("paused", true);
                    }
                    if (on && !purpose.frequencies().isEmpty()) {
                        detail.put("frequency", purpose.frequencyOf(answer == null ? null : answer.frequency()));
                    }
                    channels.put(channel, detail);
                }
                entry.put("channels", channels);
            }
            claim.put(purpose.key(), entry);
        }
        return claim;
    }

    /** Whether an answer decides the state (a pending, expired or taken-back one does not), and its version. */
    private static Map<String, Object> channelDetail(Purpose purpose, Summary.Answer answer) {
        boolean explicit = purpose.mechanism() != Mechanism.REQUIRED && answer != null
                && (answer.state() == ChoiceState.GRANTED || answer.state() == ChoiceState.DENIED);
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("explicit", explicit);
        if (explicit && answer.version() != null) {
            detail.put("version", answer.version());
        }
        return detail;
    }

    /** The token claim: every active purpose flagged for tokens, in catalog order. */
    public static Map<String, Boolean> claim(Iterable<Purpose> catalog, String summary) {
        Map<String, ChoiceState> answers = Summary.decode(summary);
        Map<String, Boolean> claim = new LinkedHashMap<>();
        for (Purpose purpose : catalog) {
            if (!purpose.retired() && purpose.includeInToken()) {
                claim.put(purpose.key(), granted(purpose, answers));
            }
        }
        return claim;
    }
}
