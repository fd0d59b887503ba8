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

    static Api api;

    @BeforeAll
    static void setUp() {
        api = new Api(KeycloakExtension.server());
    }

    @Test
    @DisplayName("given a person with answers changes one choice, then the server runs at most 6 SQL statements for it")
    void oneChoice() throws Exception {
        Path log = KeycloakExtension.server().log();
        api.createUser("wanda");
        String token = api.login("wanda").access();
        int version = Api.purpose(api.get("/realms/demo/consent/me", token).json(), "analytics").get("version").asInt();
        // answers to change: the person has three explicit answers, so a per-row cost would show
        assertThat(api.choose(token, List.of(choice("analytics", true), choice("partner-sharing", true),
                choice("newsletter", false))).status()).isEqualTo(200);

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
            System.out.println("SQL of one choice (" + granted + "), " + sql.size() + " statements:");
            sql.forEach(s -> System.out.println("  " + s.substring(s.indexOf("org.hibernate.sql"))));
            if ("mariadb".equals(System.getProperty("it.db"))) {
                // REPEATABLE READ: the answers are found in a fresh read and each re-read with a row lock
                assertThat(sql).as("statements of one write on MariaDB").hasSizeLessThanOrEqualTo(STATEMENTS + 1 + 3);
            } else {
                assertThat(sql).as("statements of one write").hasSizeLessThanOrEqualTo(STATEMENTS);
            }
        }
    }
}
