package dev.idconsent.consent;

import java.util.List;
import java.util.Optional;

/** A realm's purposes, retired ones included. */
public interface PurposeCatalog {
    List<Purpose> all();

    default Optional<Purpose> find(String key) {
        return all().stream().filter(p -> p.key().equals(key)).findFirst();
    }

    /** The language of the purposes' own label and description (their translations are in other languages). */
    default String baseLocale() {
        return "en";
    }

    /** Adds a purpose or replaces the one with the same key. */
    void save(Purpose purpose);
}
