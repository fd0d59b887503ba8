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
            "IDC_WEBHOOK");
    static Api api;
    static Database db;

    @BeforeAll
    static void setUp() {
        api = new Api(KeycloakExtension.server());
        db = KeycloakExtension.server().database().orElseThrow(() ->
                new org.opentest4j.TestAbortedException("this backend gives no database access"));
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
        for (String table : TABLES) {
            assertThat(db.count("select count(*) from " + table + " where REALM_ID = ?", realmId)).as(table)
                    .isPositive();
        }

        assertThat(api.delete("/admin/realms/doomed", api.adminToken()).status()).isEqualTo(204);

        for (String table : TABLES) {
            assertThat(db.count("select count(*) from " + table + " where REALM_ID = ?", realmId)).as(table)
                    .isZero();
        }
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
