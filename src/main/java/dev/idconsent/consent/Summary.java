package dev.idconsent.consent;

import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;

/**
 * The compact per-user copy of explicit choices that token issuance reads instead of the tables:
 * {@code newsletter/email=granted@1~weekly,analytics=granted@3} (state, the text version answered and, with a yes, the
 * frequency chosen). Keys, channels and frequencies are slugs, so no escaping is needed; entries written before the
 * version was kept ({@code analytics=granted}) read without one.
 * Only explicit answers are kept; catalog defaults are applied when the claim is built, so a purpose added
 * later shows its default without touching any user.
 */
public final class Summary {
    private Summary() {
    }

    /**
     * An explicit answer as the summary keeps it; {@code version} is null in entries from before it was kept,
     * {@code frequency} when none was chosen.
     */
    public record Answer(ChoiceState state, Integer version, String frequency) {
    }

    public static String encode(Collection<Choice> choices) {
        Map<String, String> sorted = new TreeMap<>();
        for (Choice c : choices) {
            sorted.put(key(c.purpose(), c.channel()), c.state().value() + "@" + c.purposeVersion()
                    + (c.frequency() == null ? "" : "~" + c.frequency()));
        }
        StringBuilder out = new StringBuilder();
        sorted.forEach((k, v) -> out.append(out.isEmpty() ? "" : ",").append(k).append('=').append(v));
        return out.toString();
    }

    /** The states only. Unreadable entries are skipped: the tables, not this copy, are the record. */
    public static Map<String, ChoiceState> decode(String summary) {
        Map<String, ChoiceState> states = new TreeMap<>();
        answers(summary).forEach((key, answer) -> states.put(key, answer.state()));
        return states;
    }

    /** States with the versions answered. Unreadable entries are skipped, as in {@link #decode}. */
    public static Map<String, Answer> answers(String summary) {
        Map<String, Answer> answers = new TreeMap<>();
        if (summary == null || summary.isEmpty()) {
            return answers;
        }
        for (String entry : summary.split(",")) {
            int eq = entry.indexOf('=');
            if (eq > 0) {
                String value = entry.substring(eq + 1);
                int tilde = value.indexOf('~');
                String frequency = tilde < 0 ? null : value.substring(tilde + 1);
                value = tilde < 0 ? value : value.substring(0, tilde);
                int at = value.indexOf('@');
                try {
                    answers.put(entry.substring(0, eq), new Answer(ChoiceState.fromValue(at < 0 ? value
                            : value.substring(0, at)), at < 0 ? null : Integer.valueOf(value.substring(at + 1)),
                            frequency));
                } catch (IllegalArgumentException ignored) {
                    // skipped on purpose, see above (NumberFormatException is one)
                }
            }
        }
        return answers;
    }

    public static String key(String purpose, String channel) {
        return channel == null ? purpose : purpose + "/" + channel;
    }
}
