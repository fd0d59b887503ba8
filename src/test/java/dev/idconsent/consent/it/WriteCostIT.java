package dev.idconsent.consent.it;

import static dev.idconsent.consent.it.Api.choice;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What one preference change costs the database, counted from the server's SQL log (as the benchmark counts it):
 * the write path may not drift back to the 15–17 statements it once took (docs/BENCHMARKS.md).
 */
@ExtendWith(KeycloakExtension.class)
@DisplayName("Cost of a write: the SQL statements one preference change takes")
class WriteCostIT {
    /** The goal of issue #15 on databases that read committed data (PostgreSQL, H2). */
    static final int STATEMENTS = 6;
    /**
     * On PostgreSQL: the read of the user (Keycloak's token check after the previous write evicted it, else the
     * write's own), the writers' lock with the answers (one function call) and one statement for the rest — one
     * fewer than Keycloak's own profile update takes.
     */
    static final int POSTGRES = 3;

    static Api api;

    /** At most this many statements for one single-choice write on the database the suite runs on. */
    static int limit() {
        return switch (System.getProperty("it.db", "h2")) {
            // REPEATABLE READ: which answers exist is read in a transaction of its own first, and the two
            // attributes are written through Keycloak's model API (a read, then an update and a delete each)
            case "mariadb" -> STATEMENTS + 1 + 4;
            // the history row, the answer and both attributes in one statement (PostgresWrites)
            case "postgres" -> POSTGRES;
            default -> STATEMENTS;
        };
    }

    @BeforeAll
    static void setUp() {
        api = new Api(KeycloakExtension.server());
    }

    @Test
    @DisplayName("given a person with answers changes one choice, then the server runs at most 6 SQL statements for it")
    void oneChoice() throws Exception {
        Path log = KeycloakExtension.server().log();
        String id = api.createUser("winifred");
        Api.Tokens tokens = api.login("winifred");
        String token = tokens.access();
        int version = Api.purpose(api.get("/realms/demo/consent/me", token).json(), "analytics").get("version").asInt();
        // answers to change: the person has four explicit answers, so a per-row cost would show (and the
        // administrators' overview of them is longer than the 255 characters of Keycloak's short attribute column)
        Api.Reply answers = api.choose(token, List.of(choice("analytics", true), choice("sms-reminders", true),
                choice("newsletter", false), choice("product-updates", false)));
        assertThat(answers.status()).as(answers.toString()).isEqualTo(200);

        for (boolean granted : new boolean[] {false, true}) {
            long mark = SqlLog.settledSize(log);
            Api.Reply reply = api.post("/realms/demo/consent/me/choices", token, Map.of("choices", List.of(
                    Map.of("purpose", "analytics", "granted", granted, "version", version))));
            SqlLog.settledSize(log);
            List<String> sql = SqlLog.sqlSince(log, mark);

            assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
            assertThat(reply.json().get("changes")).hasSize(1);
            assertThat(Api.purpose(api.get("/realms/demo/consent/me", token).json(), "analytics").get("granted")
                    .asBoolean()).isEqualTo(granted);
            // what follows the change: the app's next token and the administrators' view of the person
            tokens = api.refresh(tokens);
            assertThat(tokens.accessClaims().get("consent").get("analytics").asBoolean()).isEqualTo(granted);
            String overview = api.get("/admin/realms/demo/users/" + id, api.adminToken()).json().get("attributes")
                    .get("idc-consent").get(0).asText();
            assertThat(overview).contains("analytics: " + (granted ? "yes" : "no") + " since")
                    .contains("newsletter (email): no since").contains("product-updates (email): no since").hasSizeGreaterThan(255);
            // the proof: one new history row, newest first, naming the answer before it and the id the reply gave
            List<com.fasterxml.jackson.databind.JsonNode> history = api.history("demo", id);
            assertThat(history.get(0).get("purpose").asText()).isEqualTo("analytics");
            assertThat(history.get(0).get("state").asText()).isEqualTo(granted ? "granted" : "denied");
            assertThat(history.get(0).get("previous").asText()).isEqualTo(granted ? "denied" : "granted");
            assertThat(history.get(0).get("id").asLong()).isEqualTo(reply.json().get("changes").get(0).get("id")
                    .asLong());
            System.out.println("SQL of one choice (" + granted + "), " + sql.size() + " statements:");
            sql.forEach(s -> System.out.println("  " + s.substring(s.indexOf("org.hibernate.sql"))));
            assertThat(sql).as("statements of one write on " + System.getProperty("it.db")).hasSizeLessThanOrEqualTo(
                    limit());
        }
    }
}
