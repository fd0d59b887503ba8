package dev.idconsent.consent.rest;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.type.LogicalType;
import dev.idconsent.consent.ChangeRequest;
import dev.idconsent.consent.ConsentException;
import dev.idconsent.consent.ErrorCode;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.keycloak.util.JsonSerialization;

/**
 * Request bodies as Java records, read by Keycloak's Jackson made strict: unknown or repeated fields, trailing content
 * and values of the wrong type (no {@code "true"} for true, no {@code 1.5} for a whole number, no {@code 1} for a
 * string) are refused with a sentence that names the field — what the hostile-input suite holds the APIs to.
 */
public final class JsonInput {
    /**
     * A copy of Keycloak's mapper ({@link JsonSerialization#mapper}: its modules, its Jackson) that refuses instead of
     * guessing: a repeated field would otherwise be read as its last value, content after the object ignored, and a
     * scalar of another type converted.
     */
    private static final ObjectMapper STRICT = strict(JsonSerialization.mapper.copy());
    /** Request bodies above this are refused before parsing. */
    public static final int MAX_BODY = 256 * 1024;
    /** At most this many choices in one request. */
    public static final int MAX_CHOICES = 1000;

    /** The refusal of a field whose value has the wrong type: {@code field} is the top-level field it is in. */
    @FunctionalInterface
    public interface Refusal {
        ConsentException of(String field, String message);
    }

    private static final Refusal INVALID_VALUE = (field, message) -> new ConsentException(ErrorCode.INVALID_VALUE,
            message);

    /**
     * {@code {"choices": [{"purpose", "channel", "granted", "version"}, ...], "locale": "de"}}: a person's changes,
     * and the language they read the purposes in (optional).
     */
    public record Choices(List<ChangeRequest> choices, String locale) {
        /** The language the person read the purposes' words in; {@code null} when the request names none. */
        public String readIn() {
            return JsonInput.locale(locale);
        }

        /** The changes, at least one and at most {@link #MAX_CHOICES}, each naming its purpose. */
        public List<ChangeRequest> changes() {
            if (choices == null || choices.isEmpty()) {
                throw new ConsentException(ErrorCode.INVALID_REQUEST,
                        "\"choices\" must be a non-empty array of {purpose, granted[, channel][, version]}");
            }
            if (choices.size() > MAX_CHOICES) {
                throw new ConsentException(ErrorCode.INVALID_REQUEST, "at most " + MAX_CHOICES
                        + " choices per request");
            }
            for (ChangeRequest c : choices) {
                if (c == null) {
                    throw new ConsentException(ErrorCode.INVALID_REQUEST,
                            "every entry of \"choices\" must be an object");
                }
                required(c.purpose(), "purpose");
            }
            return choices;
        }
    }

    /** {@code {"locale": "de", "purposes": [{"purpose", "version"}, ...]}}: the texts a page displayed. */
    public record Notices(String locale, List<Item> purposes) {
        public record Item(String purpose, Integer version) {
        }

        /** The texts, at least one and at most {@link #MAX_CHOICES}, each naming its purpose. */
        public List<Item> items() {
            if (purposes == null || purposes.isEmpty()) {
                throw new ConsentException(ErrorCode.INVALID_REQUEST,
                        "\"purposes\" must be a non-empty array of {purpose, version}");
            }
            if (purposes.size() > MAX_CHOICES) {
                throw new ConsentException(ErrorCode.INVALID_REQUEST, "at most " + MAX_CHOICES + " purposes");
            }
            for (Item item : purposes) {
                if (item == null) {
                    throw new ConsentException(ErrorCode.INVALID_REQUEST,
                            "every entry of \"purposes\" must be an object");
                }
                required(item.purpose(), "purpose");
            }
            return purposes;
        }
    }

    private JsonInput() {
    }

    /** A language tag as a request gives it ({@code locale}); {@code null} stays {@code null}. */
    public static String locale(String value) {
        if (value == null) {
            return null;
        }
        if (!dev.idconsent.consent.Words.isTag(value)) {
            throw new ConsentException(ErrorCode.INVALID_VALUE, "\"locale\" must be a language tag such as de, fr"
                    + " or pt-BR, not '" + (value.length() > 40 ? value.substring(0, 40) + "…" : value) + "'");
        }
        return dev.idconsent.consent.Words.normalize(value);
    }

    static ObjectMapper strict(ObjectMapper mapper) {
        mapper.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, DeserializationFeature.FAIL_ON_TRAILING_TOKENS,
                DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
        mapper.disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT, DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY,
                DeserializationFeature.UNWRAP_SINGLE_VALUE_ARRAYS);
        mapper.enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION.mappedFeature());
        mapper.coercionConfigDefaults()
                .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.EmptyArray, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.EmptyObject, CoercionAction.Fail);
        // a decimal field (days, fractions allowed) takes a whole number too: 0 and 365 are numbers of days
        mapper.coercionConfigFor(LogicalType.Float).setCoercion(CoercionInputShape.Integer, CoercionAction.TryConvert);
        // a string is a string: no number or boolean read as its text
        mapper.coercionConfigFor(LogicalType.Textual)
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        return mapper;
    }

    /** The body as {@code type}; {@code what} names it in refusals ("a purpose", "the request"). */
    public static <T> T read(String body, Class<T> type, String what) {
        return readGiven(body, type, what, INVALID_VALUE).value();
    }

    /**
     * A body and the names of the fields it gave (also those sent as {@code null}): for a change where a field left
     * out keeps its value and {@code null} removes it.
     */
    public record Given<T>(T value, Set<String> fields) {
    }

    /**
     * As {@link #read(String, Class, String)}, with the fields the body gave; a value of the wrong type is refused
     * by {@code wrongType}.
     */
    public static <T> Given<T> readGiven(String body, Class<T> type, String what, Refusal wrongType) {
        if (body == null || body.isBlank()) {
            throw new ConsentException(ErrorCode.INVALID_REQUEST, "the request needs a JSON object body");
        }
        if (body.length() > MAX_BODY) {
            throw new ConsentException(ErrorCode.INVALID_REQUEST, "the request body is larger than "
                    + MAX_BODY / 1024 + " KiB");
        }
        JsonNode tree;
        try {
            tree = STRICT.readTree(body);
        } catch (JsonProcessingException e) {
            throw new ConsentException(ErrorCode.INVALID_REQUEST, "the body is not valid JSON: "
                    + e.getOriginalMessage());
        }
        if (tree == null || !tree.isObject()) {
            throw new ConsentException(ErrorCode.INVALID_REQUEST, "the body must be a JSON object");
        }
        try {
            Set<String> fields = new java.util.HashSet<>();
            tree.fieldNames().forEachRemaining(fields::add);
            return new Given<>(STRICT.treeToValue(tree, type), Set.copyOf(fields));
        } catch (UnrecognizedPropertyException e) {
            String where = e.getPath().size() > 1 ? path(e.getPath().subList(0, e.getPath().size() - 1)) : what;
            throw new ConsentException(ErrorCode.INVALID_REQUEST, "unknown field '" + e.getPropertyName() + "' in "
                    + where + " (allowed: " + String.join(", ", new TreeSet<>(e.getKnownPropertyIds().stream()
                    .map(String::valueOf).toList())) + ")");
        } catch (MismatchedInputException e) {
            if (e.getPath().isEmpty()) {
                throw new ConsentException(ErrorCode.INVALID_REQUEST, "the body must be " + what);
            }
            String path = path(e.getPath());
            JsonNode value = tree.at(pointer(e.getPath()));
            String shown = value.isMissingNode() ? "" : ", not " + abbreviate(value.toString());
            throw wrongType.of(e.getPath().get(0).getFieldName(), "\"" + path + "\" " + expected(e.getTargetType())
                    + shown);
        } catch (InputCoercionException e) {
            // a number beyond its type's range: Jackson says which, the path is not known here
            throw new ConsentException(ErrorCode.INVALID_VALUE, "a number in the body is out of range: "
                    + e.getOriginalMessage());
        } catch (JsonProcessingException e) {
            throw new ConsentException(ErrorCode.INVALID_REQUEST, "the body is not " + what + ": "
                    + e.getOriginalMessage());
        } catch (IllegalArgumentException e) {
            throw new ConsentException(ErrorCode.INVALID_REQUEST, "the body is not " + what);
        }
    }

    /** A field that must be there; its value is then the caller's to check. */
    public static <T> T required(T value, String field) {
        if (value == null) {
            throw new ConsentException(ErrorCode.INVALID_REQUEST, "\"" + field + "\" is required");
        }
        return value;
    }

    private static String expected(Class<?> type) {
        if (type == null) {
            return "has the wrong type";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "must be true or false";
        }
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
            return "must be a whole number";
        }
        if (type == String.class) {
            return "must be a string";
        }
        if (java.util.Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "must be an array";
        }
        return "must be an object";
    }

    /** {@code choices[0].granted} */
    private static String path(List<JsonMappingException.Reference> path) {
        StringBuilder out = new StringBuilder();
        for (JsonMappingException.Reference r : path) {
            if (r.getFieldName() != null) {
                out.append(out.isEmpty() ? "" : ".").append(r.getFieldName());
            } else {
                out.append('[').append(r.getIndex()).append(']');
            }
        }
        return out.toString();
    }

    private static JsonPointer pointer(List<JsonMappingException.Reference> path) {
        JsonPointer pointer = JsonPointer.empty();
        for (JsonMappingException.Reference r : path) {
            pointer = r.getFieldName() != null ? pointer.appendProperty(r.getFieldName())
                    : pointer.appendIndex(r.getIndex());
        }
        return pointer;
    }

    private static String abbreviate(String value) {
        return value.length() > 60 ? value.substring(0, 60) + "…" : value;
    }

    /** Paging parameters with limits, so no request can ask for everything at once. */
    public static int first(Integer first) {
        if (first != null && first < 0) {
            throw new ConsentException(ErrorCode.INVALID_VALUE, "\"first\" must be 0 or more");
        }
        return first == null ? 0 : first;
    }

    public static int max(Integer max) {
        return max(max, 1000);
    }

    /** A page size of at most {@code limit} (100 when none is asked for). */
    public static int max(Integer max, int limit) {
        if (max != null && (max < 1 || max > limit)) {
            throw new ConsentException(ErrorCode.INVALID_VALUE, "\"max\" must be between 1 and " + limit);
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
