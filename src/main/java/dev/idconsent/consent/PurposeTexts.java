package dev.idconsent.consent;

import java.time.Instant;
import java.util.List;

/** Append-only archive of every text a purpose ever had: proof of what a user was shown. */
public interface PurposeTexts {
    enum Kind {
        CREATED, MATERIAL, CORRECTION,
        /** Archived when first answered: the purpose entered the realm without the API (realm import). */
        IMPORTED;

        public String value() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * @param recipients who the data goes to, as the person was told (empty before recipients were recorded)
     * @param legalBasis the basis the version rested on; {@code null} for texts archived before it was recorded
     * @param translations the label and description in other languages, by language tag (empty for texts archived
     *                     before they were kept with the text)
     */
    record Text(String purpose, int version, String label, String description, List<String> recipients,
                LegalBasis legalBasis, java.util.Map<String, Words> translations, Kind kind, String actorId,
                Instant at) {
        public Text {
            recipients = recipients == null ? List.of() : List.copyOf(recipients);
            translations = translations == null ? java.util.Map.of()
                    : java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(translations));
        }

        /** The words of this text a reader of {@code locale} was shown (see {@link Words#pick}). */
        public Words words(String locale, String baseLocale) {
            return Words.pick(locale, baseLocale, label, description, translations);
        }
    }

    void append(Text text);

    boolean has(String purpose, int version);

    /**
     * Archives the purpose's current text unless the archive has it: for purposes that entered the realm without
     * the catalog API (realm import), so that every proof names a text we still have.
     */
    default void keep(Purpose purpose, Instant at) {
        if (!has(purpose.key(), purpose.version())) {
            append(new Text(purpose.key(), purpose.version(), purpose.label(), purpose.description(),
                    purpose.recipients(), purpose.legalBasis(), purpose.translations(), Kind.IMPORTED, null, at));
        }
    }

    /** Oldest first. */
    List<Text> of(String purpose);
}
