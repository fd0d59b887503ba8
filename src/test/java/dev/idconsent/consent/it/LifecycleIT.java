package dev.idconsent.consent.it;

import static dev.idconsent.consent.it.Api.choice;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(KeycloakExtension.class)
@DisplayName("Lifecycle: deletion leaves nothing behind; export and import keep the catalog")
class LifecycleIT {
    static final List<String> TABLES = List.of("IDC_CHOICE", "IDC_CHOICE_HISTORY", "IDC_PURPOSE_TEXT",
            "IDC_WEBHOOK", "IDC_SUPPRESSION", "IDC_SUPPRESSION_KEY", "IDC_SENDER");
    static Api api;
    static Database db;

    @BeforeAll
    static void setUp() {
        api = new Api(KeycloakExtension.server());
        db = KeycloakExtension.database();
    }

    @Test
    @DisplayName("given a user with choices is deleted, then none of their rows remain")
    void deleteUser() {
        String id = api.createUser("nina");
        String token = api.login("nina").access();
        api.choose(token, List.of(choice("analytics", true), choice("newsletter", false)));
        assertThat(db.count("select count(*) from IDC_CHOICE where USER_ID = ?", id)).isEqualTo(2);
        assertThat(db.count("select count(*) from IDC_CHOICE_HISTORY where USER_ID = ?", id)).isEqualTo(2);

        assertThat(api.delete("/admin/realms/demo/users/" + id, api.adminToken()).status()).isEqualTo(204);

        assertThat(db.count("select count(*) from IDC_CHOICE where USER_ID = ?", id)).isZero();
        assertThat(db.count("select count(*) from IDC_CHOICE_HISTORY where USER_ID = ?", id)).isZero();
    }

    @Test
    @DisplayName("given a realm with choices is deleted, then none of its rows remain")
    void deleteRealm() throws Exception {
        String realmId = importRealm("doomed", demoRealm());
        api.createUserIn("doomed", "olga");
        String token = api.login("doomed", "olga", "olga").access();
        assertThat(api.post("/realms/doomed/consent/me/choices", token,
                Map.of("choices", List.of(Map.of("purpose", "analytics", "granted", true, "version", 1))))
                .status()).isEqualTo(200); // version 1: the text of the realm file
        assertThat(api.post("/admin/realms/doomed/consent/webhooks", api.adminToken(), Map.of("url",
                "https://receiver.example.com/hook", "enabled", false)).status()).isEqualTo(201);
        long end = api.get("/admin/realms/doomed/consent/feed", api.adminToken()).json().get("next").asLong();
        String oscar = api.createUserIn("doomed", "oscar"); // leaves an opt-out behind (and the realm's hash key)
        assertThat(api.post("/realms/doomed/consent/me/choices", api.login("doomed", "oscar", "oscar").access(),
                Map.of("choices", List.of(Map.of("purpose", "newsletter", "granted", false)))).status()).isEqualTo(200);
        // the admin's client follows the feed past oscar's opt-out: a sender with a delay counted
        long next = api.get("/admin/realms/doomed/consent/feed?after=" + end, api.adminToken()).json().get("next")
                .asLong();
        api.get("/admin/realms/doomed/consent/feed?after=" + next, api.adminToken());
        assertThat(api.delete("/admin/realms/doomed/users/" + oscar, api.adminToken()).status()).isEqualTo(204);
        String senders = "select count(*) from IDC_SENDER_DELAY where SENDER_ID in (" + String.join(",",
                api.get("/admin/realms/doomed/consent/senders", api.adminToken()).json().findValuesAsText("id")
                        .stream().map(id -> "'" + id + "'").toList()) + ")";
        assertThat(db.count(senders)).as("IDC_SENDER_DELAY").isPositive();
        for (String table : TABLES) {
            assertThat(db.count("select count(*) from " + table + " where REALM_ID = ?", realmId)).as(table)
                    .isPositive();
        }

        assertThat(api.delete("/admin/realms/doomed", api.adminToken()).status()).isEqualTo(204);

        for (String table : TABLES) {
            assertThat(db.count("select count(*) from " + table + " where REALM_ID = ?", realmId)).as(table)
                    .isZero();
        }
        assertThat(db.count(senders)).as("IDC_SENDER_DELAY").isZero();
    }

    @Test
    @DisplayName("given a realm is exported and imported, then its catalog comes back with versions and flags")
    void exportImportRoundTrip() throws Exception {
        importRealm("origin", demoRealm());
        String admin = api.adminToken();
        assertThat(api.put("/admin/realms/origin/consent/purposes/analytics", admin, Map.of(
                "description", "We measure how the apps are used, with a third-party tool.", "change", "material"))
                .status()).isEqualTo(200);
        assertThat(api.post("/admin/realms/origin/consent/purposes/product-updates/retire", admin, null).status())
                .isEqualTo(200);
        JsonNode before = api.get("/admin/realms/origin/consent/purposes", admin).json();

        Api.Reply export = api.post("/admin/realms/origin/partial-export?exportClients=true"
                + "&exportGroupsAndRoles=true", admin, null);
        assertThat(export.status()).isEqualTo(200);
        importRealm("copy", (ObjectNode) export.json());

        JsonNode after = api.get("/admin/realms/copy/consent/purposes", api.adminToken()).json();
        assertThat(after).isEqualTo(before);
        JsonNode analytics = after.findParents("key").stream().filter(p -> p.get("key").asText().equals("analytics"))
                .findFirst().orElseThrow();
        assertThat(analytics.get("version").asInt()).isEqualTo(2);
    }

    @Test
    @DisplayName("given a realm file with an invalid purpose, then the import is refused and the log says why")
    void importValidatesPurposes() throws Exception {
        ObjectNode realm = demoRealm();
        realm.put("realm", "broken");
        ((ObjectNode) realm.at("/components/org.keycloak.services.ui.extend.UiPageProvider/0/config"))
                .putArray("mechanism").add("sometimes");
        Api.Reply reply = api.post("/admin/realms", api.adminToken(), realm);
        // Keycloak's realm import answers any component validation error with a 500 (its error handler knows
        // only model validation errors as 400); the realm is not created and the log names the problem
        assertThat(reply.status()).isGreaterThanOrEqualTo(400);
        assertThat(api.get("/admin/realms/broken", api.adminToken()).status()).isEqualTo(404);
        Thread.sleep(200);
        assertThat(Files.readString(KeycloakExtension.server().log()))
                .contains("mechanism must be one of opt-in, opt-out, required, not \u2019sometimes\u2019");
    }

    @Test
    @DisplayName("given a yes with a lifetime of seconds, then it expires by itself, once: a row by the system, the"
            + " claim false at the next refresh, the gating role and the audience gone, the counts say so; a no stays")
    void consentExpires() throws Exception {
        String purposes = "/admin/realms/demo/consent/purposes";
        JsonNode created = api.createPurpose(Map.of("key", "it-renewal", "label", "Renewal", "mechanism", "opt-in",
                "channels", List.of("email"), "gating", true,
                "renewAfterDays", new java.math.BigDecimal("0.0001"))); // 8.64 seconds
        assertThat(created.get("renewAfterDays").decimalValue()).isEqualByComparingTo("0.0001");
        try {
            String rene = api.createUser("rene");
            String ruth = api.createUser("ruth");
            api.onBehalf(rene, "it-renewal", true);
            api.onBehalf(ruth, "it-renewal", false);
            Api.Tokens tokens = api.login("rene");
            assertThat(Api.consent(tokens.accessClaims(), "it-renewal")).isTrue();
            assertThat(realmRoles(rene)).contains("idc-consent-it-renewal");
            assertThat(audience()).contains(rene);
            assertThat(count().get("expiringSoon").asLong()).isEqualTo(1);
            String rows = "select count(*) from IDC_CHOICE_HISTORY where PURPOSE_KEY = 'it-renewal' and USER_ID = ?";
            assertThat(db.count(rows, rene)).isEqualTo(1);

            long deadline = System.currentTimeMillis() + 60_000; // 8.64 s lifetime + one run every second
            while (realmRoles(rene).contains("idc-consent-it-renewal")) {
                assertThat(System.currentTimeMillis()).as("the gating role is still there").isLessThan(deadline);
                Thread.sleep(500);
            }

            JsonNode expiry = api.get("/admin/realms/demo/consent/users/" + rene + "/history", api.adminToken())
                    .json().get("history").get(0);
            assertThat(expiry.get("state").asText()).isEqualTo("expired");
            assertThat(expiry.get("previous").asText()).isEqualTo("granted");
            assertThat(expiry.get("via").asText()).isEqualTo("expiry");
            assertThat(expiry.get("actor").get("kind").asText()).isEqualTo("system");
            assertThat(expiry.get("reason").asText()).isEqualTo("a yes to 'it-renewal' lasts 0.0001 days"
                    + " (renewAfterDays)");
            assertThat(Api.consent(api.refresh(tokens).accessClaims(), "it-renewal")).isFalse();
            assertThat(audience()).doesNotContain(rene);
            JsonNode count = count();
            assertThat(count.get("expired").asLong()).isEqualTo(1);
            assertThat(count.get("granted").asLong()).isZero();
            assertThat(count.get("denied").asLong()).isEqualTo(1);
            assertThat(count.get("expiringSoon").asLong()).isZero();

            Thread.sleep(3000); // three more runs of the task
            assertThat(db.count(rows, rene)).as("expired exactly once").isEqualTo(2);
            assertThat(db.count(rows, ruth)).as("a no does not expire").isEqualTo(1);
        } finally {
            api.post(purposes + "/it-renewal/retire", api.adminToken(), null);
        }
    }

    @Test
    @DisplayName("given a person who said no by email deletes their account, then only a keyed hash, the purpose, the"
            + " channel and the time remain; a new account with the address starts switched off (via suppression),"
            + " senders get no link for it, until the person says yes; an admin removes entries only with a reason")
    void optOutOutlivesTheAccount() {
        String suppressions = "/admin/realms/demo/consent/suppressions";
        String entries = "select count(*) from IDC_SUPPRESSION";
        String first = api.createUser("sue");
        String token = api.login("sue").access();
        api.choose(token, List.of(Map.of("purpose", "newsletter", "channel", "email", "granted", false),
                Map.of("purpose", "product-updates", "channel", "email", "granted", true)));
        long before = db.count(entries);

        assertThat(api.delete("/admin/realms/demo/users/" + first, api.adminToken()).status()).isEqualTo(204);

        assertThat(db.count(entries)).as("the no, not the yes").isEqualTo(before + 1);
        assertThat(db.count(entries + " where PURPOSE_KEY = 'newsletter' and CHANNEL = 'email' and ADDRESS_HASH"
                + " not like '%sue%' and ADDRESS_HASH not like '%example%'")).isPositive();
        assertThat(db.count("select count(*) from IDC_CHOICE where USER_ID = ?", first)).isZero();
        JsonNode listed = api.get(suppressions, api.adminToken()).json();
        assertThat(listed.get("enabled").asBoolean()).isTrue();
        assertThat(listed.get("counts").toString()).contains("\"purpose\":\"newsletter\",\"channel\":\"email\"");

        // the same address, written differently, in an account an admin creates
        Api.Reply created = api.post("/admin/realms/demo/users", api.adminToken(), Map.of("username", "sue-again",
                "enabled", true, "email", "Sue@Example.COM", "emailVerified", true, "firstName", "Sue",
                "lastName", "Test", "credentials", List.of(Map.of("type", "password", "value", "sue-again",
                        "temporary", false))));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        String second = api.userId("sue-again");
        JsonNode rows = api.get("/admin/realms/demo/consent/users/" + second + "/history", api.adminToken()).json()
                .get("history");
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0).get("purpose").asText() + "/" + rows.get(0).get("channel").asText() + " "
                + rows.get(0).get("state").asText() + " via " + rows.get(0).get("via").asText() + " by "
                + rows.get(0).get("actor").get("kind").asText()).isEqualTo("newsletter/email denied via suppression"
                + " by system");
        assertThat(rows.get(0).get("reason").asText()).contains("suppression list");
        Api.Tokens tokens = api.login("sue-again");
        assertThat(Api.consent(tokens.accessClaims(), "newsletter")).isFalse();
        assertThat(Api.consent(tokens.accessClaims(), "product-updates")).as("no entry: its default").isTrue();
        String mailer = api.serviceToken("mailer", "mailer-secret");
        Api.Reply link = api.post("/realms/demo/consent/senders/links", mailer, Map.of("user", second,
                "purpose", "newsletter"));
        assertThat(link.status()).as(link.toString()).isEqualTo(409);
        assertThat(link.json().get("error").asText()).isEqualTo("suppressed");

        api.choose(tokens.access(), List.of(Map.of("purpose", "newsletter", "channel", "email", "granted", true)));
        assertThat(api.post("/realms/demo/consent/senders/links", mailer, Map.of("user", second,
                "purpose", "newsletter")).status()).as("the person's own yes stands").isEqualTo(200);

        // an admin takes the entry away, with a reason only
        long kept = db.count(entries);
        Api.Reply noReason = api.post(suppressions + "/remove", api.adminToken(), Map.of("channel", "email",
                "address", "sue@example.com"));
        assertThat(noReason.status()).isEqualTo(400);
        assertThat(noReason.json().get("error").asText()).isEqualTo("reason_required");
        assertThat(db.count(entries)).isEqualTo(kept);
        String events = "/admin/realms/demo/events/config";
        assertThat(api.put(events, api.adminToken(), Map.of("adminEventsEnabled", true,
                "adminEventsDetailsEnabled", true)).status()).isEqualTo(204);
        try {
            Api.Reply removed = api.post(suppressions + "/remove", api.adminToken(), Map.of("channel", "email",
                    "address", "SUE@example.com", "reason", "she asked by phone to be mailed again"));
            assertThat(removed.status()).as(removed.toString()).isEqualTo(200);
            assertThat(removed.json().get("removed").asInt()).isEqualTo(1);
            assertThat(db.count(entries)).isEqualTo(kept - 1);
            JsonNode event = api.get("/admin/realms/demo/admin-events?resourceTypes=CUSTOM&operationTypes=DELETE"
                    + "&resourcePath=consent/suppressions&max=1", api.adminToken()).json().get(0);
            assertThat(event.get("representation").asText()).contains("she asked by phone to be mailed again")
                    .doesNotContain("sue").doesNotContain("SUE");
        } finally {
            api.put(events, api.adminToken(), Map.of("adminEventsEnabled", false, "adminEventsDetailsEnabled", false));
        }
    }

    @Test
    @DisplayName("given the realm keeps no opt-outs after deletion, then deleting leaves no entry behind")
    void suppressionOff() {
        String settings = "/admin/realms/demo/consent/settings";
        assertThat(api.put(settings, api.adminToken(), Map.of("suppression", false)).status()).isEqualTo(200);
        try {
            String id = api.createUser("sid");
            api.choose(api.login("sid").access(), List.of(Map.of("purpose", "newsletter", "granted", false)));
            long before = db.count("select count(*) from IDC_SUPPRESSION");
            assertThat(api.delete("/admin/realms/demo/users/" + id, api.adminToken()).status()).isEqualTo(204);
            assertThat(db.count("select count(*) from IDC_SUPPRESSION")).isEqualTo(before);
            assertThat(api.get(settings, api.adminToken()).json().get("suppression").asBoolean()).isFalse();
        } finally {
            api.put(settings, api.adminToken(), Map.of("suppression", true));
        }
    }

    static List<String> realmRoles(String userId) {
        List<String> names = new java.util.ArrayList<>();
        api.get("/admin/realms/demo/users/" + userId + "/role-mappings/realm", api.adminToken()).json()
                .forEach(r -> names.add(r.get("name").asText()));
        return names;
    }

    static List<String> audience() {
        Api.Reply page = api.get("/realms/demo/consent/senders/audience?purpose=it-renewal&channel=email&max=1000",
                api.serviceToken("mailer", "mailer-secret"));
        assertThat(page.status()).as(page.toString()).isEqualTo(200);
        List<String> ids = new java.util.ArrayList<>();
        page.json().get("users").forEach(u -> ids.add(u.get("id").asText()));
        return ids;
    }

    static JsonNode count() {
        for (JsonNode c : api.get("/admin/realms/demo/consent/reports/counts", api.adminToken()).json().get("counts")) {
            if (c.get("purpose").asText().equals("it-renewal")) {
                return c;
            }
        }
        throw new AssertionError("no count for it-renewal");
    }

    static ObjectNode demoRealm() throws Exception {
        return (ObjectNode) Api.JSON.readTree(Files.readString(Path.of(System.getProperty("it.realm.file"))));
    }

    /** An export names its objects by id; a copy in the same server needs new ones. */
    static void withoutIds(JsonNode node) {
        if (node instanceof ObjectNode object) {
            object.remove(List.of("id", "containerId", "parentId"));
        }
        node.forEach(LifecycleIT::withoutIds);
    }

    /** Imports a realm (users left out) under a new name and returns its id. */
    static String importRealm(String name, ObjectNode realm) {
        withoutIds(realm);
        realm.put("realm", name);
        realm.remove("users");
        Api.Reply reply = api.post("/admin/realms", api.adminToken(), realm);
        assertThat(reply.status()).as(reply.toString()).isEqualTo(201);
        return api.get("/admin/realms/" + name, api.adminToken()).json().get("id").asText();
    }
}
