package dev.idconsent.consent.rest;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.idconsent.consent.Actor;
import dev.idconsent.consent.Choice;
import dev.idconsent.consent.ConsentView;
import dev.idconsent.consent.HistoryEntry;
import dev.idconsent.consent.Purpose;
import dev.idconsent.consent.PurposeTexts;
import dev.idconsent.consent.catalog.ConsentRoles;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;

/** The JSON shapes of the user and admin APIs, in one place so both speak the same language. */
public final class ConsentJson {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
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

}
