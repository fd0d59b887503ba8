package dev.idconsent.consent;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * What a purpose says in one language: its label and description. A purpose (and every archived text version)
 * holds its words in the realm's default language and, as {@link #translations}, in any other; {@link #pick} is the
 * one place that decides which words a person reading a given language is shown.
 *
 * @param locale a BCP 47 language tag, e.g. {@code de} or {@code pt-BR}
 */
public record Words(String locale, String label, String description) {
    /** The most languages one purpose can hold. */
    public static final int MAX_TRANSLATIONS = 50;
    private static final Pattern TAG = Pattern.compile("[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}");

    public Words {
        description = description == null ? "" : description;
    }

    /**
     * The words for a reader of {@code requested}: the translation of exactly that tag, else of its language
     * ({@code de} for {@code de-CH}), else the base words, in {@code baseLocale}.
     *
     * @param requested    a language tag ({@code de-CH}, also Java's {@code de_CH}); {@code null}: the base words
     * @param translations by language tag, as {@link #translations} keeps them
     */
    public static Words pick(String requested, String baseLocale, String label, String description,
                             Map<String, Words> translations) {
        if (requested != null && !requested.isBlank() && !translations.isEmpty()) {
            String tag = normalize(requested);
            Words exact = translations.get(tag);
            if (exact != null) {
                return exact;
            }
            String language = Locale.forLanguageTag(tag).getLanguage();
            Words general = translations.get(language);
            if (general != null) {
                return general;
            }
        }
        return new Words(baseLocale, label, description);
    }

    /** Whether {@code value} is a language tag the catalog takes: {@code de}, {@code pt-BR}, {@code de_CH}. */
    public static boolean isTag(String value) {
        return value != null && TAG.matcher(value.trim().replace('_', '-')).matches();
    }

    /** A language tag as the catalog keeps it: {@code de-CH}, whatever the case or separator it came with. */
    public static String normalize(String tag) {
        return Locale.forLanguageTag(tag.trim().replace('_', '-')).toLanguageTag();
    }

    /**
     * Translations as the catalog keeps them: valid, keyed by their normalized tag, sorted.
     *
     * @param baseDescription a translation must describe the purpose when the base text does: nobody may consent
     *                        to less information because of their language
     */
    public static Map<String, Words> translations(Map<String, Words> given, String baseDescription) {
        if (given == null || given.isEmpty()) {
            return Map.of();
        }
        if (given.size() > MAX_TRANSLATIONS) {
            throw invalid("a purpose holds at most " + MAX_TRANSLATIONS + " translations, not " + given.size());
        }
        Map<String, Words> out = new TreeMap<>();
        for (Map.Entry<String, Words> e : given.entrySet()) {
            String raw = e.getKey() == null ? "" : e.getKey().trim();
            if (!isTag(raw)) {
                throw invalid("translation language '" + raw + "' must be a language tag such as de, fr or pt-BR");
            }
            String tag = normalize(raw);
            Words w = e.getValue() == null ? new Words(tag, null, null) : e.getValue();
            if (w.label() == null || w.label().isBlank()) {
                throw invalid("the " + tag + " translation needs a label");
            }
            if (w.label().length() > Purpose.MAX_LABEL) {
                throw invalid("the " + tag + " label is longer than " + Purpose.MAX_LABEL + " characters");
            }
            if (w.description().length() > Purpose.MAX_DESCRIPTION) {
                throw invalid("the " + tag + " description is longer than " + Purpose.MAX_DESCRIPTION + " characters");
            }
            if (w.description().isBlank() && baseDescription != null && !baseDescription.isBlank()) {
                throw invalid("the " + tag + " translation needs a description: the purpose has one, and people"
                        + " reading " + tag + " must be told as much");
            }
            if (out.put(tag, new Words(tag, w.label().strip(), w.description().strip())) != null) {
                throw invalid("translation language " + tag + " is given twice");
            }
        }
        return java.util.Collections.unmodifiableMap(out);
    }

    private static ConsentException invalid(String message) {
        return new ConsentException(ErrorCode.INVALID_PURPOSE, message);
    }
}
