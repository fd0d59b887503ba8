package dev.idconsent.consent.admin;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.opencsv.CSVWriter;
import com.opencsv.ICSVWriter;
import dev.idconsent.consent.ConsentException;
import dev.idconsent.consent.ErrorCode;
import dev.idconsent.consent.Iso27560;
import dev.idconsent.consent.Purpose;
import dev.idconsent.consent.catalog.PurposeComponents;
import dev.idconsent.consent.jpa.JpaExport;
import dev.idconsent.consent.rest.Answers;
import dev.idconsent.consent.rest.ConsentJson;
import dev.idconsent.consent.rest.IsoRecords;
import dev.idconsent.consent.rest.Receipts;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.function.Function;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.services.resources.admin.fgap.AdminPermissionEvaluator;

/**
 * {@code …/consent/export/choices} and {@code …/consent/export/history}: every current choice or history row of the
 * realm, filtered by purpose, channel and time, as CSV or JSON. The body is written while it is read: page after
 * page (by row id, each page in a short transaction of its own), so memory stays flat however large the realm.
 * A failure part-way breaks the connection instead of ending the file, so a cut-off export never looks complete.
 */
public final class ExportResource {
    static final int PAGE = 1000;
    /** Keycloak's own mapper: one Jackson configuration for every JSON the plugin writes. */
    private static final ObjectMapper JSON = org.keycloak.util.JsonSerialization.mapper;

    /** A current choice in the export. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record ChoiceRowJson(String subject, String username, String purpose, String channel, String state, int version,
                         String via, ConsentJson.ActorJson actor, String clientId, String at, long historyId,
                         @JsonInclude(JsonInclude.Include.NON_NULL) String region,
                         @JsonInclude(JsonInclude.Include.NON_NULL) String frequency,
                         @JsonInclude(JsonInclude.Include.NON_NULL) String pausedUntil) {
    }

    /** A history row in the export: the API's history row and the person's username. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record HistoryRowJson(@JsonUnwrapped ConsentJson.HistoryJson row, String username) {
    }

    private final KeycloakSession session;
    private final RealmModel realm;
    private final AdminPermissionEvaluator auth;
    private final ReadAudit audit;

    ExportResource(KeycloakSession session, RealmModel realm, AdminPermissionEvaluator auth, ReadAudit audit) {
        this.session = session;
        this.realm = realm;
        this.auth = auth;
        this.audit = audit;
    }

    /** A kind of row: its CSV header and cells, its JSON shape, and how to read the next page after a row. */
    private interface Rows<R> {
        String[] header();

        String[] cells(R row);

        Object json(R row);

        /** The row as an ISO/IEC TS 27560 record, {@code null} to leave it out; unsupported by default. */
        default Object iso(R row, IsoRecords iso, java.util.Map<String, Purpose> catalog) {
            throw new UnsupportedOperationException();
        }

        default boolean hasIso() {
            return false;
        }

        List<R> page(JpaExport export, JpaExport.Filter filter, R after);
    }

    @GET
    @Path("choices")
    public Response choices(@QueryParam("format") String format, @QueryParam("purpose") String purpose,
                            @QueryParam("channel") String channel, @QueryParam("from") String from,
                            @QueryParam("to") String to) {
        return export("choices", format, purpose, channel, from, to, new Rows<JpaExport.ChoiceRow>() {
            public String[] header() {
                return new String[] {"subject", "username", "purpose", "channel", "state", "version", "via",
                        "actorId", "actorUsername", "actorKind", "clientId", "at", "historyId", "region", "frequency",
                        "pausedUntil"};
            }

            public String[] cells(JpaExport.ChoiceRow r) {
                var c = r.choice();
                return new String[] {r.subjectId(), r.username(), c.purpose(), c.channel(), c.state().value(),
                        Integer.toString(c.purposeVersion()), c.via().value(), c.actor().id(), c.actor().username(),
                        c.actor().kind().value(), c.clientId(), c.at().toString(), Long.toString(c.historyId()),
                        r.region(), c.frequency(), instant(c.pausedUntil())};
            }

            public Object json(JpaExport.ChoiceRow r) {
                var c = r.choice();
                return new ChoiceRowJson(r.subjectId(), r.username(), c.purpose(), c.channel(), c.state().value(),
                        c.purposeVersion(), c.via().value(), ConsentJson.actor(c.actor()), c.clientId(),
                        c.at().toString(), c.historyId(), r.region(), c.frequency(), instant(c.pausedUntil()));
            }

            public List<JpaExport.ChoiceRow> page(JpaExport export, JpaExport.Filter filter, JpaExport.ChoiceRow after) {
                return export.choices(filter, after == null ? null : after.id(), PAGE);
            }
        });
    }

    @GET
    @Path("history")
    public Response history(@QueryParam("format") String format, @QueryParam("purpose") String purpose,
                            @QueryParam("channel") String channel, @QueryParam("from") String from,
                            @QueryParam("to") String to) {
        return export("history", format, purpose, channel, from, to, new Rows<JpaExport.HistoryRow>() {
            public String[] header() {
                return new String[] {"id", "subject", "username", "purpose", "channel", "version", "previous",
                        "state", "via", "actorId", "actorUsername", "actorKind", "clientId", "capability", "reason",
                        "at", "source", "evidence", "locale", "region", "frequency", "previousFrequency",
                        "pausedUntil"};
            }

            public String[] cells(JpaExport.HistoryRow r) {
                var h = r.entry();
                return new String[] {Long.toString(h.id()), h.subjectId(), r.username(), h.purpose(), h.channel(),
                        Integer.toString(h.purposeVersion()), h.previous() == null ? null : h.previous().value(),
                        h.state().value(), h.via().value(), h.actor().id(), h.actor().username(),
                        h.actor().kind().value(), h.clientId(), h.capability(), h.reason(), h.at().toString(),
                        h.provenance() == null ? null : h.provenance().source(),
                        h.provenance() == null ? null : h.provenance().evidence(), h.locale(), h.region(),
                        h.frequency(), h.previousFrequency(), instant(h.pausedUntil())};
            }

            public Object json(JpaExport.HistoryRow r) {
                return new HistoryRowJson(ConsentJson.history(r.entry()), r.username());
            }

            @Override
            public Object iso(JpaExport.HistoryRow r, IsoRecords iso, java.util.Map<String, Purpose> catalog) {
                Purpose purpose = catalog.get(r.entry().purpose());
                return purpose == null || !Iso27560.hasRecord(purpose) ? null
                        : iso.record(r.entry().subjectId(), purpose, r.entry());
            }

            @Override
            public boolean hasIso() {
                return true;
            }

            public List<JpaExport.HistoryRow> page(JpaExport export, JpaExport.Filter filter, JpaExport.HistoryRow after) {
                return export.history(filter, after == null ? 0 : after.entry().id(), PAGE);
            }
        });
    }

    private <R> Response export(String what, String format, String purposeKey, String channel, String from,
                                String to, Rows<R> rows) {
        auth.realm().requireViewRealm();
        auth.users().requireView();
        return Answers.guarded(session, () -> {
            String kind = format == null ? "json" : format;
            boolean csv = switch (kind) {
                case "csv" -> true;
                case "json" -> false;
                case Receipts.FORMAT_ISO -> {
                    if (!rows.hasIso()) {
                        throw new ConsentException(ErrorCode.INVALID_REQUEST, "format \"" + Receipts.FORMAT_ISO
                                + "\" is for export/history (the events records are made of), not export/" + what);
                    }
                    yield false;
                }
                default -> throw new ConsentException(ErrorCode.INVALID_REQUEST, "format must be \"csv\", \"json\""
                        + (rows.hasIso() ? " or \"" + Receipts.FORMAT_ISO + "\"" : "") + ", not '" + format + "'");
            };
            boolean iso = Receipts.FORMAT_ISO.equals(kind);
            JpaExport.Filter filter = filter(purposeKey, channel, from, to);
            String realmId = realm.getId();
            KeycloakSessionFactory factory = session.getKeycloakSessionFactory();
            Function<R, List<R>> next = after -> KeycloakModelUtils.runJobInTransactionWithResult(factory,
                    s -> rows.page(JpaExport.of(s, realmId), filter, after));
            String file = "consent-" + what + (iso ? "-iso-27560" : "") + "-" + realm.getName() + "-"
                    + Instant.now().truncatedTo(ChronoUnit.SECONDS).toString().replace(":", "") + (csv ? ".csv" : ".json");
            // the first page is read now, so an unreachable database is a clear 503 before anything is sent
            List<R> first = next.apply(null);
            audit.read(ReadAudit.EXPORT, new String[] {"consent", "export", what}, java.util.Map.of("format",
                    kind, "purpose", String.valueOf(filter.purpose()), "channel",
                    String.valueOf(filter.channel()), "from", String.valueOf(filter.from()), "to",
                    String.valueOf(filter.to())));
            IsoRecords records = iso ? new IsoRecords(session, realm) : null;
            // only the ISO format needs the catalog (each row's purpose: its legal basis, texts, recipients)
            java.util.Map<String, Purpose> catalog = new java.util.HashMap<>();
            if (iso) {
                new PurposeComponents(realm).all().forEach(p -> catalog.put(p.key(), p));
            }
            StreamingOutput body = csv ? out -> writeCsv(out, rows, first, next)
                    : out -> writeJson(out, what, filter, iso ? r -> rows.iso(r, records, catalog) : rows::json, iso,
                    first, next);
            return Response.ok(body, csv ? "text/csv; charset=utf-8" : "application/json")
                    .header("Content-Disposition", "attachment; filename=\"" + file + "\"")
                    .header("Cache-Control", "no-store").build();
        });
    }

    private static <R> void writeCsv(OutputStream out, Rows<R> rows, List<R> first, Function<R, List<R>> next)
            throws IOException {
        Writer writer = new OutputStreamWriter(out, StandardCharsets.UTF_8);
        ICSVWriter csv = new com.opencsv.CSVWriterBuilder(writer).withLineEnd(CSVWriter.RFC4180_LINE_END).build();
        csv.writeNext(rows.header(), false);
        R last = null;
        for (List<R> page = first; !page.isEmpty(); page = next.apply(last)) {
            for (R row : page) {
                csv.writeNext(spreadsheetSafe(rows.cells(row)), false);
            }
            last = page.get(page.size() - 1);
            csv.flush();
        }
        csv.flush();
    }

    /** The JSON export; as ISO/IEC TS 27560 records, the standard's {@code schema_version} and {@code records}. */
    private static <R> void writeJson(OutputStream out, String what, JpaExport.Filter filter, Function<R, Object> rows,
                                      boolean iso, List<R> first, Function<R, List<R>> next) throws IOException {
        try (JsonGenerator json = JSON.getFactory().createGenerator(out)) {
            json.writeStartObject();
            if (iso) {
                json.writeStringField("schema_version", Iso27560.SCHEMA_VERSION);
            }
            json.writeStringField(iso ? "idc_export" : "export", what);
            json.writeObjectFieldStart(iso ? "idc_filter" : "filter");
            json.writeStringField("purpose", filter.purpose());
            json.writeStringField("channel", filter.channel());
            json.writeStringField("from", filter.from() == null ? null : filter.from().toString());
            json.writeStringField("to", filter.to() == null ? null : filter.to().toString());
            json.writeEndObject();
            json.writeArrayFieldStart(iso ? "records" : "rows");
            R last = null;
            for (List<R> page = first; !page.isEmpty(); page = next.apply(last)) {
                for (R row : page) {
                    Object value = rows.apply(row);
                    if (iso && value != null) {
                        IsoRecords.write(json, value);
                    } else if (value != null) {
                        json.writeObject(value);
                    }
                }
                last = page.get(page.size() - 1);
                json.flush();
            }
            json.writeEndArray();
            json.writeEndObject();
        }
    }

    /** A cell a spreadsheet would run as a formula (=, +, -, @, tab, CR) is prefixed with an apostrophe. */
    static String[] spreadsheetSafe(String[] cells) {
        String[] out = cells.clone();
        for (int i = 0; i < out.length; i++) {
            String cell = out[i];
            if (cell != null && !cell.isEmpty() && "=+-@\t\r".indexOf(cell.charAt(0)) >= 0) {
                out[i] = "'" + cell;
            }
        }
        return out;
    }

    private JpaExport.Filter filter(String purposeKey, String channel, String from, String to) {
        Purpose purpose = null;
        if (purposeKey != null) {
            purpose = new PurposeComponents(realm).find(purposeKey).orElseThrow(() -> new ConsentException(
                    ErrorCode.UNKNOWN_PURPOSE, "there is no purpose '" + purposeKey + "' in this realm"));
        }
        // channel=- (JpaExport.NO_CHANNEL) selects the answers of purposes without channels
        boolean noChannel = JpaExport.NO_CHANNEL.equals(channel);
        if (noChannel && purpose != null && !purpose.channels().isEmpty()) {
            throw new ConsentException(ErrorCode.UNKNOWN_CHANNEL, "purpose '" + purpose.key() + "' has the channels "
                    + purpose.channels() + "; \"channel\": \"-\" is for purposes without channels");
        }
        if (channel != null && !noChannel && purpose != null && !purpose.channels().contains(channel)) {
            throw new ConsentException(ErrorCode.UNKNOWN_CHANNEL, "purpose '" + purpose.key() + "' has the channels "
                    + purpose.channels() + ", not '" + channel + "'");
        }
        Instant start = instant("from", from);
        Instant end = instant("to", to);
        if (start != null && end != null && !start.isBefore(end)) {
            throw new ConsentException(ErrorCode.INVALID_REQUEST, "\"from\" must be before \"to\"");
        }
        return new JpaExport.Filter(purposeKey, channel, start, end);
    }

    private static Instant instant(String name, String value) {
        if (value == null) {
            return null;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new ConsentException(ErrorCode.INVALID_REQUEST, "\"" + name + "\" must be an ISO-8601 instant such"
                    + " as 2026-01-31T00:00:00Z, not '" + value + "'");
        }
    }

    private static String instant(java.time.Instant at) {
        return at == null ? null : at.toString();
    }
}
