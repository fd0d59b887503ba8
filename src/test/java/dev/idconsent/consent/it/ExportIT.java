package dev.idconsent.consent.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.opencsv.CSVReader;
import java.io.StringReader;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Streaming exports of a realm's choices and history, as an admin downloads them. */
@ExtendWith(KeycloakExtension.class)
@DisplayName("Exports: choices and history as CSV and JSON, filtered, streamed")
class ExportIT {
    static final String EXPORT = "/admin/realms/demo/consent/export/";
    static Api api;
    static String ann;
    static String ben;
    static Instant between;

    @BeforeAll
    static void setUp() throws Exception {
        api = new Api(KeycloakExtension.server());
        ann = api.createUser("exp-ann");
        ben = api.createUser("exp-ben");
        String annToken = api.login("exp-ann").access();
        assertThat(api.choose(annToken, List.of(Api.choice("newsletter", false))).status()).isEqualTo(200);
        assertThat(api.choose(api.login("exp-ben").access(), List.of(Api.choice("sms-reminders", true)))
                .status()).isEqualTo(200);
        Thread.sleep(20);
        between = Instant.now();
        Thread.sleep(20);
        Api.Reply onBehalf = api.post("/admin/realms/demo/consent/users/" + ann + "/choices", api.adminToken(),
                Map.of("reason", "=HYPERLINK(\"http://evil.example\")", "choices",
                        List.of(Api.choice("newsletter", true))));
        assertThat(onBehalf.status()).as(onBehalf.toString()).isEqualTo(200);
    }

    @Test
    @DisplayName("given the newsletter history as CSV, then it is a download with a header and exactly ann's two"
            + " changes in order, nothing of other purposes, and a formula in a reason is defused for spreadsheets")
    void historyCsv() throws Exception {
        Api.Reply reply = api.get(EXPORT + "history?format=csv&purpose=newsletter", api.adminToken());
        assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
        assertThat(reply.header("Content-Type")).startsWith("text/csv");
        assertThat(reply.header("Content-Disposition")).startsWith("attachment; filename=\"consent-history-demo-")
                .endsWith(".csv\"");
        List<String[]> rows = csv(reply.body());
        assertThat(rows.get(0)).containsExactly("id", "subject", "username", "purpose", "channel", "version",
                "previous", "state", "via", "actorId", "actorUsername", "actorKind", "clientId", "capability", "reason",
                "at", "source", "evidence", "locale", "region", "frequency", "previousFrequency", "pausedUntil");
        List<String[]> annRows = rows.stream().filter(r -> r[1].equals(ann)).toList();
        assertThat(annRows).hasSize(2);
        assertThat(annRows.get(0)).startsWith(annRows.get(0)[0], ann, "exp-ann", "newsletter", "email", "1", "",
                "denied", "api");
        assertThat(annRows.get(1)[6]).isEqualTo("denied");
        assertThat(annRows.get(1)[7]).isEqualTo("granted");
        assertThat(annRows.get(1)[8]).isEqualTo("admin");
        assertThat(annRows.get(1)[13]).isEqualTo("manage-users");
        assertThat(annRows.get(1)[14]).isEqualTo("'=HYPERLINK(\"http://evil.example\")");
        assertThat(rows.stream().skip(1).map(r -> r[3]).distinct().toList()).containsExactly("newsletter");
    }

    @Test
    @DisplayName("given current choices as JSON filtered by purpose and time, then only the matching current rows")
    void choicesJson() {
        JsonNode all = api.get(EXPORT + "choices?purpose=newsletter", api.adminToken()).json();
        assertThat(all.get("export").asText()).isEqualTo("choices");
        JsonNode annRow = only(all.get("rows"), ann);
        assertThat(annRow.get("state").asText()).isEqualTo("granted");
        assertThat(annRow.get("via").asText()).isEqualTo("admin");
        assertThat(annRow.get("username").asText()).isEqualTo("exp-ann");
        assertThat(rowsOf(all.get("rows"), ben)).isEmpty();

        JsonNode sms = api.get(EXPORT + "choices?format=json&purpose=sms-reminders&channel=sms&to=" + between,
                api.adminToken()).json();
        assertThat(only(sms.get("rows"), ben).get("state").asText()).isEqualTo("granted");
        assertThat(api.get(EXPORT + "choices?purpose=sms-reminders&from=" + between, api.adminToken()).json()
                .get("rows").findValuesAsText("subject")).doesNotContain(ben);
        JsonNode later = api.get(EXPORT + "history?from=" + between, api.adminToken()).json().get("rows");
        assertThat(rowsOf(later, ann)).hasSize(1);
        assertThat(rowsOf(later, ben)).isEmpty();

        // channel=- selects the answers of purposes without channels
        String cid = api.createUser("exp-cid");
        api.onBehalf(cid, "analytics", true);
        JsonNode noChannel = api.get(EXPORT + "choices?purpose=analytics&channel=-", api.adminToken()).json();
        assertThat(rowsOf(noChannel.get("rows"), cid)).hasSize(1);
        assertThat(noChannel.get("rows")).allSatisfy(r -> assertThat(r.get("channel").isNull()).isTrue());
        JsonNode anyWithout = api.get(EXPORT + "choices?channel=-", api.adminToken()).json().get("rows");
        assertThat(rowsOf(anyWithout, cid)).hasSize(1);
        assertThat(anyWithout).allSatisfy(r -> assertThat(r.get("channel").isNull()).isTrue());
        assertThat(rowsOf(api.get(EXPORT + "choices", api.adminToken()).json().get("rows"), ann))
                .as("ann's newsletter (email) is in the unfiltered export").isNotEmpty();
        assertThat(rowsOf(anyWithout, ann)).as("but not among purposes without channels").isEmpty();
    }

    @Test
    @DisplayName("given more history than one page, then the unfiltered export holds every row of the realm once,"
            + " in id order")
    void wholeHistory() {
        String token = api.login("exp-ben").access();
        // partner-sharing is left out: a yes to it (it gates access) is given on a Keycloak page, not by an app
        List<String> optional = List.of("newsletter", "product-updates", "sms-reminders", "analytics");
        for (int i = 0; i < 260; i++) {
            boolean granted = i % 2 == 0;
            assertThat(api.choose(token, optional.stream().map(p -> Api.choice(p, granted)).toList()).status())
                    .isEqualTo(200);
        }
        Database db = KeycloakExtension.server().database().orElseThrow();
        long stored = db.count("select count(*) from IDC_CHOICE_HISTORY h join REALM r on r.ID = h.REALM_ID"
                + " where r.NAME = ?", "demo");
        assertThat(stored).isGreaterThan(1000);
        JsonNode rows = api.get(EXPORT + "history", api.adminToken()).json().get("rows");
        assertThat((long) rows.size()).isEqualTo(stored);
        List<Long> ids = new ArrayList<>();
        rows.forEach(r -> ids.add(r.get("id").asLong()));
        assertThat(ids).isSorted().doesNotHaveDuplicates();
        assertThat(csvRows(api.get(EXPORT + "history?format=csv", api.adminToken()).body())).isEqualTo(stored + 1);
    }

    @Test
    @DisplayName("given bad filters or no right to see users, then a clear error and no export")
    void badInput() {
        assertError(EXPORT + "history?format=xml", 400, "invalid_request", "format");
        assertError(EXPORT + "history?from=yesterday", 400, "invalid_request", "\"from\"");
        assertError(EXPORT + "choices?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z", 400, "invalid_request",
                "before");
        assertError(EXPORT + "choices?purpose=nope", 400, "unknown_purpose", "nope");
        assertError(EXPORT + "choices?purpose=newsletter&channel=sms", 400, "unknown_channel", "sms");
        assertError(EXPORT + "choices?purpose=newsletter&channel=-", 400, "unknown_channel", "without channels");
        Api.Reply user = api.get(EXPORT + "choices", api.login("exp-ann").access());
        assertThat(user.status()).isIn(401, 403);
    }

    private static void assertError(String path, int status, String code, String mentions) {
        Api.Reply reply = api.get(path, api.adminToken());
        assertThat(reply.status()).as(reply.toString()).isEqualTo(status);
        assertThat(reply.json().get("error").asText()).isEqualTo(code);
        assertThat(reply.json().get("message").asText()).contains(mentions);
    }

    private static JsonNode only(JsonNode rows, String subject) {
        List<JsonNode> found = rowsOf(rows, subject);
        assertThat(found).hasSize(1);
        return found.get(0);
    }

    private static List<JsonNode> rowsOf(JsonNode rows, String subject) {
        List<JsonNode> found = new ArrayList<>();
        rows.forEach(r -> {
            if (r.get("subject").asText().equals(subject)) {
                found.add(r);
            }
        });
        return found;
    }

    private static List<String[]> csv(String body) throws Exception {
        try (CSVReader reader = new CSVReader(new StringReader(body))) {
            return reader.readAll();
        }
    }

    private static long csvRows(String body) {
        try {
            return csv(body).size();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
