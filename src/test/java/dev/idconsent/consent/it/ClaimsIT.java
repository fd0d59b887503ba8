package dev.idconsent.consent.it;

import static dev.idconsent.consent.it.Api.choice;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(KeycloakExtension.class)
@DisplayName("Token claims: apps read effective choices from tokens")
class ClaimsIT {
    static Api api;

    @BeforeAll
    static void setUp() {
        api = new Api(KeycloakExtension.server());
    }

    @Test
    @DisplayName("given a user who never chose, then every token carries the catalog defaults")
    void defaults() {
        api.createUser("jane");
        Api.Tokens tokens = api.login("jane");
        JsonNode consent = tokens.accessClaims().get("consent");
        assertThat(consent.get("newsletter").asBoolean()).isTrue();        // opt-out
        assertThat(consent.get("product-updates").asBoolean()).isTrue();   // opt-out
        assertThat(consent.get("security-alerts").asBoolean()).isTrue();   // required
        assertThat(consent.get("sms-reminders").asBoolean()).isFalse();    // opt-in
        assertThat(consent.get("analytics").asBoolean()).isFalse();        // opt-in
        assertThat(consent.get("partner-sharing").asBoolean()).isFalse();  // opt-in
        assertThat(tokens.idClaims().get("consent")).isEqualTo(consent);
        assertThat(api.userinfo(tokens.access()).get("consent")).isEqualTo(consent);
        assertThat(api.introspect(tokens.access()).get("consent")).isEqualTo(consent);
    }

    @Test
    @DisplayName("given a purpose added after users exist, then their next token has it with its default")
    void purposeAddedLater() {
        api.createUser("kim");
        Api.Tokens tokens = api.login("kim");
        assertThat(tokens.accessClaims().get("consent").has("it-loyalty")).isFalse();

        AdminApiIT.api = api;
        AdminApiIT.create(Map.of("key", "it-loyalty", "label", "Loyalty programme", "mechanism", "opt-out"));
        AdminApiIT.create(Map.of("key", "it-research", "label", "Research", "mechanism", "opt-in"));
        AdminApiIT.create(Map.of("key", "it-hidden", "label", "Not for apps", "mechanism", "opt-in",
                "includeInToken", false));

        JsonNode consent = api.refresh(tokens).accessClaims().get("consent");
        assertThat(consent.get("it-loyalty").asBoolean()).isTrue();
        assertThat(consent.get("it-research").asBoolean()).isFalse();
        assertThat(consent.has("it-hidden")).isFalse();
    }

    @Test
    @DisplayName("given a user writes the summary attribute through Keycloak's account API, then the claim does not change")
    void cannotForgeThroughAccountApi() {
        api.createUser("leo");
        Api.Tokens tokens = api.login("leo");
        Api.Reply account = api.get("/realms/demo/account/", tokens.access(), "Accept", "application/json");
        assertThat(account.status()).as(account.toString()).isEqualTo(200);
        Map<String, Object> forged = new java.util.HashMap<>(Api.JSON.convertValue(account.json(), Map.class));
        forged.put("attributes", Map.of("idc-consent-summary", List.of("analytics=granted,partner-sharing=granted")));

        api.post("/realms/demo/account/", tokens.access(), forged, "Accept", "application/json");

        JsonNode consent = api.refresh(tokens).accessClaims().get("consent");
        assertThat(consent.get("analytics").asBoolean()).isFalse();
        assertThat(consent.get("partner-sharing").asBoolean()).isFalse();
        JsonNode view = api.get("/realms/demo/consent/me", tokens.access()).json();
        assertThat(Api.purpose(view, "analytics").get("granted").asBoolean()).isFalse();
    }

    @Test
    @DisplayName("given steady state, then refreshing tokens (with a consent-gated scope) runs no SQL for the plugin")
    void zeroSqlOnTheTokenPath() throws Exception {
        Path log = KeycloakExtension.server().log();
        api.createUser("max");
        String token = api.login("max").access();

        // the log does show our SQL when we write: the check below can see it if it happens
        long beforeWrite = SqlLog.settledSize(log);
        assertThat(api.choose(token, List.of(choice("analytics", true))).status()).isEqualTo(200);
        api.onBehalf(api.userId("max"), "partner-sharing", true);
        SqlLog.settledSize(log);
        assertThat(SqlLog.sqlSince(log, beforeWrite)).anyMatch(s -> s.contains("idc_choice"));
        // a login that asks for the scope gated by partner-sharing
        Api.Tokens tokens = api.login(Api.REALM, "max", "max", "openid partner-data");
        assertThat(tokens.accessClaims().get("scope").asText()).contains("partner-data");

        tokens = api.refresh(tokens); // the first token after a write reloads the user into the cache once
        long mark = SqlLog.settledSize(log);
        for (int i = 0; i < 20; i++) {
            tokens = api.refresh(tokens);
            assertThat(Api.consent(tokens.accessClaims(), "analytics")).isTrue();
            assertThat(tokens.accessClaims().get("scope").asText()).contains("partner-data");
        }
        api.userinfo(tokens.access());
        api.introspect(tokens.access());
        SqlLog.settledSize(log);

        List<String> sql = SqlLog.sqlSince(log, mark);
        assertThat(sql).noneMatch(s -> s.contains("idc_"));
        assertThat(sql).as("the summary attribute comes from the user cache")
                .noneMatch(s -> s.contains("user_attribute"));
    }

    /** A consent mapper on the demo app's own client, for one test; removed in the test's finally. */
    static String addMapper(String name, Map<String, String> config) {
        Api.Reply r = api.post(appMappers(), api.adminToken(), mapper(name, config));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        String location = r.header("Location");
        return location.substring(location.lastIndexOf('/') + 1);
    }

    static String appMappers() {
        String id = api.get("/admin/realms/demo/clients?clientId=" + Api.APP, api.adminToken()).json().get(0)
                .get("id").asText();
        return "/admin/realms/demo/clients/" + id + "/protocol-mappers/models";
    }

    static Map<String, Object> mapper(String name, Map<String, String> config) {
        Map<String, String> all = new java.util.LinkedHashMap<>(Map.of("access.token.claim", "true",
                "id.token.claim", "true", "userinfo.token.claim", "true", "introspection.token.claim", "true"));
        all.putAll(config);
        return Map.of("name", name, "protocol", "openid-connect", "protocolMapper", "oidc-consent-mapper",
                "config", all);
    }

    @Test
    @DisplayName("given the mapper's detailed form and Google Consent Mode v2, then tokens and userinfo carry both"
            + " with Google's field names, and a mapping that cannot work is refused with the entry named")
    void detailedAndConsentMode() {
        Api.Reply typo = api.post(appMappers(), api.adminToken(), mapper("it-bad", Map.of("consentMode", "true",
                "consentMode.purposes", "ad_storage: partner-sharing##analytics_storage: analytcs")));
        assertThat(typo.status()).isEqualTo(400);
        assertThat(typo.body()).contains("analytcs");
        Api.Reply badSignal = api.post(appMappers(), api.adminToken(), mapper("it-bad", Map.of("consentMode",
                "true", "consentMode.constants", "ads_storage: granted")));
        assertThat(badSignal.status()).isEqualTo(400);
        assertThat(badSignal.body()).contains("ads_storage", "not a Consent Mode v2 signal");

        String mapper = addMapper("it-consent-detail", Map.of("claim.name", "consent_detail", "claim.form",
                "detailed", "consentMode", "true", "consentMode.purposes", "ad_storage: partner-sharing"
                        + "##analytics_storage: analytics##ad_user_data: partner-sharing, analytics",
                "consentMode.constants", "security_storage: granted"));
        try {
            String id = api.createUser("cm-nina");
            api.onBehalf(id, "analytics", true);
            Api.Tokens tokens = api.login("cm-nina");
            JsonNode claims = tokens.accessClaims();

            JsonNode mode = claims.get("consent_mode");
            assertThat(mode.properties()).extracting(e -> e.getKey() + "=" + e.getValue().asText()).containsExactly(
                    "ad_storage=denied", "analytics_storage=granted", "ad_user_data=denied",
                    "ad_personalization=denied", "security_storage=granted");
            assertThat(api.userinfo(tokens.access()).get("consent_mode")).isEqualTo(mode);
            assertThat(tokens.idClaims().get("consent_mode")).isEqualTo(mode);

            int analyticsVersion = Api.purpose(api.get("/realms/demo/consent/me", tokens.access()).json(),
                    "analytics").get("version").asInt();
            JsonNode detail = claims.get("consent_detail");
            assertThat(detail.get("analytics").toString()).isEqualTo("{\"granted\":true,\"explicit\":true,"
                    + "\"version\":" + analyticsVersion + "}");
            assertThat(detail.get("partner-sharing").toString()).isEqualTo("{\"granted\":false,\"explicit\":false}");
            assertThat(detail.at("/newsletter/channels/email").toString())
                    .isEqualTo("{\"granted\":true,\"explicit\":false}");
            // the simple claim of the realm's consent scope is still there, unchanged
            assertThat(claims.at("/consent/analytics").asBoolean()).isTrue();
        } finally {
            api.delete(appMappers() + "/" + mapper, api.adminToken());
        }
    }

    @Test
    @DisplayName("given purposes that honour GPC, then the realm publishes the GPC support resource")
    void gpcSupportResource() {
        Api.Reply r = api.get("/realms/demo/consent/gpc.json", null);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Content-Type")).startsWith("application/json");
        assertThat(r.json().get("gpc").asBoolean()).as("partner-sharing honours GPC").isTrue();
        assertThat(r.json().get("lastUpdate").asText()).matches("\\d{4}-\\d{2}-\\d{2}");
    }

    @Test
    @DisplayName("given 50 and 100 purposes, then both claim forms carry every purpose (the token sizes are printed"
            + " for docs/BENCHMARKS.md)")
    @org.junit.jupiter.api.condition.EnabledIfSystemProperty(named = "it.db", matches = "h2",
            disabledReason = "a measurement of token bytes, the same on every database: the H2 pass takes it")
    void tokenSizes() throws Exception {
        api.copyDemoRealm("it-claims-size");
        String admin = "/admin/realms/it-claims-size";
        try {
            api.post(admin + "/users", api.adminToken(), Map.of("username", "sizer", "enabled", true, "email",
                    "sizer@example.com", "emailVerified", true, "firstName", "Size", "lastName", "Measure",
                    "credentials", List.of(Map.of("type", "password", "value", "sizer", "temporary", false))));
            JsonNode scope = null;
            for (JsonNode s : api.get(admin + "/client-scopes", api.adminToken()).json()) {
                if (s.get("name").asText().equals("consent")) {
                    scope = s;
                }
            }
            assertThat(scope).isNotNull();
            JsonNode mapper = scope.get("protocolMappers").get(0);
            String mapperPath = admin + "/client-scopes/" + scope.get("id").asText() + "/protocol-mappers/models/"
                    + mapper.get("id").asText();
            int existing = api.get(admin + "/consent/purposes", api.adminToken()).json().size();
            StringBuilder figures = new StringBuilder("token sizes (bytes of the access token, compact JWS):");
            int made = existing;
            for (int target : new int[] {50, 100}) {
                for (; made < target; made++) {
                    Api.Reply r = api.post(admin + "/consent/purposes", api.adminToken(), Map.of("key",
                            "size-" + made, "label", "Purpose " + made, "mechanism", made % 2 == 0 ? "opt-in"
                                    : "opt-out", "channels", made % 3 == 0 ? List.of("email", "sms") : List.of()));
                    assertThat(r.status()).as(r.toString()).isEqualTo(201);
                }
                for (String form : new String[] {"simple", "detailed"}) {
                    com.fasterxml.jackson.databind.node.ObjectNode m = mapper.deepCopy();
                    ((com.fasterxml.jackson.databind.node.ObjectNode) m.get("config")).put("claim.form", form);
                    assertThat(api.put(mapperPath, api.adminToken(), m).status()).isEqualTo(204);
                    Api.Tokens tokens = api.login("it-claims-size", "sizer", "sizer");
                    long inTokens = java.util.stream.StreamSupport.stream(api.get(admin + "/consent/purposes",
                            api.adminToken()).json().spliterator(), false).filter(p -> p.get("includeInToken")
                            .asBoolean() && !p.get("retired").asBoolean()).count();
                    assertThat(inTokens).isGreaterThanOrEqualTo(target - 1);
                    assertThat(tokens.accessClaims().get("consent").size()).isEqualTo((int) inTokens);
                    figures.append(String.format(" %d purposes %s: %d (claim %d);", target, form,
                            tokens.access().length(), tokens.accessClaims().get("consent").toString().length()));
                }
            }
            System.out.println(figures);
        } finally {
            api.delete(admin, api.adminToken());
        }
    }
}
