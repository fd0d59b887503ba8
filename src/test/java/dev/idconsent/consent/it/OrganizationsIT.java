package dev.idconsent.consent.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Purposes of an organization (Keycloak Organizations): two brands, each with its own newsletter. Members see,
 * answer and carry their organization's purposes; others do not; senders reach members only; leaving keeps the
 * history; the claim can be limited to the organizations a token is for. Realm {@code it-org-purposes} (a copy of
 * demo with Organizations on).
 */
@ExtendWith(KeycloakExtension.class)
@DisplayName("Organizations: a purpose of a brand is its members' only")
class OrganizationsIT {
    static final String REALM = "it-org-purposes";
    static final String ADMIN = "/admin/realms/" + REALM;
    static final String ME = "/realms/" + REALM + "/consent/me";
    static final Map<String, String> ORGS = new HashMap<>(); // alias → id
    static final Map<String, String> USERS = new HashMap<>(); // username → id
    static Api api;

    @BeforeAll
    static void twoBrands() throws Exception {
        api = new Api(KeycloakExtension.server());
        api.copyDemoRealm(REALM);
        String token = api.adminToken();
        assertThat(api.put(ADMIN, token, Map.of("organizationsEnabled", true)).status()).isEqualTo(204);
        for (String brand : List.of("brand-a", "brand-b")) {
            Api.Reply org = api.post(ADMIN + "/organizations", token, Map.of("name", brand.toUpperCase(), "alias",
                    brand, "domains", List.of(Map.of("name", brand + ".example"))));
            assertThat(org.status()).as(org.toString()).isEqualTo(201);
            ORGS.put(brand, org.header("Location").substring(org.header("Location").lastIndexOf('/') + 1));
        }
        purpose("a-news", "opt-in", "brand-a");
        purpose("b-news", "opt-out", "brand-b");
        for (String[] user : new String[][] {{"org-ann", "brand-a"}, {"org-bob", "brand-b"}, {"org-cat", "brand-a",
                "brand-b"}, {"org-dan"}, {"org-eve", "brand-a", "brand-b"}}) {
            String id = api.createUserIn(REALM, user[0]);
            USERS.put(user[0], id);
            for (int i = 1; i < user.length; i++) {
                join(user[i], id);
            }
        }
    }

    @AfterAll
    static void removeRealm() {
        api.delete(ADMIN, api.adminToken());
    }

    static void purpose(String key, String mechanism, String organization) {
        Api.Reply r = api.post(ADMIN + "/consent/purposes", api.adminToken(), Map.of("key", key, "label",
                key.toUpperCase(), "description", "News of " + organization + ".", "mechanism", mechanism,
                "channels", List.of("email"), "organization", organization));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        assertThat(r.json().get("organization").asText()).isEqualTo(organization);
    }

    static void join(String brand, String userId) {
        Api.Reply member = api.send("POST", ADMIN + "/organizations/" + ORGS.get(brand) + "/members",
                api.adminToken(), "\"" + userId + "\"", "Content-Type", "application/json");
        assertThat(member.status()).as(member.toString()).isEqualTo(201);
    }

    static Api.Tokens login(String username, String scope) {
        return api.login(REALM, username, username, scope);
    }

    static List<String> keys(JsonNode view) {
        List<String> keys = new ArrayList<>();
        view.get("purposes").forEach(p -> keys.add(p.get("key").asText()));
        return keys;
    }

    static List<String> audience(String query) {
        List<String> ids = new ArrayList<>();
        Api.Reply r = api.get("/realms/" + REALM + "/consent/senders/audience?channel=email&links=false&max=1000"
                + query, api.serviceToken(REALM, "mailer", "mailer-secret"));
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        r.json().get("users").forEach(u -> ids.add(u.get("id").asText()));
        return ids;
    }

    static int historyRows(String userId) {
        return api.get(ADMIN + "/consent/users/" + userId + "/history", api.adminToken()).json().get("history").size();
    }

    @Test
    @DisplayName("given two brands, then each member sees, answers and carries in tokens their brand's purpose only;"
            + " another brand's is unknown to them; senders reach members only")
    void membersOnly() {
        Api.Tokens ann = login("org-ann", "openid " + Api.CONSENT_SCOPES);
        JsonNode view = api.get(ME, ann.access()).json();
        assertThat(keys(view)).contains("newsletter", "a-news").doesNotContain("b-news");
        assertThat(Api.purpose(view, "a-news").get("organization").asText()).isEqualTo("brand-a");
        assertThat(keys(api.get(ME, login("org-dan", "openid " + Api.CONSENT_SCOPES).access()).json()))
                .contains("newsletter").doesNotContain("a-news", "b-news");

        int rows = historyRows(USERS.get("org-ann"));
        Api.Reply other = api.post(ME + "/choices", ann.access(), Map.of("choices", List.of(Map.of("purpose",
                "b-news", "channel", "email", "granted", false))));
        assertThat(other.status()).as(other.toString()).isEqualTo(400);
        assertThat(other.json().get("error").asText()).isEqualTo("unknown_purpose");
        assertThat(historyRows(USERS.get("org-ann"))).isEqualTo(rows);
        Api.Reply yes = api.post(ME + "/choices", ann.access(), Map.of("choices", List.of(Map.of("purpose",
                "a-news", "channel", "email", "granted", true, "version", 1))));
        assertThat(yes.status()).as(yes.toString()).isEqualTo(200);

        JsonNode annClaim = login("org-ann", "openid").accessClaims().get("consent");
        assertThat(annClaim.get("a-news").asBoolean()).isTrue();
        assertThat(annClaim.has("b-news")).isFalse();
        JsonNode bobClaim = login("org-bob", "openid").accessClaims().get("consent");
        assertThat(bobClaim.get("b-news").asBoolean()).as("opt-out: on by default for members").isTrue();
        assertThat(bobClaim.has("a-news")).isFalse();
        JsonNode danClaim = login("org-dan", "openid").accessClaims().get("consent");
        assertThat(danClaim.has("a-news") || danClaim.has("b-news")).isFalse();
        assertThat(danClaim.get("newsletter").asBoolean()).isTrue();

        // members who said yes (another test's member may have too), never a non-member
        assertThat(audience("&purpose=a-news")).contains(USERS.get("org-ann")).doesNotContain(USERS.get("org-bob"),
                USERS.get("org-dan"));
        assertThat(audience("&purpose=b-news")).containsExactlyInAnyOrder(USERS.get("org-bob"), USERS.get("org-cat"),
                USERS.get("org-eve"));
        // the realm's newsletter, asked for one brand's members
        assertThat(audience("&purpose=newsletter&organization=brand-a")).containsExactlyInAnyOrder(
                USERS.get("org-ann"), USERS.get("org-cat"), USERS.get("org-eve"));
        Api.Reply unknown = api.get("/realms/" + REALM + "/consent/senders/audience?purpose=newsletter&channel=email"
                + "&organization=brand-z", api.serviceToken(REALM, "mailer", "mailer-secret"));
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.json().get("message").asText()).contains("no organization 'brand-z'");
        Api.Reply mismatch = api.get("/realms/" + REALM + "/consent/senders/audience?purpose=a-news&channel=email"
                + "&organization=brand-b", api.serviceToken(REALM, "mailer", "mailer-secret"));
        assertThat(mismatch.status()).isEqualTo(400);
    }

    @Test
    @DisplayName("given a member with a yes leaves the brand, then the purpose leaves their view, claims and the"
            + " audience, and the history keeps the yes")
    void leaving() {
        String cat = USERS.get("org-cat");
        Api.Tokens tokens = login("org-cat", "openid " + Api.CONSENT_SCOPES);
        assertThat(api.post(ME + "/choices", tokens.access(), Map.of("choices", List.of(Map.of("purpose", "a-news",
                "channel", "email", "granted", true, "version", 1)))).status()).isEqualTo(200);
        assertThat(login("org-cat", "openid").accessClaims().at("/consent/a-news").asBoolean()).isTrue();
        assertThat(audience("&purpose=a-news")).contains(cat);

        assertThat(api.delete(ADMIN + "/organizations/" + ORGS.get("brand-a") + "/members/" + cat,
                api.adminToken()).status()).isEqualTo(204);

        assertThat(login("org-cat", "openid").accessClaims().get("consent").has("a-news")).isFalse();
        assertThat(keys(api.get(ME, tokens.access()).json())).doesNotContain("a-news").contains("b-news");
        assertThat(audience("&purpose=a-news")).doesNotContain(cat);
        JsonNode history = api.get(ADMIN + "/consent/users/" + cat + "/history", api.adminToken()).json()
                .get("history");
        assertThat(history).extracting(r -> r.get("purpose").asText() + " " + r.get("state").asText())
                .contains("a-news granted");
        join("brand-a", cat); // back: the answer they gave is theirs again
        assertThat(login("org-cat", "openid").accessClaims().at("/consent/a-news").asBoolean()).isTrue();
    }

    @Test
    @DisplayName("given the mapper limits organization purposes to the token's organizations, then an app that asks"
            + " for brand A learns nothing of brand B, organization:* gets both, and no organization scope none")
    void tokenOrganizations() {
        JsonNode scope = null;
        for (JsonNode s : api.get(ADMIN + "/client-scopes", api.adminToken()).json()) {
            if (s.get("name").asText().equals("consent")) {
                scope = s;
            }
        }
        ObjectNode mapper = (ObjectNode) scope.get("protocolMappers").get(0);
        String path = ADMIN + "/client-scopes/" + scope.get("id").asText() + "/protocol-mappers/models/"
                + mapper.get("id").asText();
        ((ObjectNode) mapper.get("config")).put("organizations.fromToken", "true");
        assertThat(api.put(path, api.adminToken(), mapper).status()).isEqualTo(204);
        try {
            JsonNode brandA = login("org-eve", "openid organization:brand-a").accessClaims();
            assertThat(brandA.get("organization").toString()).contains("brand-a").doesNotContain("brand-b");
            assertThat(brandA.get("consent").has("a-news")).isTrue();
            assertThat(brandA.get("consent").has("b-news")).isFalse();
            JsonNode all = login("org-eve", "openid organization:*").accessClaims().get("consent");
            assertThat(all.has("a-news") && all.has("b-news")).isTrue();
            JsonNode none = login("org-eve", "openid").accessClaims().get("consent");
            assertThat(none.has("a-news") || none.has("b-news")).isFalse();
            assertThat(none.has("newsletter")).as("the realm's purposes stay").isTrue();
        } finally {
            ((ObjectNode) mapper.get("config")).remove("organizations.fromToken");
            api.put(path, api.adminToken(), mapper);
        }
    }

    @Test
    @org.junit.jupiter.api.condition.EnabledIfSystemProperty(named = "it.db", matches = "h2",
            disabledReason = "reads the H2 pass's SQL log")
    @DisplayName("given steady state, then refreshing a member's tokens with organization purposes in the claim runs"
            + " no SQL for memberships or the plugin")
    void noSqlOnTheTokenPath() throws Exception {
        java.nio.file.Path log = KeycloakExtension.server().log();
        // without Keycloak's own organization scope, which looks organizations up by alias on every refresh
        Api.Tokens tokens = login("org-bob", "openid");
        tokens = api.refresh(REALM, tokens); // the user and their memberships into the caches once
        long mark = SqlLog.settledSize(log);
        for (int i = 0; i < 10; i++) {
            tokens = api.refresh(REALM, tokens);
            assertThat(tokens.accessClaims().at("/consent/b-news").asBoolean()).isTrue();
        }
        SqlLog.settledSize(log);
        List<String> sql = SqlLog.sqlSince(log, mark);
        assertThat(sql).noneMatch(s -> s.contains("idc_"));
        assertThat(sql).as("memberships come from Keycloak's user cache").noneMatch(s -> s.contains("org ")
                || s.contains("user_group_membership") || s.contains("user_attribute"));
    }

    @Test
    @DisplayName("given a purpose naming an organization the realm does not have, then it is refused and not created")
    void unknownOrganization() {
        int before = api.get(ADMIN + "/consent/purposes", api.adminToken()).json().size();
        Api.Reply r = api.post(ADMIN + "/consent/purposes", api.adminToken(), Map.of("key", "z-news", "label", "Z",
                "mechanism", "opt-in", "organization", "brand-z"));
        assertThat(r.status()).as(r.toString()).isEqualTo(400);
        assertThat(r.json().get("message").asText()).contains("no organization 'brand-z'");
        assertThat(api.get(ADMIN + "/consent/purposes", api.adminToken()).json().size()).isEqualTo(before);
    }
}
