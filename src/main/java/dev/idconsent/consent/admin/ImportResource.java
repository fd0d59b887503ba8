package dev.idconsent.consent.admin;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.idconsent.consent.Actor;
import dev.idconsent.consent.ChangeContext;
import dev.idconsent.consent.ConsentException;
import dev.idconsent.consent.ConsentService;
import dev.idconsent.consent.ErrorCode;
import dev.idconsent.consent.HistoryEntry;
import dev.idconsent.consent.ImportedAnswer;
import dev.idconsent.consent.Via;
import dev.idconsent.consent.catalog.PurposeComponents;
import dev.idconsent.consent.model.ConsentProvider;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;
import org.keycloak.events.admin.OperationType;
import org.keycloak.events.admin.ResourceType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.services.resources.admin.AdminEventBuilder;
import org.keycloak.services.resources.admin.fgap.AdminPermissionEvaluator;

/**
 * {@code POST /admin/realms/{realm}/consent/import}: answers from another system (CSV or a JSON array), each recorded
 * through the one writer with its original time, {@code via=import}, the admin as actor and the row's source and
 * evidence — unless the person's current answer is as new or newer. {@code dryRun=true} answers the same per row and
 * writes nothing.
 *
 * <p>The file is read as it arrives and answered as it goes, one NDJSON line per row, in batches that each commit in
 * a transaction of their own; so memory stays flat, the answer shows the progress, and a failure part-way ends with
 * a line saying which rows are in and where to resume ({@code firstRow}). Importing a file again records nothing new.
 */
final class ImportResource extends AdminResource {
    static final String RESOURCE = "import";
    static final String CAPABILITY = "import";
    /**
     * Rows per transaction. Small on purpose: every query auto-flushes the persistence context, which grows with
     * each row of the transaction, so the cost per row grows with the batch (500 rows per batch imported about 90
     * rows/s into PostgreSQL, 50 about 350; bin/bench --import, docs/BENCHMARKS.md).
     */
    static final int BATCH = 50;
    private static final Logger LOG = Logger.getLogger(ImportResource.class);
    private static final ObjectMapper JSON = org.keycloak.util.JsonSerialization.mapper;

    /** One row's outcome: {@code imported} (dry run: {@code would_import}), {@code skipped} or {@code refused}. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record RowResult(long row, String result, String reason, String message) {
    }

    @JsonInclude(JsonInclude.Include.ALWAYS)
    record ImportSummary(boolean dryRun, long firstRow, long rows, long imported, long skipped, long refused,
                   boolean complete, long committedThroughRow, @JsonInclude(JsonInclude.Include.NON_NULL) Long resumeAt,
                   @JsonInclude(JsonInclude.Include.NON_NULL) String error) {
    }

    record SummaryLine(ImportSummary summary) {
    }

    ImportResource(KeycloakSession session, RealmModel realm, AdminPermissionEvaluator auth,
                   AdminEventBuilder adminEvent) {
        super(session, realm, auth, adminEvent);
    }

    @POST
    @Path("")
    public Response importAnswers(InputStream body, @jakarta.ws.rs.core.Context HttpHeaders headers,
                                  @QueryParam("dryRun") String dryRunParam, @QueryParam("firstRow") String firstRowParam) {
        auth.users().requireManage();
        return handle(() -> {
            boolean dryRun = switch (dryRunParam == null ? "false" : dryRunParam) {
                case "true" -> true;
                case "false" -> false;
                default -> throw new ConsentException(ErrorCode.INVALID_VALUE, "\"dryRun\" must be true or false");
            };
            long firstRow;
            try {
                firstRow = firstRowParam == null ? 1 : Long.parseLong(firstRowParam);
            } catch (NumberFormatException e) {
                firstRow = 0;
            }
            if (firstRow < 1) {
                throw new ConsentException(ErrorCode.INVALID_VALUE, "\"firstRow\" must be a whole number, 1 or more");
            }
            String type = headers.getMediaType() == null ? "" : headers.getMediaType().getSubtype();
            String format = type.equals("csv") ? "csv" : type.equals("json") ? "json" : "";
            if (format.isEmpty()) {
                throw new ConsentException(ErrorCode.INVALID_REQUEST, "send the rows as text/csv or application/json");
            }
            ImportRows rows;
            try {
                rows = ImportRows.open(body, format);
            } catch (IOException e) {
                throw new ConsentException(ErrorCode.INVALID_REQUEST, "the body cannot be read: " + e.getMessage());
            }
            adminEvent.operation(dryRun ? OperationType.ACTION : OperationType.CREATE).resource(ResourceType.CUSTOM)
                    .resourcePath("consent", RESOURCE).representation(Map.of("format", format, "dryRun", dryRun,
                            "firstRow", firstRow)).detail("idc_resource", RESOURCE).success();
            Run run = new Run(session.getKeycloakSessionFactory(), realm.getId(), adminActor(),
                    auth.adminAuth().getClient().getClientId(), dryRun, firstRow, rows);
            StreamingOutput out = run::writeTo;
            return Response.ok(out, "application/x-ndjson").header("Cache-Control", "no-store").build();
        });
    }

    /** One import request: reads, records batch by batch, answers line by line. */
    private static final class Run {
        private final KeycloakSessionFactory factory;
        private final String realmId;
        private final Actor admin;
        private final String clientId;
        private final boolean dryRun;
        private final long firstRow;
        private final ImportRows rows;
        private long imported;
        private long skipped;
        private long refused;
        private long committedThrough;

        Run(KeycloakSessionFactory factory, String realmId, Actor admin, String clientId, boolean dryRun,
            long firstRow, ImportRows rows) {
            this.factory = factory;
            this.realmId = realmId;
            this.admin = admin;
            this.clientId = clientId;
            this.dryRun = dryRun;
            this.firstRow = firstRow;
            this.rows = rows;
            this.committedThrough = firstRow - 1;
        }

        void writeTo(OutputStream out) throws IOException {
            long row = firstRow - 1;
            List<Numbered> batch = new ArrayList<>(BATCH);
            String error = null;
            try {
                while (true) {
                    ImportRows.Raw raw;
                    try {
                        raw = rows.next();
                    } catch (ImportRows.Unreadable e) {
                        error = "row " + (row + 1) + ": " + e.getMessage();
                        break;
                    }
                    if (raw == null) {
                        break;
                    }
                    batch.add(new Numbered(++row, raw));
                    if (batch.size() == BATCH) {
                        record(batch, out);
                    }
                }
                record(batch, out);
            } catch (RuntimeException e) {
                // the batch's transaction failed (e.g. the database went away): none of its rows are in
                LOG.warnf(e, "Import into realm %s stopped after row %d", realmId, committedThrough);
                error = "the rows after " + committedThrough + " were not recorded: " + e.getMessage();
            }
            boolean complete = error == null;
            line(out, new SummaryLine(new ImportSummary(dryRun, firstRow, row - firstRow + 1, imported, skipped, refused,
                    complete, dryRun ? firstRow - 1 : committedThrough, complete ? null : committedThrough + 1,
                    error)));
        }

        private record Numbered(long row, ImportRows.Raw raw) {
        }

        /** The batch in one transaction; its lines are written once it has committed. */
        private void record(List<Numbered> batch, OutputStream out) throws IOException {
            if (batch.isEmpty()) {
                return;
            }
            List<RowResult> results = KeycloakModelUtils.runJobInTransactionWithResult(factory, s -> {
                RealmModel realm = s.realms().getRealm(realmId);
                s.getContext().setRealm(realm);
                ConsentProvider plugin = s.getProvider(ConsentProvider.class);
                ConsentService consent = plugin.consent(realm);
                PurposeComponents catalog = new PurposeComponents(realm);
                Instant now = Instant.now();
                List<RowResult> done = new ArrayList<>(batch.size());
                for (Numbered n : batch) {
                    done.add(one(s, realm, plugin, consent, catalog, n, now));
                }
                return done;
            });
            for (RowResult r : results) {
                switch (r.result()) {
                    case "imported", "would_import" -> imported++;
                    case "skipped" -> skipped++;
                    default -> refused++;
                }
                line(out, r);
            }
            committedThrough = batch.get(batch.size() - 1).row();
            batch.clear();
            out.flush();
        }

        private RowResult one(KeycloakSession s, RealmModel realm, ConsentProvider plugin, ConsentService consent,
                              PurposeComponents catalog, Numbered n, Instant now) {
            ImportRows.Raw raw = n.raw();
            if (raw.problem() != null) {
                return new RowResult(n.row(), "refused", ErrorCode.INVALID_REQUEST.code(), raw.problem());
            }
            try {
                UserModel user = user(s, realm, raw.get("user"));
                if (user == null) {
                    return new RowResult(n.row(), "refused", "unknown_user", "there is no user '" + raw.get("user")
                            + "' (by id, username or email) in this realm");
                }
                ImportedAnswer answer = ImportedAnswer.check(catalog, raw.get("purpose"), raw.get("channel"),
                        raw.get("state"), raw.get("at"), raw.get("version"), raw.get("source"), raw.get("evidence"),
                        now);
                String source = raw.get("source").trim();
                String evidence = raw.get("evidence") == null || raw.get("evidence").isBlank() ? null
                        : raw.get("evidence").trim();
                ChangeContext context = new ChangeContext(admin, Via.IMPORT, clientId, CAPABILITY,
                        "imported from " + source, null, new HistoryEntry.Provenance(source, evidence));
                ConsentService.ImportOutcome outcome = consent.importAnswer(plugin.subject(realm, user), answer,
                        context, dryRun);
                return outcome == ConsentService.ImportOutcome.IMPORTED
                        ? new RowResult(n.row(), dryRun ? "would_import" : "imported", null, null)
                        : new RowResult(n.row(), "skipped", outcome.value(), null);
            } catch (ConsentException e) {
                return new RowResult(n.row(), "refused", e.code().code(), e.getMessage());
            }
        }

        /** By id, else username, else email. */
        private static UserModel user(KeycloakSession s, RealmModel realm, String user) {
            if (user == null || user.isBlank()) {
                throw new ConsentException(ErrorCode.INVALID_VALUE, "\"user\" is required");
            }
            String u = user.trim();
            UserModel found = s.users().getUserById(realm, u);
            if (found == null) {
                found = s.users().getUserByUsername(realm, u);
            }
            if (found == null && u.contains("@")) {
                found = s.users().getUserByEmail(realm, u);
            }
            return found;
        }

        private static void line(OutputStream out, Object value) throws IOException {
            out.write(JSON.writeValueAsBytes(value));
            out.write('\n');
        }
    }
}
