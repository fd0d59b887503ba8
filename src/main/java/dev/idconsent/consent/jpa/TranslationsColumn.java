package dev.idconsent.consent.jpa;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.idconsent.consent.Words;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.keycloak.util.JsonSerialization;

/** An archived text's words in other languages as its column keeps them: {@code {"de": {"label", "description"}}}. */
final class TranslationsColumn {
    private record Entry(String label, String description) {
    }

    private TranslationsColumn() {
    }

    static String write(Map<String, Words> translations) {
        if (translations.isEmpty()) {
            return null;
        }
        Map<String, Entry> out = new TreeMap<>();
        translations.forEach((tag, w) -> out.put(tag, new Entry(w.label(), w.description())));
        try {
            return JsonSerialization.mapper.writeValueAsString(out);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static Map<String, Words> read(String column) {
        if (column == null || column.isEmpty()) {
            return Map.of();
        }
        try {
            Map<String, Entry> in = JsonSerialization.mapper.readValue(column, new TypeReference<>() {
            });
            Map<String, Words> out = new LinkedHashMap<>();
            in.forEach((tag, e) -> out.put(tag, new Words(tag, e.label(), e.description())));
            return out;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an archived text's translations are not readable: " + e.getMessage(), e);
        }
    }
}
