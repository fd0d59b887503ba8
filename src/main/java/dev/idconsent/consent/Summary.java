package dev.idconsent.consent;

import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;

/**
 * The compact per-user copy of explicit choices that token issuance reads instead of the tables:
 * {@code newsletter/email=denied,analytics=granted}. Keys and channels are slugs, so no escaping is needed.
 * Only explicit answers are kept; catalog defaults are applied when the claim is built, so a purpose added
 * later shows its default without touching any user.
 */
public final class Summary {
    private Summary() {
    }

    public static String encode(Collection<Choice> choices) {
        Map<String, String> sorted = new TreeMap<>();
        for (Choice c : choices) {
            sorted.put(key(c.purpose(), c.channel()), c.state().value());
        }
        StringBuilder out = new StringBuilder();
        sorted.forEach((k, v) -> out.append(out.isEmpty() ? "" : ",").append(k).append('=').append(v));
        return out.toString();
    }

    /** Unreadable entries are skipped: the tables, not this copy, are the record. */
    public static Map<String, ChoiceState> decode(String summary) {
        Map<String, ChoiceState> states = new TreeMap<>();
        if (summary == null || summary.isEmpty()) {
            return states;
        }
        for (String entry : summary.split(",")) {
            int eq = entry.indexOf('=');
            if (eq > 0) {
                try {
                    states.put(entry.substring(0, eq), ChoiceState.fromValue(entry.substring(eq + 1)));
                } catch (IllegalArgumentException ignored) {
                    // skipped on purpose, see above
                }
            }
        }
        return states;
    }

    public static String key(String purpose, String channel) {
        return channel == null ? purpose : purpose + "/" + channel;
    }
}
