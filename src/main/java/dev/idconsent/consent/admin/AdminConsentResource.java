package dev.idconsent.consent.admin;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.idconsent.consent.Actor;
import dev.idconsent.consent.CatalogService;
import dev.idconsent.consent.ChangeContext;
import dev.idconsent.consent.ConsentException;
import dev.idconsent.consent.ConsentView;
import dev.idconsent.consent.ErrorCode;
import dev.idconsent.consent.Mechanism;
import dev.idconsent.consent.Purpose;
import dev.idconsent.consent.Via;
import dev.idconsent.consent.catalog.ConsentRoles;
import dev.idconsent.consent.mail.ConfirmationMails;
import dev.idconsent.consent.catalog.PurposeComponents;
import dev.idconsent.consent.model.ConsentModels;
import dev.idconsent.consent.rest.ConsentJson;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.keycloak.models.ClientScopeModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RoleModel;
import org.keycloak.models.UserModel;
import org.keycloak.services.ErrorResponseException;
import org.keycloak.events.admin.OperationType;
import org.keycloak.events.admin.ResourceType;
import org.keycloak.services.resources.admin.AdminEventBuilder;
import org.keycloak.services.resources.admin.fgap.AdminPermissionEvaluator;

/**
 * {@code /admin/realms/{realm}/consent/…}: the catalog (view/manage realm) and users' choices (view/manage
 * users). Keycloak has authenticated the admin and handled CORS before this runs.
 */
public final class AdminConsentResource {
    private static final Set<String> PURPOSE_FIELDS = Set.of("key", "label", "description", "category", "mechanism",
            "channels", "honorGpc", "includeInToken", "gating", "askAtLogin", "doubleOptIn", "change", "version", "retired", "role");

    private final KeycloakSession session;
    private final RealmModel realm;
    private final AdminPermissionEvaluator auth;
    private final AdminEventBuilder adminEvent;

    AdminConsentResource(KeycloakSession session, RealmModel realm, AdminPermissionEvaluator auth,
                         AdminEventBuilder adminEvent) {
        this.session = session;
        this.realm = realm;
        this.auth = auth;
        this.adminEvent = adminEvent;
    }

    /** What an admin event is about (detail {@code idc_resource}). */
    static final String PURPOSE_RESOURCE = "purpose";
    static final String CHOICES_RESOURCE = "user-choices";
    static final String SETTINGS_RESOURCE = "settings";

    /**
     * Records a successful admin action as a Keycloak admin event (with its representation when the realm keeps
     * them). Resource type {@code CUSTOM}: Keycloak's admin-events query and console filter know only their own
     * types (a type of our own answers the query with a 500); the path ({@code consent/…}) and the detail
     * {@code idc_resource} say what it was.
     */
    private Response audited(OperationType operation, String resource, Object representation, Response response,
                             String... path) {
        adminEvent.operation(operation).resource(ResourceType.CUSTOM).resourcePath(path)
                .representation(representation).detail("idc_resource", resource).success();
        return response;
    }

    /** Reads that take people's records out (exports, the feed) are admin events too. */
    private ReadAudit readAudit() {
        return (resource, path, filter) -> {
            AdminEventBuilder event = adminEvent.operation(OperationType.ACTION).resource(ResourceType.CUSTOM)
                    .resourcePath(path).representation(filter).detail("idc_resource", resource);
            filter.forEach((k, v) -> event.detail("idc_" + k, v));
            event.success();
        };
    }

    // ---- catalog ------------------------------------------------------------------------------------------

    @GET
    @Path("purposes")
    @Produces(MediaType.APPLICATION_JSON)
    public Response purposes() {
        auth.realm().requireViewRealm();
        return handle(() -> {
            var out = JsonNodeFactory.instance.arrayNode();
            new PurposeComponents(realm).all().forEach(p -> out.add(ConsentJson.purpose(p)));
            return ConsentJson.ok(out).build();
        });
    }

    @GET
    @Path("purposes/{key}")
    @Produces(MediaType.APPLICATION_JSON)
    public Response purpose(@PathParam("key") String key) {
        auth.realm().requireViewRealm();
        return handle(() -> ConsentJson.ok(ConsentJson.purpose(catalog().require(key))).build());
    }

    @POST
    @Path("purposes")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response create(String body) {
        auth.realm().requireManageRealm();
        return handle(() -> {
            ObjectNode json = ConsentJson.object(body);
            ConsentJson.onlyFields(json, "a purpose", PURPOSE_FIELDS);
            Purpose draft = merge(json, null);
            requireDerivedRole(json, draft.key());
            Purpose created = catalog().create(draft, adminActor());
            ObjectNode out = ConsentJson.purpose(created);
            return audited(OperationType.CREATE, PURPOSE_RESOURCE, out, Response.status(Response.Status.CREATED)
                    .type(MediaType.APPLICATION_JSON_TYPE).entity(out).build(), "consent", "purposes", created.key());
        });
    }

    /**
     * Fields left out keep their value. A new label, description or mechanism needs
     * {@code "change": "material"} (new version; users see it as new) or {@code "correction"}.
     */
    @PUT
    @Path("purposes/{key}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response update(@PathParam("key") String key, String body) {
        auth.realm().requireManageRealm();
        return handle(() -> {
            ObjectNode json = ConsentJson.object(body);
            ConsentJson.onlyFields(json, "a purpose", PURPOSE_FIELDS);
            CatalogService catalog = catalog();
            Purpose current = catalog.require(key);
            if (json.has("version") && !json.get("version").equals(JsonNodeFactory.instance.numberNode(current.version()))) {
                throw new ConsentException(ErrorCode.INVALID_REQUEST,
                        "\"version\" is set by the server; use \"change\": \"material\" to start a new version");
            }
            requireDerivedRole(json, key);
            if (json.has("retired") && !Boolean.valueOf(current.retired()).equals(ConsentJson.bool(json, "retired"))) {
                throw new ConsentException(ErrorCode.INVALID_REQUEST,
                        "use POST …/purposes/" + key + "/retire or …/reinstate to change \"retired\"");
            }
            Purpose updated = catalog.update(key, merge(json, current),
                    CatalogService.ChangeKind.fromValue(ConsentJson.string(json, "change", false)), adminActor());
            ObjectNode out = ConsentJson.purpose(updated);
            return audited(OperationType.UPDATE, PURPOSE_RESOURCE, out, ConsentJson.ok(out).build(), "consent",
                    "purposes", key);
        });
    }

    @POST
    @Path("purposes/{key}/retire")
    @Produces(MediaType.APPLICATION_JSON)
    public Response retire(@PathParam("key") String key) {
        auth.realm().requireManageRealm();
        return handle(() -> {
            ObjectNode out = ConsentJson.purpose(catalog().retire(key, true));
            return audited(OperationType.ACTION, PURPOSE_RESOURCE, out, ConsentJson.ok(out).build(), "consent",
                    "purposes", key, "retire");
        });
    }

    @POST
    @Path("purposes/{key}/reinstate")
    @Produces(MediaType.APPLICATION_JSON)
    public Response reinstate(@PathParam("key") String key) {
        auth.realm().requireManageRealm();
        return handle(() -> {
            ObjectNode out = ConsentJson.purpose(catalog().retire(key, false));
            return audited(OperationType.ACTION, PURPOSE_RESOURCE, out, ConsentJson.ok(out).build(), "consent",
                    "purposes", key, "reinstate");
        });
    }

    /** Every text the purpose ever had, oldest first: what users were shown under each version. */
    @GET
    @Path("purposes/{key}/texts")
    @Produces(MediaType.APPLICATION_JSON)
    public Response texts(@PathParam("key") String key) {
        auth.realm().requireViewRealm();
        return handle(() -> {
            catalog().require(key);
            var out = JsonNodeFactory.instance.arrayNode();
            ConsentModels.texts(session, realm).of(key).forEach(t -> out.add(ConsentJson.text(t)));
            return ConsentJson.ok(out).build();
        });
    }

    /** The client scopes that are granted only with this (gating) purpose's consent. */
    @GET
    @Path("purposes/{key}/scopes")
    @Produces(MediaType.APPLICATION_JSON)
    public Response scopes(@PathParam("key") String key) {
        auth.realm().requireViewRealm();
        return handle(() -> ConsentJson.ok(scopesOf(gating(key))).build());
    }

    /**
     * {@code {"scopes": ["partner-data", ...]}}: exactly these client scopes are gated by the purpose (its role
     * becomes their role scope mapping; scopes left out lose it). Same as the scope's "Scope" tab in the console.
     */
    @PUT
    @Path("purposes/{key}/scopes")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response linkScopes(@PathParam("key") String key, String body) {
        auth.realm().requireManageRealm();
        return handle(() -> {
            ObjectNode json = ConsentJson.object(body);
            ConsentJson.onlyFields(json, "the request", Set.of("scopes"));
            List<String> names = ConsentJson.strings(json, "scopes");
            if (names == null) {
                throw new ConsentException(ErrorCode.INVALID_REQUEST, "\"scopes\" must be an array of client scope names");
            }
            Purpose purpose = gating(key);
            List<ClientScopeModel> wanted = new java.util.ArrayList<>();
            for (String name : names) {
                wanted.add(realm.getClientScopesStream().filter(s -> s.getName().equals(name)).findFirst()
                        .orElseThrow(() -> new ConsentException(ErrorCode.INVALID_VALUE,
                                "there is no client scope '" + name + "' in this realm")));
            }
            ConsentRoles roles = ConsentModels.roles(session, realm);
            roles.sync(purpose); // the role exists even if the purpose came in some other way
            RoleModel role = roles.role(purpose);
            realm.getClientScopesStream().toList().forEach(scope -> {
                boolean linked = scope.hasDirectScope(role);
                if (wanted.contains(scope) != linked) {
                    auth.clients().requireManage(scope); // as Keycloak's own scope-mapping endpoint does
                    if (linked) {
                        scope.deleteScopeMapping(role);
                    } else {
                        scope.addScopeMapping(role);
                    }
                }
            });
            ObjectNode out = scopesOf(purpose);
            return audited(OperationType.UPDATE, PURPOSE_RESOURCE, out, ConsentJson.ok(out).build(), "consent",
                    "purposes", key, "scopes");
        });
    }

    /** {@code {"confirmationEmails": bool}}: the realm's consent settings. */
    @GET
    @Path("settings")
    @Produces(MediaType.APPLICATION_JSON)
    public Response settings() {
        auth.realm().requireViewRealm();
        return handle(() -> ConsentJson.ok(settingsJson()).build());
    }

    @PUT
    @Path("settings")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response updateSettings(String body) {
        auth.realm().requireManageRealm();
        return handle(() -> {
            ObjectNode json = ConsentJson.object(body);
            ConsentJson.onlyFields(json, "the settings", Set.of("confirmationEmails"));
            Boolean confirmations = ConsentJson.bool(json, "confirmationEmails");
            if (confirmations != null) {
                realm.setAttribute(ConfirmationMails.SETTING, confirmations.toString());
            }
            ObjectNode out = settingsJson();
            return audited(OperationType.UPDATE, SETTINGS_RESOURCE, out, ConsentJson.ok(out).build(), "consent",
                    "settings");
        });
    }

    private ObjectNode settingsJson() {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("confirmationEmails", ConfirmationMails.enabled(realm));
        return out;
    }

    /** Where the consent roles differ from the consent records (also logged as warnings). */
    @GET
    @Path("integrity")
    @Produces(MediaType.APPLICATION_JSON)
    public Response integrity() {
        auth.realm().requireViewRealm();
        auth.users().requireView();
        return handle(() -> {
            var problems = ConsentModels.roles(session, realm).check(new PurposeComponents(realm).all());
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            out.put("ok", problems.isEmpty());
            out.set("problems", ConsentJson.problems(problems));
            return ConsentJson.ok(out).build();
        });
    }

    /** Repairs the consent roles from the consent records, which are the truth; answers what it repaired. */
    @POST
    @Path("reconcile")
    @Produces(MediaType.APPLICATION_JSON)
    public Response reconcile() {
        auth.realm().requireManageRealm();
        auth.users().requireManage();
        return handle(() -> {
            var repaired = ConsentModels.roles(session, realm).reconcile(new PurposeComponents(realm).all());
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            out.set("repaired", ConsentJson.problems(repaired));
            return audited(OperationType.ACTION, PURPOSE_RESOURCE, out, ConsentJson.ok(out).build(), "consent",
                    "reconcile");
        });
    }

    // ---- reports ------------------------------------------------------------------------------------------

    /**
     * {@code {"people": n, "counts": [{"purpose", "channel", "mechanism", "granted", "denied", "pending",
     * "noAnswer", "on"}]}}: per active purpose and channel, how many people of the realm (service accounts not
     * counted) said yes, no, wait for a double-opt-in confirmation, never answered, and for how many it is on.
     */
    @GET
    @Path("reports/counts")
    @Produces(MediaType.APPLICATION_JSON)
    public Response counts() {
        auth.realm().requireViewRealm();
        auth.users().requireView();
        return handle(() -> {
            long people = session.users().getUsersCount(realm, false);
            ObjectNode out = ConsentJson.counts(people, ConsentModels.consent(session, realm).counts(people));
            return ConsentJson.ok(out).build();
        });
    }

    /**
     * The change feed: {@code {"changes": [{"position": n, ...history row}], "next": n}}, every history row of the
     * realm in feed order after {@code after} (0 for the start). Poll with {@code after} = the last {@code next}:
     * no row is missed or repeated, also while people change choices concurrently. View-users.
     */
    /** Streaming CSV/JSON exports of current choices and history (view-realm and view-users). */
    @Path("export")
    public ExportResource export() {
        return new ExportResource(session, realm, auth, readAudit());
    }

    @GET
    @Path("feed")
    @Produces(MediaType.APPLICATION_JSON)
    public Response feed(@QueryParam("after") Long after, @QueryParam("max") Integer max) {
        auth.users().requireView();
        return handle(() -> {
            if (after != null && after < 0) {
                throw new ConsentException(ErrorCode.INVALID_VALUE, "\"after\" must be 0 or more");
            }
            long cursor = after == null ? 0 : after;
            var entries = new dev.idconsent.consent.jpa.JpaChangeFeed(session.getKeycloakSessionFactory(),
                    realm.getId()).after(cursor, ConsentJson.max(max));
            ObjectNode out = ConsentJson.feed(entries, cursor);
            readAudit().read(ReadAudit.FEED, new String[] {"consent", "feed"}, java.util.Map.of("after",
                    Long.toString(cursor), "max", Integer.toString(ConsentJson.max(max)), "rows",
                    Integer.toString(entries.size())));
            return ConsentJson.ok(out).build();
        });
    }

    /** The realm's webhook endpoints: {@link WebhooksResource}. */
    @Path("webhooks")
    public WebhooksResource webhooks() {
        return new WebhooksResource(session, realm, auth, adminEvent);
    }

    // ---- users --------------------------------------------------------------------------------------------

    @GET
    @Path("users/{userId}")
    @Produces(MediaType.APPLICATION_JSON)
    public Response user(@PathParam("userId") String userId) {
        UserModel user = findUser(userId);
        auth.users().requireView(user);
        return handle(() -> {
            ConsentView view = ConsentModels.consent(session, realm).view(ConsentModels.subject(session, realm, user));
            return ConsentJson.ok(ConsentJson.view(view)).tag(view.tag()).build();
        });
    }

    @GET
    @Path("users/{userId}/history")
    @Produces(MediaType.APPLICATION_JSON)
    public Response history(@PathParam("userId") String userId, @QueryParam("first") Integer first,
                            @QueryParam("max") Integer max) {
        UserModel user = findUser(userId);
        auth.users().requireView(user);
        return handle(() -> ConsentJson.ok(ConsentJson.historyPage(ConsentModels.consent(session, realm)
                .history(ConsentModels.subject(session, realm, user), ConsentJson.first(first), ConsentJson.max(max)))).build());
    }

    /** The user's receipt (as {@code GET /me/receipt}): current choices and every change with the text shown. */
    @GET
    @Path("users/{userId}/receipt")
    @Produces(MediaType.APPLICATION_JSON)
    public Response receipt(@PathParam("userId") String userId) {
        UserModel user = findUser(userId);
        auth.users().requireView(user);
        return handle(() -> ConsentJson.ok(ConsentJson.receipt(ConsentModels.consent(session, realm).receipt(
                ConsentModels.subject(session, realm, user)), realm.getName(), user.getUsername(),
                java.time.Instant.now())).build());
    }

    /** {@code {"reason": "...", "choices": [...]}}: a change on the user's behalf; the reason is recorded. */
    @POST
    @Path("users/{userId}/choices")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response change(@PathParam("userId") String userId, String body,
                           @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch) {
        UserModel user = findUser(userId);
        auth.users().requireManage(user);
        return handle(() -> {
            ObjectNode json = ConsentJson.object(body);
            ConsentJson.onlyFields(json, "the request", Set.of("choices", "reason"));
            String reason = ConsentJson.string(json, "reason", false);
            if (reason == null || reason.isBlank()) {
                throw new ConsentException(ErrorCode.REASON_REQUIRED,
                        "a change on a user's behalf needs a \"reason\" (it is recorded in their history)");
            }
            if (reason.length() > 1000) {
                throw new ConsentException(ErrorCode.INVALID_VALUE, "\"reason\" is longer than 1000 characters");
            }
            ConsentView view = ConsentModels.consent(session, realm).record(ConsentModels.subject(session, realm, user),
                    ConsentJson.changes(json), new ChangeContext(adminActor(), Via.ADMIN,
                            auth.adminAuth().getClient().getClientId(), "manage-users", reason,
                            ConsentJson.unquoteTag(ifMatch)));
            ObjectNode changed = JsonNodeFactory.instance.objectNode();
            changed.put("reason", reason);
            changed.set("changes", ConsentJson.view(view).path("changes"));
            return audited(OperationType.UPDATE, CHOICES_RESOURCE, changed,
                    ConsentJson.ok(ConsentJson.view(view)).tag(view.tag()).build(), "consent", "users", userId,
                    "choices");
        });
    }

    // ---- helpers ------------------------------------------------------------------------------------------

    private Purpose gating(String key) {
        Purpose purpose = catalog().require(key);
        if (!purpose.gating()) {
            throw new ConsentException(ErrorCode.INVALID_REQUEST, "purpose '" + key
                    + "' does not gate access; set \"gating\": true first (opt-in purposes only)");
        }
        return purpose;
    }

    private ObjectNode scopesOf(Purpose purpose) {
        RoleModel role = ConsentModels.roles(session, realm).role(purpose);
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("role", ConsentRoles.roleName(purpose.key()));
        var scopes = out.putArray("scopes");
        realm.getClientScopesStream().filter(s -> role != null && s.hasDirectScope(role))
                .map(ClientScopeModel::getName).sorted().forEach(scopes::add);
        return out;
    }

    private static void requireDerivedRole(ObjectNode json, String key) {
        String role = ConsentJson.string(json, "role", false);
        if (role != null && !role.equals(ConsentRoles.roleName(key))) {
            throw new ConsentException(ErrorCode.INVALID_REQUEST, "\"role\" is named by the plugin ("
                    + ConsentRoles.roleName(key) + "); leave it out");
        }
    }

    private CatalogService catalog() {
        return ConsentModels.catalog(session, realm);
    }

    private UserModel findUser(String userId) {
        UserModel user = session.users().getUserById(realm, userId);
        if (user == null) {
            // users().requireView needs a user; an unknown id is answered the same way to anyone who may view users
            auth.users().requireView();
            throw new ErrorResponseException(ConsentJson.error(ErrorCode.NOT_FOUND,
                    "there is no user '" + userId + "' in this realm"));
        }
        return user;
    }

    private Actor adminActor() {
        return ConsentModels.adminActor(auth.adminAuth().getUser());
    }

    private Response handle(Supplier<Response> action) {
        return ConsentJson.guarded(session, action);
    }

    /** A purpose from JSON; fields left out come from {@code base} (or defaults for a new purpose). */
    private static Purpose merge(ObjectNode json, Purpose base) {
        String mechanism = ConsentJson.string(json, "mechanism", base == null);
        List<String> channels = ConsentJson.strings(json, "channels");
        Boolean gpc = ConsentJson.bool(json, "honorGpc");
        Boolean inToken = ConsentJson.bool(json, "includeInToken");
        Boolean gating = ConsentJson.bool(json, "gating");
        Boolean askAtLogin = ConsentJson.bool(json, "askAtLogin");
        Boolean doubleOptIn = ConsentJson.bool(json, "doubleOptIn");
        return new Purpose(
                base == null ? ConsentJson.string(json, "key", true) : ConsentJson.string(json, "key", false),
                or(ConsentJson.string(json, "label", base == null), base == null ? null : base.label()),
                or(ConsentJson.string(json, "description", false), base == null ? "" : base.description()),
                or(ConsentJson.string(json, "category", false), base == null ? null : base.category()),
                mechanism == null ? base.mechanism() : Mechanism.fromValue(mechanism),
                or(channels, base == null ? List.of() : base.channels()),
                base == null ? 1 : base.version(),
                or(gpc, base != null && base.honorGpc()),
                or(inToken, base == null || base.includeInToken()),
                or(gating, base != null && base.gating()),
                or(askAtLogin, base != null && base.askAtLogin()),
                or(doubleOptIn, base != null && base.doubleOptIn()),
                base != null && base.retired());
    }

    private static <T> T or(T value, T fallback) {
        return value != null ? value : fallback;
    }
}
