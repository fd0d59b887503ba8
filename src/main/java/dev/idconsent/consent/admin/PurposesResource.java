package dev.idconsent.consent.admin;

import dev.idconsent.consent.CatalogService;
import dev.idconsent.consent.ConsentException;
import dev.idconsent.consent.ErrorCode;
import dev.idconsent.consent.LegalBasis;
import dev.idconsent.consent.Mechanism;
import dev.idconsent.consent.Purpose;
import dev.idconsent.consent.Words;
import dev.idconsent.consent.catalog.ConsentRoles;
import dev.idconsent.consent.catalog.PurposeComponents;
import dev.idconsent.consent.rest.ConsentJson;
import dev.idconsent.consent.rest.JsonInput;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.keycloak.models.ClientScopeModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RoleModel;
import org.keycloak.events.admin.OperationType;
import org.keycloak.services.resources.admin.AdminEventBuilder;
import org.keycloak.services.resources.admin.fgap.AdminPermissionEvaluator;

/**
 * {@code /admin/realms/{realm}/consent/purposes…}: the catalog — list, create, read, change (material or
 * correction), retire and reinstate purposes, their archived texts, and the client scopes a gating purpose guards.
 * View-realm to read, manage-realm to change.
 */
final class PurposesResource extends AdminResource {
    /**
     * A purpose as the admin sends it; on a change, fields left out keep their value. {@code version}, {@code retired}
     * and {@code role} are the server's: accepted only unchanged, so a purpose read can be sent back as it is.
     */
    record PurposeBody(String key, String label, String description, String category, String mechanism,
                       List<String> channels, Boolean honorGpc, Boolean includeInToken, Boolean gating,
                       Boolean askAtLogin, Boolean doubleOptIn, String change, Integer version, Boolean retired,
                       String role, java.math.BigDecimal renewAfterDays, String legalBasis, String purposeType,
                       List<String> recipients, String locale,
                       java.util.Map<String, ConsentJson.TranslationJson> translations,
                       java.util.Map<String, String> regions, List<ConsentJson.FrequencyJson> frequencies,
                       String defaultFrequency, List<java.math.BigDecimal> pauseDays, String organization) {
    }

    /** {@code {"scopes": [...]}} */
    record ScopesBody(List<String> scopes) {
    }

    PurposesResource(KeycloakSession session, RealmModel realm, AdminPermissionEvaluator auth, AdminEventBuilder adminEvent) {
        super(session, realm, auth, adminEvent);
    }

    @GET
    @Path("")
    @Produces(MediaType.APPLICATION_JSON)
    public Response purposes() {
        auth.realm().requireViewRealm();
        return handle(() -> {
            return ConsentJson.ok(new PurposeComponents(realm).all().stream().map(p -> ConsentJson.purpose(p, baseLocale())).toList())
                    .build();
        });
    }

    @GET
    @Path("{key}")
    @Produces(MediaType.APPLICATION_JSON)
    public Response purpose(@PathParam("key") String key) {
        auth.realm().requireViewRealm();
        return handle(() -> ConsentJson.ok(ConsentJson.purpose(catalog().require(key), baseLocale())).build());
    }

    @POST
    @Path("")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response create(String body) {
        auth.realm().requireManageRealm();
        return handle(() -> {
            PurposeBody json = JsonInput.read(body, PurposeBody.class, "a purpose");
            Purpose draft = merge(json, null);
            requireDerivedRole(json, draft.key());
            Purpose created = catalog().create(draft, adminActor());
            var out = ConsentJson.purpose(created, baseLocale());
            return audited(OperationType.CREATE, PURPOSE_RESOURCE, out, Response.status(Response.Status.CREATED)
                    .type(MediaType.APPLICATION_JSON_TYPE).entity(out).build(), "consent", "purposes", created.key());
        });
    }

    /**
     * Fields left out keep their value. A new label, description or mechanism needs
     * {@code "change": "material"} (new version; users see it as new) or {@code "correction"}.
     */
    @PUT
    @Path("{key}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response update(@PathParam("key") String key, String body) {
        auth.realm().requireManageRealm();
        return handle(() -> {
            PurposeBody json = JsonInput.read(body, PurposeBody.class, "a purpose");
            CatalogService catalog = catalog();
            Purpose current = catalog.require(key);
            if (json.version() != null && json.version() != current.version()) {
                throw new ConsentException(ErrorCode.INVALID_REQUEST,
                        "\"version\" is set by the server; use \"change\": \"material\" to start a new version");
            }
            requireDerivedRole(json, key);
            if (json.retired() != null && json.retired() != current.retired()) {
                throw new ConsentException(ErrorCode.INVALID_REQUEST,
                        "use POST …/purposes/" + key + "/retire or …/reinstate to change \"retired\"");
            }
            Purpose updated = catalog.update(key, merge(json, current),
                    CatalogService.ChangeKind.fromValue(json.change()), adminActor());
            var out = ConsentJson.purpose(updated, baseLocale());
            return audited(OperationType.UPDATE, PURPOSE_RESOURCE, out, ConsentJson.ok(out).build(), "consent",
                    "purposes", key);
        });
    }

    @POST
    @Path("{key}/retire")
    @Produces(MediaType.APPLICATION_JSON)
    public Response retire(@PathParam("key") String key) {
        auth.realm().requireManageRealm();
        return handle(() -> {
            var out = ConsentJson.purpose(catalog().retire(key, true), baseLocale());
            return audited(OperationType.ACTION, PURPOSE_RESOURCE, out, ConsentJson.ok(out).build(), "consent",
                    "purposes", key, "retire");
        });
    }

    @POST
    @Path("{key}/reinstate")
    @Produces(MediaType.APPLICATION_JSON)
    public Response reinstate(@PathParam("key") String key) {
        auth.realm().requireManageRealm();
        return handle(() -> {
            var out = ConsentJson.purpose(catalog().retire(key, false), baseLocale());
            return audited(OperationType.ACTION, PURPOSE_RESOURCE, out, ConsentJson.ok(out).build(), "consent",
                    "purposes", key, "reinstate");
        });
    }

    /** Every text the purpose ever had, oldest first: what users were shown under each version. */
    @GET
    @Path("{key}/texts")
    @Produces(MediaType.APPLICATION_JSON)
    public Response texts(@PathParam("key") String key) {
        auth.realm().requireViewRealm();
        return handle(() -> {
            catalog().require(key);
            return ConsentJson.ok(plugin().texts(realm).of(key).stream().map(t -> ConsentJson.text(t, baseLocale())).toList()).build();
        });
    }

    /** The client scopes that are granted only with this (gating) purpose's consent. */
    @GET
    @Path("{key}/scopes")
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
    @Path("{key}/scopes")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response linkScopes(@PathParam("key") String key, String body) {
        auth.realm().requireManageRealm();
        return handle(() -> {
            List<String> names = JsonInput.read(body, ScopesBody.class, "the request").scopes();
            if (names == null || names.contains(null)) {
                throw new ConsentException(ErrorCode.INVALID_REQUEST, "\"scopes\" must be an array of client scope names");
            }
            Purpose purpose = gating(key);
            List<ClientScopeModel> wanted = new java.util.ArrayList<>();
            for (String name : names) {
                wanted.add(realm.getClientScopesStream().filter(s -> s.getName().equals(name)).findFirst()
                        .orElseThrow(() -> new ConsentException(ErrorCode.INVALID_VALUE,
                                "there is no client scope '" + name + "' in this realm")));
            }
            ConsentRoles roles = plugin().roles(realm);
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
            Scopes out = scopesOf(purpose);
            return audited(OperationType.UPDATE, PURPOSE_RESOURCE, out, ConsentJson.ok(out).build(), "consent",
                    "purposes", key, "scopes");
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

    /** The gating role of a purpose and the client scopes it guards. */
    record Scopes(String role, List<String> scopes) {
    }

    private Scopes scopesOf(Purpose purpose) {
        RoleModel role = plugin().roles(realm).role(purpose);
        return new Scopes(ConsentRoles.roleName(purpose.key()), realm.getClientScopesStream()
                .filter(s -> role != null && s.hasDirectScope(role)).map(ClientScopeModel::getName).sorted().toList());
    }

    private static void requireDerivedRole(PurposeBody json, String key) {
        String role = json.role();
        if (role != null && !role.equals(ConsentRoles.roleName(key))) {
            throw new ConsentException(ErrorCode.INVALID_REQUEST, "\"role\" is named by the plugin ("
                    + ConsentRoles.roleName(key) + "); leave it out");
        }
    }

    private String baseLocale() {
        return PurposeComponents.baseLocale(realm);
    }

    private CatalogService catalog() {
        return plugin().catalog(realm);
    }

    /** A purpose from JSON; fields left out come from {@code base} (or defaults for a new purpose). */
    private Purpose merge(PurposeBody json, Purpose base) {
        if (json.locale() != null && !Words.normalize(json.locale()).equals(baseLocale())) {
            throw new ConsentException(ErrorCode.INVALID_REQUEST, "\"label\" and \"description\" are in the realm's"
                    + " default language (" + baseLocale() + "), not " + json.locale() + "; give other languages"
                    + " under \"translations\": {\"" + json.locale() + "\": {\"label\": …, \"description\": …}}");
        }
        if (base == null) {
            JsonInput.required(json.key(), "key");
            JsonInput.required(json.label(), "label");
            JsonInput.required(json.mechanism(), "mechanism");
        }
        if (json.channels() != null && json.channels().contains(null)) {
            throw new ConsentException(ErrorCode.INVALID_VALUE, "\"channels\" must contain only strings");
        }
        if (json.recipients() != null && json.recipients().contains(null)) {
            throw new ConsentException(ErrorCode.INVALID_VALUE, "\"recipients\" must contain only strings");
        }
        Mechanism mechanism = json.mechanism() == null ? base.mechanism() : Mechanism.fromValue(json.mechanism());
        Purpose merged = new Purpose(
                json.key(),
                or(json.label(), base == null ? null : base.label()),
                or(json.description(), base == null ? "" : base.description()),
                or(json.category(), base == null ? null : base.category()),
                mechanism,
                or(json.channels(), base == null ? List.of() : base.channels()),
                base == null ? 1 : base.version(),
                or(json.honorGpc(), base != null && base.honorGpc()),
                or(json.includeInToken(), base == null || base.includeInToken()),
                or(json.gating(), base != null && base.gating()),
                or(json.askAtLogin(), base != null && base.askAtLogin()),
                or(json.doubleOptIn(), base != null && base.doubleOptIn()),
                base != null && base.retired(),
                json.renewAfterDays() != null ? Purpose.lifetimeOfDays(json.renewAfterDays())
                        : base == null ? null : base.renewAfter(),
                json.legalBasis() != null ? LegalBasis.fromValue(json.legalBasis())
                        : base == null ? null : base.legalBasis(),
                // "" removes the type
                json.purposeType() != null ? json.purposeType() : base == null ? null : base.purposeType(),
                or(json.recipients(), base == null ? List.of() : base.recipients()),
                // all languages at once: {} removes every translation
                json.translations() != null ? translations(json.translations())
                        : base == null ? null : base.translations(),
                // all regions at once: {} removes every regional mechanism
                json.regions() != null ? regions(json.regions()) : base == null ? null : base.regions(),
                // all frequencies at once: [] offers none
                json.frequencies() != null ? frequencies(json.frequencies())
                        : base == null ? null : base.frequencies(),
                // "" removes the default; offering none removes it too
                json.defaultFrequency() != null ? json.defaultFrequency()
                        : json.frequencies() != null && json.frequencies().isEmpty() ? null
                        : base == null ? null : base.defaultFrequency(),
                // all periods at once: [] offers no pause
                json.pauseDays() != null ? pauses(json.pauseDays()) : base == null ? null : base.pauses(),
                // "" makes it the whole realm's
                json.organization() != null ? json.organization() : base == null ? null : base.organization());
        dev.idconsent.consent.catalog.RegionSettings.check(realm, merged);
        dev.idconsent.consent.catalog.Memberships.check(session, realm, merged);
        return merged;
    }

    /** Regional mechanisms by region (that each is the realm's: {@code RegionSettings.check}). */
    private static java.util.Map<String, Mechanism> regions(java.util.Map<String, String> given) {
        java.util.Map<String, Mechanism> out = new java.util.LinkedHashMap<>();
        given.forEach((region, mechanism) -> {
            if (mechanism == null) {
                throw new ConsentException(ErrorCode.INVALID_VALUE, "region '" + region + "' needs a mechanism"
                        + " (opt-in, opt-out or required)");
            }
            out.put(region, Mechanism.fromValue(mechanism));
        });
        return out;
    }

    private static List<java.time.Duration> pauses(List<java.math.BigDecimal> days) {
        List<java.time.Duration> out = new java.util.ArrayList<>();
        for (java.math.BigDecimal d : days) {
            if (d == null || d.signum() <= 0) {
                throw new ConsentException(ErrorCode.INVALID_PURPOSE, "pauseDays must be positive numbers of days,"
                        + " e.g. [30, 90]");
            }
            out.add(Purpose.lifetimeOfDays(d, "pauseDays"));
        }
        return out;
    }

    private static List<dev.idconsent.consent.Frequency> frequencies(List<ConsentJson.FrequencyJson> given) {
        List<dev.idconsent.consent.Frequency> out = new java.util.ArrayList<>();
        for (ConsentJson.FrequencyJson f : given) {
            if (f == null) {
                throw new ConsentException(ErrorCode.INVALID_VALUE, "\"frequencies\" must be objects {\"key\": …,"
                        + " \"label\": …, \"translations\": {\"de\": …}}");
            }
            out.add(new dev.idconsent.consent.Frequency(f.key(), f.label(), f.translations()));
        }
        return out;
    }

    private static java.util.Map<String, Words> translations(java.util.Map<String, ConsentJson.TranslationJson> given) {
        java.util.Map<String, Words> out = new java.util.LinkedHashMap<>();
        given.forEach((tag, t) -> {
            if (t == null) {
                throw new ConsentException(ErrorCode.INVALID_VALUE, "translation " + tag
                        + " must be an object {\"label\": …, \"description\": …}");
            }
            out.put(tag, new Words(tag, t.label(), t.description()));
        });
        return out;
    }

    private static <T> T or(T value, T fallback) {
        return value != null ? value : fallback;
    }
}
