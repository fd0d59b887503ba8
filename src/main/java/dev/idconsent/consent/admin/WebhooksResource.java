package dev.idconsent.consent.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.idconsent.consent.ConsentException;
import dev.idconsent.consent.ErrorCode;
import dev.idconsent.consent.Webhook;
import dev.idconsent.consent.webhooks.WebhookDestinations;
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
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;
import org.keycloak.events.admin.OperationType;
import org.keycloak.events.admin.ResourceType;
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
public final class WebhooksResource {
    static final String WEBHOOK_RESOURCE = "webhook";
    private static final Set<String> CREATE_FIELDS = Set.of("url", "description", "enabled", "secret", "start",
            "retryBaseSeconds", "retryMaxSeconds");
    private static final Set<String> UPDATE_FIELDS = Set.of("url", "description", "enabled", "secret",
            "retryBaseSeconds", "retryMaxSeconds");
    static final int MAX_RETRY_SECONDS = 7 * 24 * 3600;

    private final KeycloakSession session;
    private final RealmModel realm;
    private final AdminPermissionEvaluator auth;
    private final AdminEventBuilder adminEvent;

    WebhooksResource(KeycloakSession session, RealmModel realm, AdminPermissionEvaluator auth,
                     AdminEventBuilder adminEvent) {
        this.session = session;
        this.realm = realm;
        this.auth = auth;
        this.adminEvent = adminEvent;
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
            ObjectNode json = ConsentJson.object(body);
            ConsentJson.onlyFields(json, "a webhook", CREATE_FIELDS);
            WebhookSettings defaults = settings();
            String url = url(json, true);
            destination(url, defaults);
            String description = description(json, null);
            boolean enabled = or(bool(json, "enabled"), true);
            int base = or(seconds(json, "retryBaseSeconds"), defaults.retryBaseSeconds());
            int max = or(seconds(json, "retryMaxSeconds"), Math.max(defaults.retryMaxSeconds(), base));
            retry(base, max);
            String given = secret(json);
            String start = text(json, "start");
            long cursor;
            if (start == null || start.equals("end")) {
                cursor = new JpaChangeFeed(session.getKeycloakSessionFactory(), realm.getId()).end();
            } else if (start.equals("beginning")) {
                cursor = 0;
            } else {
                throw invalid("start", "\"start\" must be \"end\" (changes from now on, the default) or"
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
            ObjectNode json = ConsentJson.object(body);
            ConsentJson.onlyFields(json, "a webhook", UPDATE_FIELDS);
            String url = url(json, false);
            if (url != null && !url.equals(current.url())) {
                auth.users().requireView(); // the changes go somewhere else now
                destination(url, settings());
            }
            int base = or(seconds(json, "retryBaseSeconds"), current.retryBaseSeconds());
            int max = or(seconds(json, "retryMaxSeconds"), current.retryMaxSeconds());
            retry(base, max);
            String secret = secret(json);
            Webhook updated = current.withSettings(or(url, current.url()), description(json, current.description()),
                    or(bool(json, "enabled"), current.enabled()), base, max);
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

    // ---- input --------------------------------------------------------------------------------------------

    /** A refused webhook field: {@code {"error": "invalid_webhook", "message": "...", "field": "<name>"}}. */
    private static ConsentException invalid(String field, String message) {
        return new ConsentException(ErrorCode.INVALID_WEBHOOK, message, field);
    }

    private static String url(JsonNode json, boolean required) {
        String value = text(json, "url");
        if (value == null) {
            if (required) {
                throw invalid("url", "\"url\" is required: the http(s) address that receives the changes");
            }
            return null;
        }
        String problem = urlProblem(value);
        if (problem != null) {
            throw invalid("url", "\"url\" " + problem);
        }
        return value;
    }

    /** Why this is not a usable receiver address, or {@code null} if it is. */
    static String urlProblem(String value) {
        if (value.length() > 2000) {
            return "is longer than 2000 characters";
        }
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            return "is not a valid URL: " + e.getReason();
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!uri.isAbsolute() || !(scheme.equals("http") || scheme.equals("https"))) {
            return "must be an absolute http:// or https:// URL, not '" + value + "'";
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            return "must name a host";
        }
        if (uri.getRawUserInfo() != null) {
            return "must not carry credentials (they would be shown to every admin); use the signature to"
                    + " authenticate deliveries";
        }
        if (uri.getRawFragment() != null) {
            return "must not have a #fragment";
        }
        return null;
    }

    /**
     * Refuses a receiver inside the server's own network (loopback, link-local such as the cloud's metadata service,
     * private, any-local, multicast) unless the server's allow-list names it. A host that does not resolve now is
     * accepted: the deliverer applies the same rule to whatever it resolves to at each delivery.
     */
    private static void destination(String url, WebhookSettings settings) {
        WebhookDestinations.Refusal refusal;
        try {
            refusal = settings.allowedDestinations().check(URI.create(url).getHost());
        } catch (UnknownHostException e) {
            return;
        }
        if (refusal != null) {
            throw invalid("url", "\"url\" points at " + refusal.describe() + ": the server sends no webhooks"
                    + " into its own network unless the server option " + WebhookDestinations.OPTION
                    + " names the host, the address or its range");
        }
    }

    private static String description(JsonNode json, String fallback) {
        if (!json.has("description")) {
            return fallback;
        }
        String value = text(json, "description");
        if (value != null && value.length() > 255) {
            throw invalid("description", "\"description\" is longer than 255 characters");
        }
        return value;
    }

    private static String secret(JsonNode json) {
        String value = text(json, "secret");
        if (value != null && (value.length() < 16 || value.length() > 255)) {
            throw invalid("secret", "\"secret\" must be 16 to 255 characters long (leave it out and one is"
                    + " generated)");
        }
        return value;
    }

    private static Integer seconds(JsonNode json, String field) {
        JsonNode value = json.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt() || value.intValue() < 1
                || value.intValue() > MAX_RETRY_SECONDS) {
            throw invalid(field, "\"" + field + "\" must be a whole number of seconds from 1 to "
                    + MAX_RETRY_SECONDS + ", not " + value);
        }
        return value.intValue();
    }

    private static void retry(int base, int max) {
        if (max < base) {
            throw invalid("retryMaxSeconds", "\"retryMaxSeconds\" (" + max
                    + ") must not be less than \"retryBaseSeconds\" (" + base + ")");
        }
    }

    private static String text(JsonNode json, String field) {
        JsonNode value = json.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw invalid(field, "\"" + field + "\" must be a string, not " + value);
        }
        return value.textValue();
    }

    private static Boolean bool(JsonNode json, String field) {
        JsonNode value = json.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isBoolean()) {
            throw invalid(field, "\"" + field + "\" must be true or false, not " + value);
        }
        return value.booleanValue();
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

    private Response audited(OperationType operation, Object representation, Response response, String... path) {
        String[] full = new String[path.length + 2];
        full[0] = "consent";
        full[1] = "webhooks";
        System.arraycopy(path, 0, full, 2, path.length);
        adminEvent.operation(operation).resource(ResourceType.CUSTOM).resourcePath(full)
                .representation(representation).detail("idc_resource", WEBHOOK_RESOURCE).success();
        return response;
    }

    private Response handle(Supplier<Response> action) {
        return ConsentJson.guarded(session, action);
    }
}
