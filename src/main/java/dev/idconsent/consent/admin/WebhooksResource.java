package dev.idconsent.consent.admin;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import dev.idconsent.consent.rest.JsonInput;
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
import java.util.Set;
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
    private static final Set<String> CREATE_FIELDS = Set.of("url", "description", "enabled", "secret", "start",
            "retryBaseSeconds", "retryMaxSeconds");
    private static final Set<String> UPDATE_FIELDS = Set.of("url", "description", "enabled", "secret",
            "retryBaseSeconds", "retryMaxSeconds");
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
            var out = JsonNodeFactory.instance.arrayNode();
            store().list(realm.getId()).forEach(w -> out.add(json(w)));
            return ConsentJson.ok(out).build();
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
            ObjectNode json = JsonInput.object(body);
            JsonInput.onlyFields(json, "a webhook", CREATE_FIELDS);
            WebhookSettings defaults = settings();
            String url = WebhookFields.url(json, true);
            WebhookFields.destination(url, defaults);
            String description = WebhookFields.description(json, null);
            boolean enabled = or(WebhookFields.bool(json, "enabled"), true);
            int base = or(WebhookFields.seconds(json, "retryBaseSeconds"), defaults.retryBaseSeconds());
            int max = or(WebhookFields.seconds(json, "retryMaxSeconds"), Math.max(defaults.retryMaxSeconds(), base));
            WebhookFields.retry(base, max);
            String given = WebhookFields.secret(json);
            String start = WebhookFields.text(json, "start");
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
            ObjectNode out = json(created);
            ObjectNode answer = out.deepCopy();
            answer.put("secret", secret);
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
            ObjectNode json = JsonInput.object(body);
            JsonInput.onlyFields(json, "a webhook", UPDATE_FIELDS);
            String url = WebhookFields.url(json, false);
            if (url != null && !url.equals(current.url())) {
                auth.users().requireView(); // the changes go somewhere else now
                WebhookFields.destination(url, settings());
            }
            int base = or(WebhookFields.seconds(json, "retryBaseSeconds"), current.retryBaseSeconds());
            int max = or(WebhookFields.seconds(json, "retryMaxSeconds"), current.retryMaxSeconds());
            WebhookFields.retry(base, max);
            String secret = WebhookFields.secret(json);
            Webhook updated = current.withSettings(or(url, current.url()), WebhookFields.description(json, current.description()),
                    or(WebhookFields.bool(json, "enabled"), current.enabled()), base, max);
            store().update(updated);
            if (secret != null) {
                store().setSecret(id, secret);
            }
            ObjectNode out = json(find(id));
            return audited(OperationType.UPDATE, out, ConsentJson.ok(out).build(), id);
        });
    }

    @DELETE
    @Path("{id}")
    public Response delete(@PathParam("id") String id) {
        auth.realm().requireManageRealm();
        return handle(() -> {
            ObjectNode out = json(find(id));
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
            ObjectNode out = status(find(id));
            return audited(OperationType.ACTION, out, ConsentJson.ok(out).build(), id, "retry-now");
        });
    }

    // ---- JSON ---------------------------------------------------------------------------------------------

    private ObjectNode json(Webhook w) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("id", w.id());
        out.put("url", w.url());
        out.put("description", w.description());
        out.put("enabled", w.enabled());
        out.put("retryBaseSeconds", w.retryBaseSeconds());
        out.put("retryMaxSeconds", w.retryMaxSeconds());
        out.put("createdAt", w.createdAt().toString());
        out.set("status", status(w));
        return out;
    }

    private ObjectNode status(Webhook w) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("cursor", w.cursor());
        out.put("backlog", store().backlog(realm.getId(), w.cursor()));
        out.put("delivered", w.delivered());
        out.put("attempts", w.attempts());
        out.put("nextAttemptAt", w.enabled() ? w.nextAttemptAt().toString() : null);
        out.put("lastAttemptAt", string(w.lastAttemptAt()));
        if (w.lastStatus() == null) {
            out.putNull("lastStatus");
        } else {
            out.put("lastStatus", w.lastStatus());
        }
        out.put("lastError", w.lastError());
        out.put("lastErrorAt", string(w.lastErrorAt()));
        out.put("lastSuccessAt", string(w.lastSuccessAt()));
        out.put("failing", w.attempts() > 0);
        return out;
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
