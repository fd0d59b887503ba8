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
}
