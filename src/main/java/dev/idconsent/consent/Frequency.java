package dev.idconsent.consent;

import java.util.Map;
import java.util.TreeMap;

/**
 * How often a purpose with channels may reach a person, as the purpose offers it (e.g. {@code weekly}, "Weekly",
 * German "Wöchentlich"). The person's choice is part of their yes; the key is what senders filter on.
 *
 * @param translations the label in other languages than the realm's default, by language tag
 */
public record Frequency(String key, String label, Map<String, String> translations) {
    public static final int MAX_KEY = 32;
    public static final int MAX_LABEL = 100;
    /** A purpose offers at most this many. */
    public static final int MAX = 10;

    public Frequency {
        label = label == null ? null : label.strip();
        translations = translations == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(translations));
    }

    /** The label a reader of {@code locale} is shown: theirs, their language's, else the default. */
    public String label(String locale) {
        if (locale == null) {
            return label;
        }
        String exact = translations.get(locale);
        if (exact != null) {
            return exact;
        }
        int dash = locale.indexOf('-');
        return dash > 0 ? translations.getOrDefault(locale.substring(0, dash), label) : label;
    }
}
