package dev.idconsent.consent.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.idconsent.consent.Actor;
import dev.idconsent.consent.ChangeRequest;
import dev.idconsent.consent.Choice;
import dev.idconsent.consent.ConsentException;
import dev.idconsent.consent.ConsentView;
import dev.idconsent.consent.ErrorCode;
import dev.idconsent.consent.HistoryEntry;
import dev.idconsent.consent.Purpose;
import dev.idconsent.consent.PurposeTexts;
import dev.idconsent.consent.catalog.ConsentRoles;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import org.keycloak.models.KeycloakSession;
import org.keycloak.util.JsonSerialization;

/** The JSON shapes of the user and admin APIs, in one place so both speak the same language. */
public final class ConsentJson {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(ConsentJson.class);
    /**
     * Keycloak's mapper, but strict: a repeated field ({@code {"choices": [..], "choices": [..]}}) or anything after
     * the object would otherwise be read as the last or the first value silently.
     */
    private static final com.fasterxml.jackson.databind.ObjectReader STRICT = JsonSerialization.mapper.reader()
            .with(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .with(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    /** Request bodies above this are refused before parsing. */
    public static final int MAX_BODY = 256 * 1024;

    private ConsentJson() {
    }

    // ---- output -------------------------------------------------------------------------------------------

    public static ObjectNode view(ConsentView view) {
        ObjectNode out = JSON.objectNode();
        out.put("subject", view.subjectId());
        var purposes = out.putArray("purposes");
        for (ConsentView.PurposeState state : view.purposes()) {
            ObjectNode p = purpose(state.purpose());
            p.put("granted", state.granted());
            var channels = p.putArray("states");
            for (ConsentView.ChannelState c : state.channels()) {
                ObjectNode s = channels.addObject();
                s.put("channel", c.channel());
                s.put("granted", c.granted());
                s.put("explicit", c.choice() != null);
                if (c.choice() != null) {
                    choice(s, c.choice());
                }
            }
            purposes.add(p);
        }
        if (!view.changes().isEmpty()) {
            var changes = out.putArray("changes");
            view.changes().forEach(h -> changes.add(history(h)));
        }
        return out;
    }

    private static void choice(ObjectNode s, Choice choice) {
        s.put("state", choice.state().value());
        s.put("version", choice.purposeVersion());
        s.put("changedAt", choice.at().toString());
        s.put("via", choice.via().value());
        s.set("actor", actor(choice.actor()));
        s.put("clientId", choice.clientId());
    }

    public static ObjectNode purpose(Purpose p) {
        ObjectNode out = JSON.objectNode();
        out.put("key", p.key());
        out.put("label", p.label());
        out.put("description", p.description());
        out.put("category", p.category());
        out.put("mechanism", p.mechanism().value());
        var channels = out.putArray("channels");
        p.channels().forEach(channels::add);
        out.put("version", p.version());
        out.put("honorGpc", p.honorGpc());
        out.put("includeInToken", p.includeInToken());
        out.put("gating", p.gating());
        out.put("askAtLogin", p.askAtLogin());
        out.put("doubleOptIn", p.doubleOptIn());
        if (p.gating()) {
            out.put("role", ConsentRoles.roleName(p.key()));
        }
        out.put("retired", p.retired());
        return out;
    }

    public static ObjectNode history(HistoryEntry h) {
        ObjectNode out = JSON.objectNode();
        out.put("id", h.id());
        out.put("subject", h.subjectId());
        out.put("purpose", h.purpose());
        out.put("channel", h.channel());
        out.put("version", h.purposeVersion());
        out.put("previous", h.previous() == null ? null : h.previous().value());
        out.put("state", h.state().value());
        out.put("via", h.via().value());
        out.set("actor", actor(h.actor()));
        out.put("clientId", h.clientId());
        out.put("capability", h.capability());
        if (h.reason() != null) {
            out.put("reason", h.reason());
        }
        out.put("at", h.at().toString());
        return out;
    }

    /** {@code GET …/receipt}: the person's current choices and every change with the text shown for it. */
    public static ObjectNode receipt(dev.idconsent.consent.ConsentReports.Receipt receipt, String realm,
                                     String username, java.time.Instant at) {
        ObjectNode out = JSON.objectNode();
        out.put("realm", realm);
        out.put("subject", receipt.view().subjectId());
        out.put("username", username);
        out.put("generatedAt", at.toString());
        out.set("purposes", view(receipt.view()).get("purposes"));
        var history = out.putArray("history");
        for (var row : receipt.history()) {
            ObjectNode h = history(row.entry());
            if (row.text() != null) {
                h.set("text", text(row.text()));
            }
            history.add(h);
        }
        return out;
    }

    /** {@code GET …/reports/counts} */
    public static ObjectNode counts(long people, List<dev.idconsent.consent.ConsentReports.Count> counts) {
        ObjectNode out = JSON.objectNode();
        out.put("people", people);
        var lines = out.putArray("counts");
        for (var c : counts) {
            ObjectNode line = lines.addObject();
            line.put("purpose", c.purpose().key());
            line.put("channel", c.channel());
            line.put("mechanism", c.purpose().mechanism().value());
            line.put("granted", c.granted());
            line.put("denied", c.denied());
            line.put("pending", c.pending());
            line.put("noAnswer", c.noAnswer());
            line.put("on", c.on());
        }
        return out;
    }

    /** {@code GET …/feed}: the rows after the cursor, and the cursor for the next read. */
    public static ObjectNode feed(List<dev.idconsent.consent.jpa.JpaChangeFeed.Entry> entries, long cursor) {
        ObjectNode out = JSON.objectNode();
        var changes = out.putArray("changes");
        for (var e : entries) {
            ObjectNode row = changes.addObject();
            row.put("position", e.position());
            row.setAll(history(e.row()));
        }
        out.put("next", entries.isEmpty() ? cursor : entries.get(entries.size() - 1).position());
        return out;
    }

    public static ObjectNode historyPage(List<HistoryEntry> rows) {
        ObjectNode out = JSON.objectNode();
        var items = out.putArray("history");
        rows.forEach(h -> items.add(history(h)));
        return out;
    }

    public static ObjectNode text(PurposeTexts.Text t) {
        ObjectNode out = JSON.objectNode();
        out.put("version", t.version());
        out.put("label", t.label());
        out.put("description", t.description());
        out.put("kind", t.kind().value());
        out.put("actorId", t.actorId());
        out.put("at", t.at().toString());
        return out;
    }

    public static com.fasterxml.jackson.databind.node.ArrayNode problems(List<ConsentRoles.Problem> problems) {
        var out = JSON.arrayNode();
        for (ConsentRoles.Problem p : problems) {
            ObjectNode item = out.addObject();
            item.put("purpose", p.purpose());
            item.put("role", p.role());
            item.put("kind", p.kind());
            item.put("id", p.id());
            item.put("name", p.name());
        }
        return out;
    }

    public static ObjectNode actor(Actor actor) {
        ObjectNode out = JSON.objectNode();
        out.put("id", actor.id());
        out.put("username", actor.username());
        out.put("kind", actor.kind().value());
        return out;
    }

    public static Response.ResponseBuilder ok(Object entity) {
        return Response.ok(entity, MediaType.APPLICATION_JSON_TYPE);
    }

    /**
     * Runs a request: a refusal becomes its error body; a lost database connection becomes a 503 with the same
     * body and a rolled-back transaction, instead of Keycloak's generic 500 — the client knows nothing changed
     * and may retry. Every other failure stays Keycloak's to report.
     */
    public static Response guarded(KeycloakSession session, java.util.function.Supplier<Response> action) {
        try {
            return action.get();
        } catch (ConsentException e) {
            return error(session, e);
        } catch (RuntimeException e) {
            if (!databaseUnavailable(e)) {
                throw e;
            }
            LOG.warnf("consent request refused with 503, the database cannot be reached: %s", rootMessage(e));
            session.getTransactionManager().setRollbackOnly();
            return error(ErrorCode.UNAVAILABLE, "the consent store cannot be reached right now; nothing was changed."
                    + " Please try again shortly");
        }
    }

    /**
     * For the link pages, which answer with a page rather than JSON: a lost database becomes the refusal
     * {@code unavailable} (503, nothing changed, the transaction marked for rollback); anything else is rethrown.
     */
    public static ConsentException unavailable(KeycloakSession session, RuntimeException e) {
        if (!databaseUnavailable(e)) {
            throw e;
        }
        LOG.warnf("link page answered 503, the database cannot be reached: %s", rootMessage(e));
        session.getTransactionManager().setRollbackOnly();
        return new ConsentException(ErrorCode.UNAVAILABLE, "your choices cannot be reached right now and nothing"
                + " was changed; please try again in a moment");
    }

    /** A connection failure anywhere in the cause chain (not a bad statement or a constraint). */
    static boolean databaseUnavailable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            // Keycloak's ModelException("Database operation failed") may carry the driver's I/O error directly
            // (EOFException, ConnectException); a consent request does no other I/O before it answers
            if (t instanceof java.sql.SQLTransientConnectionException
                    || t instanceof java.sql.SQLNonTransientConnectionException
                    || t instanceof java.io.IOException
                    || t.getClass().getName().equals("org.hibernate.exception.JDBCConnectionException")) {
                return true;
            }
            if (t instanceof java.sql.SQLException sql && sql.getSQLState() != null
                    && (sql.getSQLState().startsWith("08") || sql.getSQLState().startsWith("57P"))) {
                return true;
            }
        }
        return false;
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }

    /** The error body every refusal carries; the transaction is marked for rollback first. */
    public static Response error(KeycloakSession session, ConsentException e) {
        session.getTransactionManager().setRollbackOnly();
        return error(e.code(), e.getMessage(), e.field());
    }

    public static Response error(ErrorCode code, String message) {
        return error(code, message, null);
    }

    /** @param field the request field the refusal names ({@code "field"} in the body), or {@code null} */
    private static Response error(ErrorCode code, String message, String field) {
        ObjectNode body = JSON.objectNode();
        body.put("error", code.code());
        body.put("message", message);
        if (field != null) {
            body.put("field", field);
        }
        return Response.status(code.status()).type(MediaType.APPLICATION_JSON_TYPE).entity(body).build();
    }

    // ---- input --------------------------------------------------------------------------------------------

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
