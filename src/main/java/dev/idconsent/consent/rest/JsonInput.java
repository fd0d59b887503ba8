package dev.idconsent.consent.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.idconsent.consent.ChangeRequest;
import dev.idconsent.consent.ConsentException;
import dev.idconsent.consent.ErrorCode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import org.keycloak.util.JsonSerialization;

/**
 * Reading request bodies and parameters strictly (unknown or repeated fields, trailing content and wrong types are
 * refused with a sentence that names them) — what the hostile-input suite holds the APIs to.
 */
public final class JsonInput {
    /**
     * Keycloak's mapper, but strict: a repeated field ({@code {"choices": [..], "choices": [..]}}) or anything after
     * the object would otherwise be read as the last or the first value silently.
     */
    private static final com.fasterxml.jackson.databind.ObjectReader STRICT = JsonSerialization.mapper.reader()
            .with(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .with(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    /** Request bodies above this are refused before parsing. */
    public static final int MAX_BODY = 256 * 1024;

    private JsonInput() {
    }

    public static ObjectNode object(String body) {
        if (body == null || body.isBlank()) {
            throw new ConsentException(ErrorCode.INVALID_REQUEST, "the request needs a JSON object body");
        }
        if (body.length() > MAX_BODY) {
            throw new ConsentException(ErrorCode.INVALID_REQUEST, "the request body is larger than "
                    + MAX_BODY / 1024 + " KiB");
        }
        JsonNode node;
        try {
            node = STRICT.readTree(body);
        } catch (JsonProcessingException e) {
            throw new ConsentException(ErrorCode.INVALID_REQUEST, "the body is not valid JSON: "
                    + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw new ConsentException(ErrorCode.INVALID_REQUEST, "the body must be a JSON object");
        }
        return (ObjectNode) node;
    }

    public static void onlyFields(ObjectNode node, String where, Set<String> allowed) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!allowed.contains(name)) {
                throw new ConsentException(ErrorCode.INVALID_REQUEST, "unknown field '" + name + "' in " + where
                        + " (allowed: " + String.join(", ", new java.util.TreeSet<>(allowed)) + ")");
            }
        }
    }

    /** {@code {"choices": [{"purpose": "...", "channel": "...", "granted": true, "version": 1}, ...]}} */
    public static List<ChangeRequest> changes(ObjectNode body) {
        JsonNode list = body.get("choices");
        if (list == null || !list.isArray() || list.isEmpty()) {
            throw new ConsentException(ErrorCode.INVALID_REQUEST,
                    "\"choices\" must be a non-empty array of {purpose, granted[, channel][, version]}");
        }
        if (list.size() > 1000) {
            throw new ConsentException(ErrorCode.INVALID_REQUEST, "at most 1000 choices per request");
        }
        List<ChangeRequest> out = new ArrayList<>();
        for (JsonNode item : list) {
            if (!item.isObject()) {
                throw new ConsentException(ErrorCode.INVALID_REQUEST, "every entry of \"choices\" must be an object");
            }
            onlyFields((ObjectNode) item, "a choice", Set.of("purpose", "channel", "granted", "version"));
            String purpose = string(item, "purpose", true);
            JsonNode granted = item.get("granted");
            if (granted != null && !granted.isBoolean()) {
                throw new ConsentException(ErrorCode.INVALID_VALUE, "\"granted\" of purpose '" + purpose
                        + "' must be true or false, not " + granted);
            }
            JsonNode version = item.get("version");
            if (version != null && !version.isNull() && (!version.isIntegralNumber() || !version.canConvertToInt())) {
                throw new ConsentException(ErrorCode.INVALID_VALUE, "\"version\" of purpose '" + purpose
                        + "' must be a whole number, not " + version);
            }
            out.add(new ChangeRequest(purpose, string(item, "channel", false),
                    granted == null ? null : granted.booleanValue(),
                    version == null || version.isNull() ? null : version.intValue()));
        }
        return out;
    }

    public static String string(JsonNode node, String field, boolean required) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            if (required) {
                throw new ConsentException(ErrorCode.INVALID_REQUEST, "\"" + field + "\" is required");
            }
            return null;
        }
        if (!value.isTextual()) {
            throw new ConsentException(ErrorCode.INVALID_VALUE, "\"" + field + "\" must be a string, not " + value);
        }
        return value.textValue();
    }

    public static Boolean bool(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isBoolean()) {
            throw new ConsentException(ErrorCode.INVALID_VALUE, "\"" + field + "\" must be true or false, not " + value);
        }
        return value.booleanValue();
    }

    public static List<String> strings(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isArray()) {
            throw new ConsentException(ErrorCode.INVALID_VALUE, "\"" + field + "\" must be an array of strings");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode item : value) {
            if (!item.isTextual()) {
                throw new ConsentException(ErrorCode.INVALID_VALUE, "\"" + field + "\" must contain only strings");
            }
            out.add(item.textValue());
        }
        return out;
    }

    /** Paging parameters with limits, so no request can ask for everything at once. */
    public static int first(Integer first) {
        if (first != null && first < 0) {
            throw new ConsentException(ErrorCode.INVALID_VALUE, "\"first\" must be 0 or more");
        }
        return first == null ? 0 : first;
    }

    public static int max(Integer max) {
        if (max != null && (max < 1 || max > 1000)) {
            throw new ConsentException(ErrorCode.INVALID_VALUE, "\"max\" must be between 1 and 1000");
        }
        return max == null ? 100 : max;
    }

    public static String quoteTag(String tag) {
        return "\"" + tag + "\"";
    }

    /** {@code If-Match} value without quotes or weak marker; {@code null} when absent. */
    public static String unquoteTag(String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        String tag = header.trim();
        if (tag.startsWith("W/")) {
            tag = tag.substring(2);
        }
        if (tag.length() >= 2 && tag.startsWith("\"") && tag.endsWith("\"")) {
            tag = tag.substring(1, tag.length() - 1);
        }
        return tag;
    }
}
