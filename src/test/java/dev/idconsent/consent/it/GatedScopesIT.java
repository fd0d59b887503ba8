package dev.idconsent.consent.it;

import static dev.idconsent.consent.it.Api.choice;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The demo realm's {@code partner-sharing} (opt-in, gating) guards the optional client scope {@code partner-data}
 * (claim {@code partner_data}, audience {@code partner-api}); this class adds a gated default scope too.
 */
@ExtendWith(KeycloakExtension.class)
@DisplayName("Consent-gated scopes: an app gets a scope, its claims and audience only with consent")
class GatedScopesIT {
    static final String ADMIN = "/admin/realms/demo";
    static final String ROLE = "idc-consent-partner-sharing";
    static final String SCOPES = "openid partner-data";
    static Api api;

    @BeforeAll
    static void setUp() {
        api = new Api(KeycloakExtension.server());
        String admin = api.adminToken();
        Api.Reply scope = api.post(ADMIN + "/client-scopes", admin, Map.of("name", "it-gated-default",
                "protocol", "openid-connect", "attributes", Map.of("include.in.token.scope", "true"),
                "protocolMappers", List.of(Map.of("name", "gated default", "protocol", "openid-connect",
                        "protocolMapper", "oidc-hardcoded-claim-mapper", "config", Map.of("claim.name", "gated_default",
                                "claim.value", "yes", "jsonType.label", "String", "access.token.claim", "true",
                                "id.token.claim", "true", "userinfo.token.claim", "true")))));
        assertThat(scope.status()).as(scope.toString()).isEqualTo(201);
        String scopeId = scope.header("Location").substring(scope.header("Location").lastIndexOf('/') + 1);
        String appId = api.get(ADMIN + "/clients?clientId=demo-app", admin).json().get(0).get("id").asText();
        assertThat(api.put(ADMIN + "/clients/" + appId + "/default-client-scopes/" + scopeId, admin, null).status())
                .isEqualTo(204);

        Api.Reply linked = api.put(ADMIN + "/consent/purposes/partner-sharing/scopes", admin,
                Map.of("scopes", List.of("partner-data", "it-gated-default")));

        assertThat(linked.status()).as(linked.toString()).isEqualTo(200);
        assertThat(linked.json().get("role").asText()).isEqualTo(ROLE);
        assertThat(texts(linked.json().get("scopes"))).containsExactly("it-gated-default", "partner-data");
    }

    @Test
    @DisplayName("given consent, then the optional and the default gated scope, their claims and audience are granted")
    void withConsent() {
        api.onBehalf(api.createUser("sam"), "partner-sharing", true);

        Api.Tokens tokens = api.login(Api.REALM, "sam", "sam", SCOPES);

        assertGranted(tokens.accessClaims(), true);
        assertThat(tokens.idClaims().path("partner_data").asText()).isEqualTo("shared");
        assertThat(api.userinfo(tokens.access()).path("partner_data").asText()).isEqualTo("shared");
    }

    @Test
    @DisplayName("given no consent, then asking for the scope gets neither it, its claims nor its audience")
    void withoutConsent() {
        api.createUser("tess");
        Api.Tokens tokens = api.login(Api.REALM, "tess", "tess", SCOPES);
        assertGranted(tokens.accessClaims(), false);
        assertThat(api.userinfo(tokens.access()).has("partner_data")).isFalse();
        assertThat(api.introspect(tokens.access()).has("partner_data")).isFalse();
    }

    @Test
    @DisplayName("given consent is withdrawn through the API, then refresh, offline refresh, userinfo and a new login"
            + " lose the scope; opting in again restores it")
    void withdrawnThroughTheApi() {
        String id = api.createUser("uma");
        api.onBehalf(id, "partner-sharing", true);
        // the app also holds the user API's capabilities (to withdraw)
        Api.Tokens online = api.login(Api.REALM, "uma", "uma", SCOPES + " " + Api.CONSENT_SCOPES);
        Api.Tokens offline = api.login(Api.REALM, "uma", "uma", SCOPES + " offline_access");
        assertGranted(offline.accessClaims(), true);

        assertThat(api.choose(online.access(), List.of(choice("partner-sharing", false))).status()).isEqualTo(200);

        Api.Tokens refreshed = api.refresh(online);
        assertGranted(refreshed.accessClaims(), false);
        assertGranted(api.refresh(offline).accessClaims(), false);
        assertThat(api.userinfo(refreshed.access()).has("partner_data")).isFalse();
        assertGranted(api.login(Api.REALM, "uma", "uma", SCOPES).accessClaims(), false);

        // the app cannot give it back: a yes that unlocks access is given on a Keycloak page (or by an admin)
        Api.Reply again = api.choose(refreshed.access(), List.of(choice("partner-sharing", true)));
        assertThat(again.status()).as(again.toString()).isEqualTo(403);
        assertThat(again.json().get("error").asText()).isEqualTo("interaction_required");
        assertGranted(api.login(Api.REALM, "uma", "uma", SCOPES).accessClaims(), false);
        api.onBehalf(id, "partner-sharing", true);
        assertGranted(api.login(Api.REALM, "uma", "uma", SCOPES).accessClaims(), true);
    }

    @Test
    @DisplayName("given an admin withdraws consent on the user's behalf, then the next refresh loses the scope")
    void withdrawnByAnAdmin() {
        String id = api.createUser("vic");
        api.onBehalf(id, "partner-sharing", true);
        Api.Tokens tokens = api.login(Api.REALM, "vic", "vic", SCOPES);
        assertGranted(tokens.accessClaims(), true);

        Api.Reply reply = api.post(ADMIN + "/consent/users/" + id + "/choices", api.adminToken(), Map.of(
                "reason", "written request", "choices", List.of(choice("partner-sharing", false))));

        assertThat(reply.status()).isEqualTo(200);
        assertGranted(api.refresh(tokens).accessClaims(), false);
    }

    @Test
    @DisplayName("given the role is put in a group, the default roles and on a user by hand, then integrity reports"
            + " it and reconcile repairs it")
    void integrityAndReconcile() {
        String admin = api.adminToken();
        JsonNode role = api.get(ADMIN + "/roles/" + ROLE, admin).json();
        Api.Reply group = api.post(ADMIN + "/groups", admin, Map.of("name", "it-staff"));
        String groupId = group.header("Location").substring(group.header("Location").lastIndexOf('/') + 1);
        assertThat(api.post(ADMIN + "/groups/" + groupId + "/role-mappings/realm", admin, List.of(role)).status())
                .isEqualTo(204);
        assertThat(api.post(ADMIN + "/roles/default-roles-demo/composites", admin, List.of(role)).status())
                .isEqualTo(204);
        String walt = api.createUser("walt");
        assertThat(api.post(ADMIN + "/users/" + walt + "/role-mappings/realm", admin, List.of(role)).status())
                .isEqualTo(204);
        assertGranted(api.login(Api.REALM, "walt", "walt", SCOPES).accessClaims(), true); // the drift is real

        JsonNode report = api.get(ADMIN + "/consent/integrity", admin).json();

        assertThat(report.get("ok").asBoolean()).isFalse();
        assertThat(kinds(report.get("problems"))).contains("group /it-staff", "default_roles default-roles-demo",
                "role_without_consent walt");
        assertThat(serverLog()).contains("Consent role " + ROLE + " in realm demo: group /it-staff");

        JsonNode repaired = api.post(ADMIN + "/consent/reconcile", admin, null).json().get("repaired");

        assertThat(kinds(repaired)).contains("group /it-staff", "default_roles default-roles-demo",
                "role_without_consent walt");
        assertThat(api.get(ADMIN + "/consent/integrity", admin).json().get("ok").asBoolean()).isTrue();
        assertGranted(api.login(Api.REALM, "walt", "walt", SCOPES).accessClaims(), false);
    }

    @Test
    @DisplayName("given a realm file hands the consent role to a user without a consent record, then the import"
            + " takes it away")
    void importIsReconciled() throws Exception {
        var realm = LifecycleIT.demoRealm();
        LifecycleIT.withoutIds(realm);
        realm.put("realm", "imported");
        var users = realm.putArray("users");
        users.addObject().put("username", "yuri").put("enabled", true).putArray("realmRoles").add(ROLE)
                .add("uma_authorization");
        String admin = api.adminToken();
        assertThat(api.post("/admin/realms", admin, realm).status()).isEqualTo(201);

        String yuri = api.get("/admin/realms/imported/users?exact=true&username=yuri", admin).json().get(0)
                .get("id").asText();
        List<String> roles = new ArrayList<>();
        api.get("/admin/realms/imported/users/" + yuri + "/role-mappings/realm", admin).json()
                .forEach(r -> roles.add(r.get("name").asText()));
        assertThat(roles).contains("uma_authorization").doesNotContain(ROLE);
        assertThat(api.get("/admin/realms/imported/consent/integrity", admin).json().get("ok").asBoolean()).isTrue();
    }

    @Test
    @DisplayName("given a gating purpose is retired, then nobody holds its role any more and the role stays")
    void retiredPurposeGrantsNothing() {
        String admin = api.adminToken();
        assertThat(api.post(ADMIN + "/consent/purposes", admin, Map.of("key", "it-gate-old", "label", "Old gate",
                "mechanism", "opt-in", "gating", true)).status()).isEqualTo(201);
        String id = api.createUser("rhea");
        api.post(ADMIN + "/consent/users/" + id + "/choices", admin, Map.of("reason", "test",
                "choices", List.of(choice("it-gate-old", true))));
        assertThat(realmRoles(id)).contains("idc-consent-it-gate-old");

        assertThat(api.post(ADMIN + "/consent/purposes/it-gate-old/retire", admin, null).status()).isEqualTo(200);

        assertThat(realmRoles(id)).doesNotContain("idc-consent-it-gate-old");
        assertThat(api.get(ADMIN + "/roles/idc-consent-it-gate-old", admin).status()).isEqualTo(200);
    }

    static List<String> realmRoles(String userId) {
        List<String> out = new ArrayList<>();
        api.get(ADMIN + "/users/" + userId + "/role-mappings/realm", api.adminToken()).json()
                .forEach(r -> out.add(r.get("name").asText()));
        return out;
    }

    @Test
    @DisplayName("given an opt-out purpose is marked gating, then it is refused")
    void onlyOptInCanGate() {
        Api.Reply reply = api.put(ADMIN + "/consent/purposes/newsletter", api.adminToken(), Map.of("gating", true));
        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.json().get("error").asText()).isEqualTo("invalid_purpose");
        assertThat(reply.json().get("message").asText()).contains("only opt-in purposes can gate");
    }

    static void assertGranted(JsonNode access, boolean granted) {
        List<String> scope = List.of(access.path("scope").asText().split(" "));
        List<String> audience = new ArrayList<>();
        access.path("aud").forEach(a -> audience.add(a.asText()));
        if (access.path("aud").isTextual()) {
            audience.add(access.path("aud").asText());
        }
        if (granted) {
            assertThat(scope).contains("partner-data", "it-gated-default");
            assertThat(access.path("partner_data").asText()).isEqualTo("shared");
            assertThat(access.path("gated_default").asText()).isEqualTo("yes");
            assertThat(audience).contains("partner-api");
        } else {
            assertThat(scope).doesNotContain("partner-data", "it-gated-default").contains("openid");
            assertThat(access.has("partner_data")).isFalse();
            assertThat(access.has("gated_default")).isFalse();
            assertThat(audience).doesNotContain("partner-api");
        }
    }

    static List<String> kinds(JsonNode problems) {
        List<String> out = new ArrayList<>();
        problems.forEach(p -> out.add(p.get("kind").asText() + " " + p.get("name").asText()));
        return out;
    }

    static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    /** The server log, once it has caught up. */
    static String serverLog() {
        try {
            Thread.sleep(300);
            return java.nio.file.Files.readString(KeycloakExtension.server().log());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
