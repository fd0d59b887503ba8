package dev.idconsent.consent.admin;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.idconsent.consent.ConsentException;
import dev.idconsent.consent.ErrorCode;
import dev.idconsent.consent.Webhook;
import dev.idconsent.consent.webhooks.WebhookProvider;
import dev.idconsent.consent.webhooks.WebhookSettings;
import dev.idconsent.consent.webhooks.WebhookSignature;
import dev.idconsent.consent.WebhookStore;
import dev.idconsent.consent.jpa.JpaChangeFeed;
import dev.idconsent.consent.jpa.JpaWebhookStore;
import dev.idconsent.consent.rest.ConsentJson;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import org.keycloak.events.admin.OperationType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.services.resources.admin.AdminEventBuilder;
import org.keycloak.services.resources.admin.fgap.AdminPermissionEvaluator;

/**
 * {@code /admin/realms/{realm}/consent/webhooks/…}: the realm's webhook endpoints and how their delivery stands.
 * Reading needs view-realm; changing needs manage-realm, and creating an endpoint or pointing it elsewhere also
 * view-users, because the receiver gets every user's changes (as the change feed, which needs view-users).
 */
final class WebhooksResource extends AdminResource {
    static final String WEBHOOK_RESOURCE = "webhook";
    static final int MAX_RETRY_SECONDS = 7 * 24 * 3600;

    WebhooksResource(KeycloakSession session, RealmModel realm, AdminPermissionEvaluator auth,
                     AdminEventBuilder adminEvent) {
        super(session, realm, auth, adminEvent);
    }

    @GET
    @Path("")
    @Produces(MediaType.APPLICATION_JSON)
    public Response list() {
        auth.realm().requireViewRealm();
        return handle(() -> {
            return ConsentJson.ok(store().list(realm.getId()).stream().map(this::json).toList()).build();
        });
    }

    /**
     * Creates an endpoint; the answer carries its {@code secret}, which is never shown again. Deliveries start with
     * the changes committed after this moment ({@code "start": "end"}, the default) or with the realm's whole
     * history ({@code "start": "beginning"}).
     */
    @POST
    @Path("")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response create(String body) {
        auth.realm().requireManageRealm();
        auth.users().requireView();
        return handle(() -> {
            var read = WebhookFields.read(body, WebhookFields.Create.class);
            WebhookFields.Create json = read.value();
            WebhookSettings defaults = settings();
            String url = WebhookFields.url(json.url(), true);
            WebhookFields.destination(url, defaults);
            String description = WebhookFields.description(read, json.description(), null);
            boolean enabled = or(json.enabled(), true);
            int base = or(WebhookFields.seconds(json.retryBaseSeconds(), "retryBaseSeconds"), defaults.retryBaseSeconds());
            int max = or(WebhookFields.seconds(json.retryMaxSeconds(), "retryMaxSeconds"),
                    Math.max(defaults.retryMaxSeconds(), base));
            WebhookFields.retry(base, max);
            String given = WebhookFields.secret(json.secret());
            String start = json.start();
            long cursor;
            if (start == null || start.equals("end")) {
                cursor = new JpaChangeFeed(session.getKeycloakSessionFactory(), realm.getId()).end();
            } else if (start.equals("beginning")) {
                cursor = 0;
            } else {
                throw WebhookFields.invalid("start", "\"start\" must be \"end\" (changes from now on, the default) or"
                        + " \"beginning\" (the realm's whole history)");
            }
            Instant now = Instant.now();
            Webhook created = new Webhook(KeycloakModelUtils.generateId(), realm.getId(), url, description, enabled,
                    cursor, base, max, 0, now, null, null, null, null, null, 0, now);
            String secret = given != null ? given : WebhookSignature.newSecret();
            store().create(created, secret);
            WebhookJson out = json(created);
            WebhookJson answer = out.withSecret(secret);
            return audited(OperationType.CREATE, out, Response.status(Response.Status.CREATED)
                    .type(MediaType.APPLICATION_JSON_TYPE).entity(answer).build(), created.id());
        });
    }

    @GET
    @Path("{id}")
    @Produces(MediaType.APPLICATION_JSON)
    public Response get(@PathParam("id") String id) {
        auth.realm().requireViewRealm();
        return handle(() -> ConsentJson.ok(json(find(id))).build());
    }

    /** Fields left out keep their value. A new {@code secret} is taken as given and not shown back. */
    @PUT
    @Path("{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response update(@PathParam("id") String id, String body) {
        auth.realm().requireManageRealm();
        return handle(() -> {
            Webhook current = find(id);
            var given = WebhookFields.read(body, WebhookFields.Change.class);
            WebhookFields.Change json = given.value();
            String url = WebhookFields.url(json.url(), false);
            if (url != null && !url.equals(current.url())) {
                auth.users().requireView(); // the changes go somewhere else now
                WebhookFields.destination(url, settings());
            }
            int base = or(WebhookFields.seconds(json.retryBaseSeconds(), "retryBaseSeconds"), current.retryBaseSeconds());
            int max = or(WebhookFields.seconds(json.retryMaxSeconds(), "retryMaxSeconds"), current.retryMaxSeconds());
            WebhookFields.retry(base, max);
            String secret = WebhookFields.secret(json.secret());
            Webhook updated = current.withSettings(or(url, current.url()),
                    WebhookFields.description(given, json.description(), current.description()),
                    or(json.enabled(), current.enabled()), base, max);
            store().update(updated);
            if (secret != null) {
                store().setSecret(id, secret);
            }
            WebhookJson out = json(find(id));
            return audited(OperationType.UPDATE, out, ConsentJson.ok(out).build(), id);
        });
    }

    @DELETE
    @Path("{id}")
    public Response delete(@PathParam("id") String id) {
        auth.realm().requireManageRealm();
        return handle(() -> {
            WebhookJson out = json(find(id));
            store().delete(realm.getId(), id);
            return audited(OperationType.DELETE, out, Response.noContent().build(), id);
        });
    }

    /** Where delivery stands: cursor, backlog, failures in a row, next attempt, last error. */
    @GET
    @Path("{id}/status")
    @Produces(MediaType.APPLICATION_JSON)
    public Response status(@PathParam("id") String id) {
        auth.realm().requireViewRealm();
        return handle(() -> ConsentJson.ok(status(find(id))).build());
    }

    /** Tries at the next tick of the deliverer instead of waiting out the backoff. */
    @POST
    @Path("{id}/retry-now")
    @Produces(MediaType.APPLICATION_JSON)
    public Response retryNow(@PathParam("id") String id) {
        auth.realm().requireManageRealm();
        return handle(() -> {
            find(id);
            store().retryNow(id, Instant.now());
            StatusJson out = status(find(id));
            return audited(OperationType.ACTION, out, ConsentJson.ok(out).build(), id, "retry-now");
        });
    }

    // ---- JSON ---------------------------------------------------------------------------------------------

    /** An endpoint as the admin API shows it (never its secret, except once in the answer to its creation). */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record WebhookJson(String id, String url, String description, boolean enabled, int retryBaseSeconds,
                       int retryMaxSeconds, String createdAt, StatusJson status,
                       @JsonInclude(JsonInclude.Include.NON_NULL) String secret) {
        WebhookJson withSecret(String secret) {
            return new WebhookJson(id, url, description, enabled, retryBaseSeconds, retryMaxSeconds, createdAt,
                    status, secret);
        }
    }

    /** Where delivery stands; {@code nextAttemptAt} is null while the endpoint is disabled. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record StatusJson(long cursor, long backlog, long delivered, int attempts, String nextAttemptAt,
                      String lastAttemptAt, Integer lastStatus, String lastError, String lastErrorAt,
                      String lastSuccessAt, boolean failing) {
    }

    private WebhookJson json(Webhook w) {
        return new WebhookJson(w.id(), w.url(), w.description(), w.enabled(), w.retryBaseSeconds(),
                w.retryMaxSeconds(), w.createdAt().toString(), status(w), null);
    }

    private StatusJson status(Webhook w) {
        return new StatusJson(w.cursor(), store().backlog(realm.getId(), w.cursor()), w.delivered(), w.attempts(),
                w.enabled() ? w.nextAttemptAt().toString() : null, string(w.lastAttemptAt()), w.lastStatus(),
                w.lastError(), string(w.lastErrorAt()), string(w.lastSuccessAt()), w.attempts() > 0);
    }

    private static String string(Instant at) {
        return at == null ? null : at.toString();
    }

    private static <T> T or(T value, T fallback) {
        return value != null ? value : fallback;
    }

    // ---- helpers ------------------------------------------------------------------------------------------

    private Webhook find(String id) {
        return store().find(realm.getId(), id).orElseThrow(() -> new ConsentException(ErrorCode.NOT_FOUND,
                "there is no webhook '" + id + "' in this realm"));
    }

    private WebhookStore store() {
        return JpaWebhookStore.of(session);
    }

    private WebhookSettings settings() {
        WebhookProvider provider = session.getProvider(WebhookProvider.class);
        return provider == null ? WebhookSettings.DEFAULTS : provider.settings();
    }

    /** An admin event about an endpoint: path {@code consent/webhooks/…}; never the secret. */
    private Response audited(OperationType operation, Object representation, Response response, String... path) {
        String[] full = new String[path.length + 2];
        full[0] = "consent";
        full[1] = "webhooks";
        System.arraycopy(path, 0, full, 2, path.length);
        return audited(operation, WEBHOOK_RESOURCE, representation, response, full);
    }
}
