package dev.idconsent.consent.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(KeycloakExtension.class)
@DisplayName("Import: answers from another system, with provenance, dry run first, once only")
class ImportIT {
    static final String IMPORT = "/admin/realms/demo/consent/import";
    static final String HEADER = "user,purpose,channel,state,at,source,evidence,version\n";
    static Api api;
    static Database db;

    @BeforeAll
    static void setUp() {
        api = new Api(KeycloakExtension.server());
        db = KeycloakExtension.database();
    }

    static Api.Reply send(String body, String type, String query) {
        return api.send("POST", IMPORT + query, api.adminToken(), body, "Content-Type", type);
    }

    /** The answer's lines, the summary last. */
    static List<JsonNode> lines(Api.Reply reply) {
        assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
        List<JsonNode> lines = new ArrayList<>();
        reply.body().lines().forEach(l -> {
            try {
                lines.add(Api.JSON.readTree(l));
            } catch (java.io.IOException e) {
                throw new AssertionError(l, e);
            }
        });
        return lines;
    }

    static String summaryOrOutcome(JsonNode line) {
        return line.has("summary") ? "imported=" + line.get("summary").get("imported").asInt() : outcome(line);
    }

    static String outcome(JsonNode line) {
        return line.get("row").asInt() + " " + line.get("result").asText()
                + (line.has("reason") ? " " + line.get("reason").asText() : "");
    }

    static long historyOf(String... userIds) {
        long n = 0;
        for (String id : userIds) {
            n += db.count("select count(*) from IDC_CHOICE_HISTORY where USER_ID = ?", id);
        }
        return n;
    }

    @Test
    @DisplayName("given a CSV file, then the dry run answers per row and writes nothing; the import records the rows"
            + " with their time, source and evidence; a second import records nothing; a newer answer always wins")
    void dryRunImportAgain() throws Exception {
        String ada = api.createUser("imp-ada");
        String ben = api.createUser("imp-ben");
        String cid = api.createUser("imp-cid");
        api.choose(api.login("imp-cid").access(), List.of(Map.of("purpose", "newsletter", "channel", "email",
                "granted", false))); // a live answer, newer than anything imported
        String file = HEADER
                + "imp-ada,newsletter,email,denied,2024-01-10T10:00:00Z,Mailchimp export,list 42 unsubscribe,\n"
                + ada + ",analytics,,granted,2024-02-01T08:30:00Z,CRM,\"form 7, signed\",1\n"
                + "nobody,newsletter,email,denied,2024-01-10T10:00:00Z,CRM,,\n"
                + "imp-ben,loyalty,email,denied,2024-01-10T10:00:00Z,CRM,,\n"
                + "imp-ben,newsletter,fax,denied,2024-01-10T10:00:00Z,CRM,,\n"
                + "imp-ben,analytics,,maybe,2024-01-10T10:00:00Z,CRM,,\n"
                + "imp-ben,analytics,,granted,2999-01-01T00:00:00Z,CRM,,\n"
                + "imp-ben@example.com,product-updates,email,denied,2023-05-05T12:00:00Z,Paper archive,box 3,\n"
                + "imp-cid,newsletter,email,granted,2024-03-03T00:00:00Z,Mailchimp export,,\n"
                + "imp-ben,security-alerts,email,denied,2024-01-10T10:00:00Z,CRM,,\n"
                + "imp-ben,analytics,,granted,2024-01-10T10:00:00Z,,,\n";
        long before = historyOf(ada, ben, cid);

        List<JsonNode> dry = lines(send(file, "text/csv", "?dryRun=true"));
        assertThat(dry.subList(0, 11)).extracting(ImportIT::outcome).containsExactly(
                "1 would_import", "2 would_import", "3 refused unknown_user", "4 refused unknown_purpose",
                "5 refused unknown_channel", "6 refused invalid_value", "7 refused invalid_value", "8 would_import",
                "9 skipped older_than_current", "10 refused required_purpose", "11 refused invalid_value");
        assertThat(dry.get(6).get("message").asText()).contains("in the future");
        assertThat(dry.get(10).get("message").asText()).contains("\"source\" is required");
        JsonNode drySummary = dry.get(11).get("summary");
        assertThat(drySummary.get("dryRun").asBoolean()).isTrue();
        assertThat(drySummary.get("rows").asInt()).isEqualTo(11);
        assertThat(drySummary.get("imported").asInt()).isEqualTo(3);
        assertThat(drySummary.get("complete").asBoolean()).isTrue();
        assertThat(historyOf(ada, ben, cid)).as("a dry run writes nothing").isEqualTo(before);

        List<JsonNode> real = lines(send(file, "text/csv", ""));
        assertThat(real.subList(0, 11)).extracting(ImportIT::outcome).containsExactly(
                "1 imported", "2 imported", "3 refused unknown_user", "4 refused unknown_purpose",
                "5 refused unknown_channel", "6 refused invalid_value", "7 refused invalid_value", "8 imported",
                "9 skipped older_than_current", "10 refused required_purpose", "11 refused invalid_value");
        assertThat(real.get(11).get("summary").get("committedThroughRow").asInt()).isEqualTo(11);
        assertThat(historyOf(ada, ben, cid)).isEqualTo(before + 3);

        JsonNode receipt = api.get("/admin/realms/demo/consent/users/" + ada + "/receipt", api.adminToken()).json();
        JsonNode newsletter = null;
        for (JsonNode row : receipt.get("history")) {
            if (row.get("purpose").asText().equals("newsletter")) {
                newsletter = row;
            }
        }
        assertThat(newsletter).isNotNull();
        assertThat(newsletter.get("via").asText()).isEqualTo("import");
        assertThat(newsletter.get("at").asText()).isEqualTo("2024-01-10T10:00:00Z");
        assertThat(newsletter.get("source").asText()).isEqualTo("Mailchimp export");
        assertThat(newsletter.get("evidence").asText()).isEqualTo("list 42 unsubscribe");
        assertThat(newsletter.get("actor").get("kind").asText()).isEqualTo("admin");
        assertThat(newsletter.get("capability").asText()).isEqualTo("import");
        assertThat(newsletter.get("reason").asText()).isEqualTo("imported from Mailchimp export");
        Api.Tokens tokens = api.login("imp-ada");
        assertThat(Api.consent(tokens.accessClaims(), "newsletter")).isFalse();
        assertThat(Api.consent(tokens.accessClaims(), "analytics")).isTrue();
        String csv = api.get("/admin/realms/demo/consent/export/history?format=csv&purpose=analytics",
                api.adminToken()).body();
        assertThat(csv.lines().filter(l -> l.contains(ada)).findFirst().orElseThrow())
                // no locale (no words shown), no region (the demo realm has no regional rules)
                .endsWith(",2024-02-01T08:30:00Z,CRM,\"form 7, signed\",,,,,"); // no locale, region, frequencies, pause

        List<JsonNode> again = lines(send(file, "text/csv", ""));
        assertThat(again.get(0).get("result").asText() + " " + again.get(0).get("reason").asText())
                .isEqualTo("skipped duplicate");
        assertThat(again.get(11).get("summary").get("imported").asInt()).isZero();
        assertThat(historyOf(ada, ben, cid)).as("importing again records nothing").isEqualTo(before + 3);
    }

    @Test
    @DisplayName("given 10,000 rows as a JSON array, then all are recorded in order, in batches, with a line each")
    void tenThousandRows() {
        List<String> ids = new ArrayList<>();
        for (int u = 0; u < 50; u++) {
            ids.add(api.createUser("imp-bulk-" + u));
        }
        StringBuilder json = new StringBuilder("[");
        for (int i = 0; i < 10_000; i++) {
            // each person's answers alternate and grow newer, so every row is a change that wins
            String at = java.time.Instant.parse("2020-01-01T00:00:00Z").plusSeconds(60L * i).toString();
            json.append(i == 0 ? "" : ",").append("{\"user\":\"").append(ids.get(i % 50))
                    .append("\",\"purpose\":\"newsletter\",\"channel\":\"email\",\"state\":\"")
                    .append((i / 50) % 2 == 0 ? "denied" : "granted").append("\",\"at\":\"").append(at)
                    .append("\",\"source\":\"legacy ESP\",\"version\":1}");
        }
        json.append(']');

        List<JsonNode> lines = lines(send(json.toString(), "application/json", ""));

        assertThat(lines).hasSize(10_001);
        JsonNode summary = lines.get(10_000).get("summary");
        assertThat(summary.get("imported").asInt()).isEqualTo(10_000);
        assertThat(summary.get("complete").asBoolean()).isTrue();
        assertThat(historyOf(ids.toArray(String[]::new))).isEqualTo(10_000);
        assertThat(db.count("select count(*) from IDC_CHOICE where USER_ID = ? and STATE = 'granted'", ids.get(0)))
                .as("the last of 200 answers: granted").isEqualTo(1);
    }

    @Test
    @DisplayName("given a file that breaks part-way, then the rows before are in and the answer says where to resume;"
            + " a wrong header, a user's or a sender's token change nothing")
    void brokenFileAndRefusals() {
        String dan = api.createUser("imp-dan");
        StringBuilder file = new StringBuilder(HEADER);
        for (int i = 1; i <= 7; i++) {
            file.append("imp-dan,newsletter,email,").append(i % 2 == 0 ? "granted" : "denied").append(",2024-01-0")
                    .append(i).append("T00:00:00Z,CRM,,\n");
        }
        file.append("imp-dan,newsletter,email,denied,2024-01-08T00:00:00Z,\"CRM,,\n"); // the quote never ends
        List<JsonNode> lines = lines(send(file.toString(), "text/csv", ""));
        JsonNode summary = lines.get(lines.size() - 1).get("summary");
        assertThat(summary.get("complete").asBoolean()).isFalse();
        assertThat(summary.get("committedThroughRow").asInt()).isEqualTo(7);
        assertThat(summary.get("resumeAt").asInt()).isEqualTo(8);
        assertThat(summary.get("error").asText()).startsWith("row 8: ");
        assertThat(historyOf(dan)).isEqualTo(7);

        List<JsonNode> resumed = lines(send(HEADER + "imp-dan,newsletter,email,granted,2024-01-08T00:00:00Z,CRM,,\n",
                "text/csv", "?firstRow=8"));
        assertThat(outcome(resumed.get(0))).isEqualTo("8 imported");
        assertThat(historyOf(dan)).isEqualTo(8);

        Api.Reply header = send("user,purpose,state,at,source,colour\n", "text/csv", "");
        assertThat(header.status()).isEqualTo(400);
        assertThat(header.json().get("message").asText()).contains("unknown column 'colour'");
        // a yes to the purpose gating partner-data would also grant its role: neither happens for these tokens
        String row = HEADER + "imp-dan,newsletter,email,granted,2024-02-01T00:00:00Z,CRM,,\n"
                + "imp-dan,partner-sharing,,granted,2024-02-01T00:00:00Z,CRM,,\n";
        long roles = db.count("select count(*) from USER_ROLE_MAPPING where USER_ID = ?", dan);
        for (String token : List.of(api.login("imp-dan").access(), api.serviceToken("mailer", "mailer-secret"))) {
            Api.Reply refused = api.send("POST", IMPORT, token, row, "Content-Type", "text/csv");
            assertThat(refused.status()).isEqualTo(403);
        }
        assertThat(historyOf(dan)).isEqualTo(8);
        assertThat(db.count("select count(*) from USER_ROLE_MAPPING where USER_ID = ?", dan)).isEqualTo(roles);
        // the same file from an admin: the yes to partner-sharing is in, and the gating role with it (what the
        // refusals kept out); dan's newsletter already said yes
        assertThat(lines(send(row, "text/csv", ""))).extracting(ImportIT::summaryOrOutcome)
                .containsExactly("1 skipped unchanged", "2 imported", "imported=1");
        assertThat(db.count("select count(*) from USER_ROLE_MAPPING where USER_ID = ?", dan)).isEqualTo(roles + 1);
    }
}
