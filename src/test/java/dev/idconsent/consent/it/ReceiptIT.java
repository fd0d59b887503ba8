package dev.idconsent.consent.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.util.Base64URL;
import com.networknt.schema.Error;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialects;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Signed receipts, verified the way an auditor outside the project would: with Nimbus JOSE+JWT (not Keycloak's
 * code) against the realm's published JWKS, and the history's chain recomputed here from its documented rule.
 */
@ExtendWith(KeycloakExtension.class)
@DisplayName("Receipts anyone can check: signed by the realm, chained row by row")
class ReceiptIT {
    static final AtomicInteger N = new AtomicInteger();
    static final List<String> CHAINED = List.of("/id", "/subject", "/purpose", "/channel", "/version", "/previous",
            "/state", "/via", "/actor/kind", "/actor/id", "/actor/username", "/clientId", "/capability", "/reason",
            "/at", "/source", "/evidence", "/text/version", "/text/label", "/text/description",
            "/text/recipients");
    static Api api;

    @BeforeAll
    static void setUp() {
        api = new Api(KeycloakExtension.server());
    }

    /** Verifies with the JWKS the realm publishes now; false if no published key has the receipt's kid. */
    static boolean verifies(Api api, String realm, String compact) throws Exception {
        JWSObject jws = JWSObject.parse(compact);
        JWKSet keys = JWKSet.parse(api.get("/realms/" + realm + "/protocol/openid-connect/certs", null).body());
        JWK key = keys.getKeyByKeyId(jws.getHeader().getKeyID());
        return key != null && jws.verify(new RSASSAVerifier(key.toRSAKey()));
    }

    static JsonNode payload(String compact) throws Exception {
        return Api.JSON.readTree(JWSObject.parse(compact).getPayload().toString());
    }

    /**
     * The rule of docs/openapi.yaml, written again here: SHA-256(previous chain ‖ SHA-256(each field) ‖ SHA-256(the
     * locale, when the row has one)).
     */
    static void assertChain(JsonNode receipt) throws Exception {
        byte[] previous = new byte[0];
        long lastId = 0;
        for (JsonNode row : receipt.get("history")) {
            assertThat(row.get("id").asLong()).as("oldest first").isGreaterThan(lastId);
            lastId = row.get("id").asLong();
            MessageDigest chain = MessageDigest.getInstance("SHA-256");
            chain.update(previous);
            for (String pointer : CHAINED) {
                JsonNode v = row.at(pointer);
                String text = v.isMissingNode() || v.isNull() || v.isArray() && v.isEmpty() ? ""
                        : v.isArray() ? Api.JSON.writeValueAsString(v) : v.asText();
                chain.update(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
            }
            if (row.hasNonNull("locale")) { // counted when present: rows from before it was recorded keep their chain
                chain.update(MessageDigest.getInstance("SHA-256").digest(row.get("locale").asText()
                        .getBytes(StandardCharsets.UTF_8)));
            }
            previous = chain.digest();
            assertThat(row.get("chain").asText()).as("chain of row %s", row.get("id")).isEqualTo(
                    HexFormat.of().formatHex(previous));
        }
        assertThat(receipt.get("historyRows").asInt()).isEqualTo(receipt.get("history").size());
        assertThat(receipt.get("historyDigest").asText(null)).isEqualTo(previous.length == 0 ? null
                : HexFormat.of().formatHex(previous));
    }

    @Test
    @DisplayName("given a person with answers, then their signed receipt verifies with an independent JOSE library"
            + " against the realm's JWKS, holds the same record as the JSON receipt with an intact chain, fails"
            + " after one changed byte, and is no token")
    void signedReceiptVerifies() throws Exception {
        String username = "rc-sign-" + N.incrementAndGet();
        String userId = api.createUser(username);
        Api.Tokens tokens = api.login(username);
        assertThat(api.choose(tokens.access(), List.of(Api.choice("newsletter", false))).status()).isEqualTo(200);
        api.onBehalf(userId, "analytics", true);
        assertThat(api.choose(tokens.access(), List.of(Api.choice("analytics", false))).status()).isEqualTo(200);

        Api.Reply signed = api.get("/realms/demo/consent/me/receipt/signed", tokens.access());
        assertThat(signed.status()).as(signed.toString()).isEqualTo(200);
        assertThat(signed.header("Content-Type")).startsWith("application/jose");
        assertThat(signed.header("Content-Disposition")).contains("consent-receipt-demo.jws");
        String compact = signed.body();
        JWSObject jws = JWSObject.parse(compact);
        assertThat(jws.getHeader().getAlgorithm().getName()).isEqualTo("RS256");
        assertThat(jws.getHeader().getType().getType()).isEqualTo("idc-receipt+json");
        assertThat(verifies(api, "demo", compact)).as("signature against the JWKS").isTrue();

        JsonNode receipt = payload(compact);
        JsonNode plain = api.get("/realms/demo/consent/me/receipt", tokens.access()).json();
        assertThat(receipt.get("issuer").asText()).endsWith("/realms/demo");
        assertThat(receipt.get("subject").asText()).isEqualTo(userId);
        assertThat(receipt.get("history")).hasSize(3);
        assertThat(receipt.get("history")).extracting(r -> r.get("purpose").asText() + " " + r.get("state").asText()
                + " " + r.get("via").asText()).containsExactly("newsletter denied api", "analytics granted admin",
                "analytics denied api");
        assertThat(receipt.at("/history/1/text/label").asText()).isEqualTo("Usage analytics");
        assertThat(receipt.get("history")).isEqualTo(plain.get("history"));
        assertThat(receipt.get("purposes")).isEqualTo(plain.get("purposes"));
        assertChain(receipt);
        // no claim a relying party would take it for a token with
        for (String claim : List.of("iss", "sub", "aud", "exp", "azp", "typ")) {
            assertThat(receipt.has(claim)).as(claim).isFalse();
        }
        assertThat(api.get("/realms/demo/consent/me", compact).status()).as("the receipt as a bearer token")
                .isEqualTo(401);

        // one changed byte of the payload, or a row changed and encoded again, and the signature no longer holds
        String[] parts = compact.split("\\.");
        char c = parts[1].charAt(10);
        String flipped = parts[0] + "." + parts[1].substring(0, 10) + (c == 'A' ? 'B' : 'A') + parts[1].substring(11)
                + "." + parts[2];
        assertThat(verifies(api, "demo", flipped)).isFalse();
        ObjectNode edited = receipt.deepCopy();
        ((ObjectNode) edited.get("history").get(2)).put("state", "granted");
        String forged = parts[0] + "." + Base64URL.encode(Api.JSON.writeValueAsBytes(edited)) + "." + parts[2];
        assertThat(verifies(api, "demo", forged)).isFalse();

        // the admin API gives the same record signed
        String admin = api.get("/admin/realms/demo/consent/users/" + userId + "/receipt/signed", api.adminToken())
                .body();
        assertThat(verifies(api, "demo", admin)).isTrue();
        assertThat(payload(admin).get("historyDigest")).isEqualTo(receipt.get("historyDigest"));
    }

    @Test
    @DisplayName("given tokens that may not read the record, then no receipt is signed for them")
    void refusals() {
        String username = "rc-refuse-" + N.incrementAndGet();
        String userId = api.createUser(username);
        String writeOnly = api.login(Api.REALM, username, username, "openid idc-choices-write").access();
        Api.Reply noScope = api.get("/realms/demo/consent/me/receipt/signed", writeOnly);
        assertThat(noScope.status()).isEqualTo(403);
        assertThat(noScope.header("WWW-Authenticate")).contains("idc-choices-read");
        assertThat(api.get("/realms/demo/consent/me/receipt/signed", null).status()).isEqualTo(401);
        Api.Reply notAdmin = api.get("/admin/realms/demo/consent/users/" + userId + "/receipt/signed",
                api.login(username).access());
        assertThat(notAdmin.status()).isEqualTo(403);
        assertThat(notAdmin.body()).doesNotContain(".ey");
    }

    @Test
    @DisplayName("given a person with 2,500 history rows, then the receipt pages through them in order with an"
            + " unbroken chain and a valid signature")
    void longHistory() throws Exception {
        Database db = KeycloakExtension.database();
        String username = "rc-long-" + N.incrementAndGet();
        String userId = api.createUser(username);
        String realmId = db.text("select ID from REALM where NAME = ?", "demo");
        long at = System.currentTimeMillis() - 3_600_000;
        for (int i = 0; i < 2500; i++) {
            db.execute("insert into IDC_CHOICE_HISTORY (REALM_ID, USER_ID, PURPOSE_KEY, CHANNEL, PURPOSE_VERSION,"
                    + " STATE, VIA, ACTOR_USERNAME, ACTOR_KIND, CREATED_AT, SOURCE) values (?, ?, 'newsletter',"
                    + " 'email', 1, ?, 'import', 'rc-seed', 'admin', ?, 'rc-archive')", realmId, userId,
                    i % 2 == 0 ? "denied" : "granted", at + i);
        }
        String compact = api.get("/admin/realms/demo/consent/users/" + userId + "/receipt/signed", api.adminToken())
                .body();
        assertThat(verifies(api, "demo", compact)).isTrue();
        JsonNode receipt = payload(compact);
        assertThat(receipt.get("history")).hasSize(2500);
        assertChain(receipt);
    }

    @Test
    @DisplayName("given the realm's signing key is rotated, then a receipt signed before verifies while the old key"
            + " is published, new receipts carry the new key, and the old one stops verifying once its key is gone")
    void keyRotation() throws Exception {
        String realm = "it-rc-keys";
        api.copyDemoRealm(realm);
        String admin = api.adminToken();
        try {
            String alice = api.get("/admin/realms/" + realm + "/users?exact=true&username=alice", admin).json().get(0)
                    .get("id").asText();
            String receiptPath = "/admin/realms/" + realm + "/consent/users/" + alice + "/receipt/signed";
            String before = api.get(receiptPath, admin).body();
            assertThat(verifies(api, realm, before)).isTrue();

            ObjectNode old = api.keyProvider(realm, "rsa-generated");
            api.rotateKey(realm, old, Map.of());

            String after = api.get(receiptPath, admin).body();
            assertThat(JWSObject.parse(after).getHeader().getKeyID())
                    .isNotEqualTo(JWSObject.parse(before).getHeader().getKeyID());
            assertThat(verifies(api, realm, after)).isTrue();
            assertThat(verifies(api, realm, before)).as("old key still published").isTrue();

            ((ObjectNode) old.get("config")).putArray("enabled").add("false");
            assertThat(api.put("/admin/realms/" + realm + "/components/" + old.get("id").asText(), admin, old)
                    .status()).isEqualTo(204);
            assertThat(verifies(api, realm, before)).as("old key withdrawn").isFalse();
            assertThat(verifies(api, realm, after)).isTrue();
        } finally {
            api.delete("/admin/realms/" + realm, admin);
        }
    }

    /** Problems of a document against docs/schema/iso-27560-record.schema.json (none: it conforms). */
    static List<String> isoProblems(JsonNode document) throws Exception {
        JsonNode schema = Api.JSON.readTree(Files.readString(Path.of("docs/schema/iso-27560-record.schema.json")));
        List<Error> errors = SchemaRegistry.withDialect(Dialects.getDraft202012())
                .getSchema(SchemaLocation.of("urn:idconsent:schema:iso-27560-record:1"), schema).validate(document);
        List<String> problems = new ArrayList<>();
        errors.forEach(e -> problems.add(e.getInstanceLocation() + " " + e.getMessage()));
        return problems;
    }

    /** Events of a record as "state by entity", oldest first. */
    static List<String> events(JsonNode record, String personId) {
        List<String> out = new ArrayList<>();
        record.get("events").forEach(e -> out.add(e.get("event_state").asText() + " by "
                + (e.get("entity_id").asText().equals(personId) ? "person" : e.get("entity_id").asText())));
        return out;
    }

    @Test
    @DisplayName("given a realm that names its controller and a purpose's recipients, then a person's record in the"
            + " structure of ISO/IEC TS 27560 conforms to the schema in the repository, holds one record per consent"
            + " with who said what on which text, is signed like the receipt, and the realm-wide export holds the"
            + " same events; bad input changes nothing")
    void isoRecord() throws Exception {
        String realm = "it-rc-iso";
        api.copyDemoRealm(realm);
        String admin = api.adminToken();
        String base = "/admin/realms/" + realm + "/consent";
        try {
            // the controller: bad input is refused by name and leaves the settings as they were
            Map<String, Object> controller = Map.of("name", "Test Shop GmbH", "email", "privacy@shop.example",
                    "address", "Hauptstr. 1, 10115 Berlin, Germany", "url", "https://shop.example",
                    "privacyNotice", "https://shop.example/privacy");
            JsonNode before = api.get(base + "/settings", admin).json();
            Api.Reply noName = api.put(base + "/settings", admin, Map.of("controller", Map.of("email", "a@b.example")));
            assertThat(noName.status()).isEqualTo(400);
            assertThat(noName.body()).contains("controller.name is required");
            Api.Reply badMail = api.put(base + "/settings", admin, Map.of("controller", Map.of("name", "X", "email",
                    "not-an-address")));
            assertThat(badMail.status()).isEqualTo(400);
            assertThat(badMail.body()).contains("controller.email");
            assertThat(api.get(base + "/settings", admin).json()).as("refusals change nothing").isEqualTo(before);
            Api.Reply set = api.put(base + "/settings", admin, Map.of("controller", controller));
            assertThat(set.status()).as(set.toString()).isEqualTo(200);
            assertThat(set.json().at("/controller/name").asText()).isEqualTo("Test Shop GmbH");

            // the catalog: consent is refused for an opt-out purpose, recipients are text (versioned)
            int texts = api.get(base + "/purposes/analytics/texts", admin).json().size();
            Api.Reply optOutConsent = api.put(base + "/purposes/newsletter", admin, Map.of("legalBasis", "consent",
                    "change", "material"));
            assertThat(optOutConsent.status()).isEqualTo(400);
            assertThat(optOutConsent.body()).contains("a default yes is not consent");
            Api.Reply noKind = api.put(base + "/purposes/analytics", admin, Map.of("recipients",
                    List.of("Acme Analytics Ltd")));
            assertThat(noKind.status()).isEqualTo(400);
            assertThat(noKind.body()).contains("change_kind_required");
            assertThat(api.get(base + "/purposes/analytics/texts", admin).json()).hasSize(texts);
            Api.Reply shared = api.put(base + "/purposes/analytics", admin, Map.of("recipients",
                    List.of("Acme Analytics Ltd"), "purposeType", "dpv:ServiceUsageAnalytics", "change", "material"));
            assertThat(shared.status()).as(shared.toString()).isEqualTo(200);
            assertThat(shared.json().get("version").asInt()).isEqualTo(2);
            assertThat(shared.json().get("legalBasis").asText()).isEqualTo("consent");
            assertThat(api.get(base + "/purposes/newsletter", admin).json().get("legalBasis").asText())
                    .isEqualTo("legitimate-interest");
            JsonNode archived = api.get(base + "/purposes/analytics/texts", admin).json();
            assertThat(archived.get(archived.size() - 1).get("recipients")).containsExactly(
                    Api.JSON.getNodeFactory().textNode("Acme Analytics Ltd"));

            // the person: an admin records a yes taken on paper, the person withdraws it and refuses SMS
            String username = "rc-iso-" + N.incrementAndGet();
            String userId = api.createUserIn(realm, username);
            assertThat(api.post(base + "/users/" + userId + "/choices", admin, Map.of("reason",
                    "signed form 2026-12", "choices", List.of(Api.choice("analytics", true)))).status()).isEqualTo(200);
            String token = api.login(realm, username, username).access();
            JsonNode me = api.get("/realms/" + realm + "/consent/me", token).json();
            assertThat(Api.purpose(me, "analytics").get("recipients").get(0).asText()).isEqualTo("Acme Analytics Ltd");
            assertThat(api.post("/realms/" + realm + "/consent/me/choices", token, Map.of("choices", List.of(
                    Api.choice("analytics", false), Map.of("purpose", "sms-reminders", "channel", "sms", "granted",
                            false), Map.of("purpose", "newsletter", "channel", "email", "granted", false))))
                    .status()).isEqualTo(200);

            Api.Reply reply = api.get("/realms/" + realm + "/consent/me/receipt?format=iso-27560", token);
            assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
            assertThat(reply.header("Content-Disposition")).contains("consent-record-iso-27560-" + realm + ".json");
            JsonNode iso = reply.json();
            assertThat(isoProblems(iso)).as("against docs/schema/iso-27560-record.schema.json").isEmpty();
            assertThat(iso.get("pii_principal_id").asText()).isEqualTo(userId);
            // one record per consent: analytics and sms-reminders (sms); the newsletter rests on legitimate interest
            Map<String, JsonNode> records = new java.util.TreeMap<>();
            iso.get("records").forEach(r -> records.put(r.at("/purposes/0/idc_purpose").asText(), r));
            assertThat(records).containsOnlyKeys("analytics", "sms-reminders");
            JsonNode analytics = records.get("analytics");
            assertThat(analytics.get("privacy_notice").asText()).isEqualTo("https://shop.example/privacy");
            assertThat(analytics.at("/purposes/0/purpose_type").asText()).isEqualTo("dpv:ServiceUsageAnalytics");
            assertThat(analytics.at("/purposes/0/lawful_basis/0").asText()).isEqualTo("dpv:Consent");
            assertThat(analytics.at("/purposes/0/withdrawal_method/0").asText())
                    .endsWith("/realms/" + realm + "/account/communication-privacy");
            assertThat(analytics.get("parties")).extracting(p -> p.get("party_id").asText() + "="
                    + p.get("party_name").asText() + " " + p.get("party_role").asText()).containsExactly(
                    "controller=Test Shop GmbH dpv:DataController", "recipient-1=Acme Analytics Ltd dpv:Recipient");
            assertThat(analytics.at("/parties/0/party_address").asText()).startsWith("Hauptstr. 1");
            assertThat(events(analytics, userId)).containsExactly("dpv:ConsentGiven by controller",
                    "dpv:ConsentWithdrawn by person");
            JsonNode given = analytics.at("/events/0");
            assertThat(given.get("idc_reason").asText()).isEqualTo("signed form 2026-12");
            assertThat(given.get("idc_notice_version").asInt()).isEqualTo(2);
            assertThat(given.at("/idc_notice/recipients/0").asText()).isEqualTo("Acme Analytics Ltd");
            assertThat(given.at("/idc_notice/label").asText()).isEqualTo("Usage analytics");
            JsonNode sms = records.get("sms-reminders");
            assertThat(events(sms, userId)).containsExactly("dpv:ConsentRefused by person");
            assertThat(sms.at("/purposes/0/pii_information/0/pii_type").asText()).isEqualTo("pd:TelephoneNumber");
            assertThat(sms.get("record_id").asText()).isNotEqualTo(analytics.get("record_id").asText());

            // signed like the receipt, verified with the independent library; the admin API gives the same
            String compact = api.get("/realms/" + realm + "/consent/me/receipt/signed?format=iso-27560", token).body();
            assertThat(verifies(api, realm, compact)).isTrue();
            assertThat(payload(compact).get("records")).isEqualTo(iso.get("records"));
            JsonNode byAdmin = api.get(base + "/users/" + userId + "/receipt?format=iso-27560", admin).json();
            assertThat(byAdmin.get("records")).isEqualTo(iso.get("records"));

            // the realm-wide export: a record per event, the same record ids, also valid
            JsonNode export = api.get(base + "/export/history?format=iso-27560", admin).json();
            assertThat(isoProblems(export)).isEmpty();
            List<String> exported = new ArrayList<>();
            export.get("records").forEach(r -> {
                if (r.get("pii_principal_id").asText().equals(userId)) {
                    exported.add(r.get("record_id").asText() + " " + r.at("/events/0/event_state").asText());
                }
            });
            assertThat(exported).containsExactlyInAnyOrder(analytics.get("record_id").asText() + " dpv:ConsentGiven",
                    analytics.get("record_id").asText() + " dpv:ConsentWithdrawn",
                    sms.get("record_id").asText() + " dpv:ConsentRefused");

            // formats that do not exist are named
            Api.Reply badFormat = api.get("/realms/" + realm + "/consent/me/receipt?format=iso", token);
            assertThat(badFormat.status()).isEqualTo(400);
            assertThat(badFormat.body()).contains("iso-27560");
            Api.Reply choicesIso = api.get(base + "/export/choices?format=iso-27560", admin);
            assertThat(choicesIso.status()).isEqualTo(400);
            assertThat(choicesIso.body()).contains("export/history");
        } finally {
            api.delete("/admin/realms/" + realm, admin);
        }
    }

    @Test
    @DisplayName("given served notices, then only the account console's page records them, one row per purpose,"
            + " version, surface and language raised on every showing, refusals record nothing, no state changes,"
            + " and the receipt lists them; a bare GET /me records none")
    void servedNotices() {
        String username = "rc-notice-" + N.incrementAndGet();
        String userId = api.createUser(username);
        String base = KeycloakExtension.server().baseUrl();
        String console = api.loginAt("account-console", base + "/realms/demo/account/", username, "openid")
                .access();
        JsonNode before = api.get("/realms/demo/consent/me", console).json();
        String notices = "/admin/realms/demo/consent/users/" + userId + "/notices";
        assertThat(api.get(notices, api.adminToken()).json().get("notices")).as("a bare GET records nothing")
                .isEmpty();
        int analytics = Api.purpose(before, "analytics").get("version").asInt();
        int newsletter = Api.purpose(before, "newsletter").get("version").asInt();
        Map<String, Object> shown = Map.of("locale", "de-AT", "purposes", List.of(
                Map.of("purpose", "analytics", "version", analytics),
                Map.of("purpose", "newsletter", "version", newsletter)));

        // refusals: another app, a stale version, an unknown purpose, no language
        assertThat(api.post("/realms/demo/consent/me/notices", api.login(username).access(), shown).status())
                .isEqualTo(403);
        assertThat(api.post("/realms/demo/consent/me/notices", console, Map.of("locale", "en", "purposes",
                List.of(Map.of("purpose", "analytics", "version", analytics + 1)))).status()).isEqualTo(409);
        assertThat(api.post("/realms/demo/consent/me/notices", console, Map.of("locale", "en", "purposes",
                List.of(Map.of("purpose", "no-such", "version", 1)))).status()).isEqualTo(400);
        assertThat(api.post("/realms/demo/consent/me/notices", console, Map.of("purposes",
                List.of(Map.of("purpose", "analytics", "version", analytics)))).status()).isEqualTo(400);
        assertThat(api.get(notices, api.adminToken()).json().get("notices")).isEmpty();

        assertThat(api.post("/realms/demo/consent/me/notices", console, shown).status()).isEqualTo(204);
        assertThat(api.post("/realms/demo/consent/me/notices", console, shown).status()).isEqualTo(204);

        JsonNode rows = api.get(notices, api.adminToken()).json().get("notices");
        assertThat(rows).extracting(r -> r.get("purpose").asText() + " v" + r.get("version").asInt() + " "
                + r.get("surface").asText() + " " + r.get("locale").asText() + " " + r.get("clientId").asText()
                + " x" + r.get("times").asInt())
                .containsExactly("analytics v" + analytics + " account de account-console x2",
                        "newsletter v" + newsletter + " account de account-console x2");
        // notices are not answers
        JsonNode after = api.get("/realms/demo/consent/me", console).json();
        assertThat(after.get("purposes")).isEqualTo(before.get("purposes"));
        assertThat(api.get("/admin/realms/demo/consent/users/" + userId + "/history", api.adminToken()).json()
                .get("history")).isEmpty();
        JsonNode receipt = api.get("/admin/realms/demo/consent/users/" + userId + "/receipt", api.adminToken()).json();
        assertThat(receipt.get("notices")).isEqualTo(rows);

        // a realm that keeps notices for two seconds forgets older ones (the expiry task runs every second here)
        String settings = "/admin/realms/demo/consent/settings";
        Api.Reply negative = api.put(settings, api.adminToken(), Map.of("noticeRetentionDays", -1));
        assertThat(negative.status()).isEqualTo(400);
        assertThat(negative.json().get("message").asText()).contains("noticeRetentionDays", "between 0");
        try {
            Api.Reply kept = api.put(settings, api.adminToken(), Map.of("noticeRetentionDays", 0.000023));
            assertThat(kept.json().get("noticeRetentionDays").decimalValue()).isEqualByComparingTo("0.000023");
            JsonNode left = rows;
            for (int i = 0; i < 100 && !left.isEmpty(); i++) {
                Thread.sleep(200);
                left = api.get(notices, api.adminToken()).json().get("notices");
            }
            assertThat(left).as("notices past the realm's retention").isEmpty();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        } finally {
            api.put(settings, api.adminToken(), Map.of("noticeRetentionDays", 0));
        }
        assertThat(api.get(settings, api.adminToken()).json().get("noticeRetentionDays").decimalValue())
                .as("kept again until the account goes").isEqualByComparingTo("0");
    }

    @Test
    @DisplayName("given the realm keeps the browser's keyed hash with served notices, then a notice carries"
            + " <key id>:<64 hex> of the latest showing's browser — equal for the same browser, different for another,"
            + " never the user agent itself — in the admin view and the receipt; off (the default), none is kept")
    void servedNoticeUserAgentHash() {
        String username = "rc-ua-" + N.incrementAndGet();
        String userId = api.createUser(username);
        String console = api.loginAt("account-console", KeycloakExtension.server().baseUrl() + "/realms/demo/account/",
                username, "openid").access();
        int version = Api.purpose(api.get("/realms/demo/consent/me", console).json(), "analytics").get("version")
                .asInt();
        Map<String, Object> shown = Map.of("locale", "en", "purposes",
                List.of(Map.of("purpose", "analytics", "version", version)));
        String notices = "/admin/realms/demo/consent/users/" + userId + "/notices";
        String settings = "/admin/realms/demo/consent/settings";
        java.util.function.Function<String, JsonNode> showIn = browser -> {
            Api.Reply r = api.post("/realms/demo/consent/me/notices", console, shown, "User-Agent", browser);
            assertThat(r.status()).as(r.toString()).isEqualTo(204);
            JsonNode rows = api.get(notices, api.adminToken()).json().get("notices");
            assertThat(rows).hasSize(1);
            return rows.get(0);
        };

        assertThat(api.get(settings, api.adminToken()).json().get("noticeUserAgentHash").asBoolean()).isFalse();
        assertThat(showIn.apply("Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0").has("userAgentHash")).isFalse();
        try {
            Api.Reply on = api.put(settings, api.adminToken(), Map.of("noticeUserAgentHash", true));
            assertThat(on.json().get("noticeUserAgentHash").asBoolean()).as(on.toString()).isTrue();
            String firefox = showIn.apply("Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0").get("userAgentHash")
                    .asText();
            assertThat(firefox).matches("[^:]+:[0-9a-f]{64}").doesNotContainIgnoringCase("firefox");
            assertThat(showIn.apply("Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0").get("userAgentHash").asText())
                    .isEqualTo(firefox);
            JsonNode chrome = showIn.apply("Mozilla/5.0 (X11; Linux x86_64) Chrome/142.0");
            String chromeHash = chrome.get("userAgentHash").asText();
            assertThat(chromeHash).matches("[^:]+:[0-9a-f]{64}").isNotEqualTo(firefox);
            assertThat(chromeHash.substring(0, chromeHash.indexOf(':'))).as("the realm's key id")
                    .isEqualTo(firefox.substring(0, firefox.indexOf(':')));
            assertThat(chrome.get("times").asInt()).isEqualTo(4);
            JsonNode receipt = api.get("/admin/realms/demo/consent/users/" + userId + "/receipt", api.adminToken())
                    .json();
            assertThat(receipt.at("/notices/0/userAgentHash").asText()).isEqualTo(chromeHash);
        } finally {
            api.put(settings, api.adminToken(), Map.of("noticeUserAgentHash", false));
        }
    }
}
