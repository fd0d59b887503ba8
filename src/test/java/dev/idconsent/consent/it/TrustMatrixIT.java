package dev.idconsent.consent.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.util.GreenMail;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Only the person gives consent: who (the account console, apps with and without the capability, the built-in
 * admin-cli, a resource server replaying a token, senders, an admin) × what (read, withdraw, say yes, mint a link),
 * each cell against the real server with the answer a security reviewer expects; every refused cell writes no row
 * and grants no role. Also the exploits of issue #14 as regression tests.
 */
@ExtendWith(KeycloakExtension.class)
@DisplayName("Who may make the record say what")
class TrustMatrixIT {
    static final String ADMIN = "/admin/realms/demo";
    static final String ROLE = "idc-consent-partner-sharing";
    static final AtomicInteger N = new AtomicInteger();
    static Api api;
    static String limitedSender;

    @BeforeAll
    static void setUp() {
        api = new Api(KeycloakExtension.server());
        String admin = api.adminToken();
        // a mail service whose service account holds idc-sender, but whose client does not map the role into its
        // tokens (fullScopeAllowed=false and no role scope mapping)
        Api.Reply created = api.post(ADMIN + "/clients", admin, Map.of("clientId", "it-limited-mailer",
                "enabled", true, "publicClient", false, "secret", "it-limited-secret", "serviceAccountsEnabled", true,
                "standardFlowEnabled", false, "fullScopeAllowed", false));
        assertThat(created.status()).as(created.toString()).isIn(201, 409);
        String clientId = api.get(ADMIN + "/clients?clientId=it-limited-mailer", admin).json().get(0).get("id").asText();
        String account = api.get(ADMIN + "/clients/" + clientId + "/service-account-user", admin).json().get("id")
                .asText();
        JsonNode role = api.get(ADMIN + "/roles/idc-sender", admin).json();
        assertThat(api.post(ADMIN + "/users/" + account + "/role-mappings/realm", admin, List.of(role)).status())
                .isEqualTo(204);
        limitedSender = api.serviceToken("it-limited-mailer", "it-limited-secret");

        createPurpose(Map.of("key", "it-tm-offers", "label", "Offers by mail", "mechanism", "opt-in",
                "channels", List.of("email")));
        createPurpose(Map.of("key", "it-tm-gate", "label", "Gated by mail", "mechanism", "opt-in",
                "channels", List.of("email"), "gating", true));
        createPurpose(Map.of("key", "it-tm-digest", "label", "Digest to confirm", "mechanism", "opt-in",
                "channels", List.of("email"), "doubleOptIn", true));
    }

    @AfterAll
    static void tearDown() {
        for (String key : List.of("it-tm-offers", "it-tm-gate", "it-tm-digest")) {
            api.post(ADMIN + "/consent/purposes/" + key + "/retire", api.adminToken(), null);
        }
    }

    // ---- the matrix ---------------------------------------------------------------------------------------

    enum What { READ, WITHDRAW, YES_OPT_IN, YES_GATING, LINK_WITHOUT_EMAIL }

    /** A writer: how it gets a token for a (fresh) person, and whether it acts through the admin API. */
    record Who(String name, Function<String, String> token, boolean admin, String serviceAccount) {
        Who(String name, Function<String, String> token, boolean admin) {
            this(name, token, admin, null);
        }
    }

    /** The answer each writer gets for each cell: "200" or "status error". */
    static Map<What, String> answers(String read, String withdraw, String yesOptIn, String yesGating, String link) {
        Map<What, String> m = new LinkedHashMap<>();
        m.put(What.READ, read);
        m.put(What.WITHDRAW, withdraw);
        m.put(What.YES_OPT_IN, yesOptIn);
        m.put(What.YES_GATING, yesGating);
        m.put(What.LINK_WITHOUT_EMAIL, link);
        return m;
    }

    @Test
    @DisplayName("given every writer and every act, then each gets the expected answer; refused acts write no row and"
            + " grant no role")
    void matrix() {
        String base = KeycloakExtension.server().baseUrl();
        String noScope = "403 insufficient_scope";
        Map<Who, Map<What, String>> expected = new LinkedHashMap<>();
        expected.put(new Who("account console (Communication & privacy page)", u -> api.loginAt("account-console",
                        base + "/realms/demo/account/", u, "openid").access(), false),
                answers("200", "200", "200", "200", "403 forbidden"));
        expected.put(new Who("app holding the person-granted scopes", u -> api.login(u).access(), false),
                answers("200", "200", "200", "403 interaction_required", "403 forbidden"));
        expected.put(new Who("app without the scopes", u -> api.login(Api.REALM, u, u, "openid").access(), false),
                answers(noScope, noScope, noScope, noScope, "403 forbidden"));
        expected.put(new Who("built-in admin-cli, password grant", u -> api.password("admin-cli", u, "openid")
                .access(), false), answers(noScope, noScope, noScope, noScope, "403 forbidden"));
        expected.put(new Who("resource server replaying the app's token", u -> {
            String token = api.login(Api.REALM, u, u, "openid").access();
            api.introspect(token); // demo-api holds it: it is in the token's audience
            return token;
        }, false), answers(noScope, noScope, noScope, noScope, "403 forbidden"));
        expected.put(new Who("sender (mailer's service account)", u -> api.serviceToken("mailer", "mailer-secret"),
                false, "mailer"), answers(noScope, noScope, noScope, noScope, "400 unknown_channel"));
        expected.put(new Who("sender-role holder through a client with fullScopeAllowed=false", u -> limitedSender,
                false, "it-limited-mailer"), answers(noScope, noScope, noScope, noScope, "403 forbidden"));
        expected.put(new Who("admin on behalf, with a reason", u -> api.adminToken(), true),
                answers("200", "200", "200", "200", "401 not_authenticated"));

        List<String> report = new ArrayList<>();
        int cells = 0;
        int refused = 0;
        for (var row : expected.entrySet()) {
            for (var cell : row.getValue().entrySet()) {
                cells++;
                String outcome = act(row.getKey(), cell.getKey());
                report.add(String.format("%-66s %-20s %s", row.getKey().name(), cell.getKey(), outcome));
                assertThat(outcome).as(row.getKey().name() + " × " + cell.getKey())
                        .startsWith(cell.getValue() + " |");
                refused += cell.getValue().equals("200") ? 0 : 1;
            }
        }
        System.out.println("Trust matrix: " + cells + " cells, " + refused + " refused, each refused cell wrote 0 rows"
                + " and granted no role\n" + String.join("\n", report));
    }

    /**
     * Performs one act for a fresh person and answers "status error | rows written | role": the rows and the role
     * are checked against what the answer allows (a refusal writes nothing and grants nothing).
     */
    String act(Who who, What what) {
        String username = "tm-" + N.incrementAndGet();
        String person = api.createUser(username);
        String token = who.token().apply(username);
        // the subject the user API acts on is the token's user (a sender's is its service account)
        String subject = who.serviceAccount() == null ? person : serviceAccount(who.serviceAccount());
        int before = history(subject);
        Api.Reply reply = switch (what) {
            case READ -> who.admin() ? api.get(ADMIN + "/consent/users/" + subject, token)
                    : api.get("/realms/demo/consent/me", token);
            case WITHDRAW -> change(who, token, subject, "newsletter", false);
            case YES_OPT_IN -> change(who, token, subject, "analytics", true);
            case YES_GATING -> change(who, token, subject, "partner-sharing", true);
            case LINK_WITHOUT_EMAIL -> api.post("/realms/demo/consent/senders/links", token,
                    Map.of("user", person, "purpose", "analytics"));
        };
        int written = history(subject) - before;
        boolean writes = what == What.WITHDRAW || what == What.YES_OPT_IN || what == What.YES_GATING;
        String answer = reply.status() == 200 ? "200" : reply.status() + " " + reply.json().path("error").asText();
        assertThat(written).as(who.name() + " × " + what + ": rows written for " + answer)
                .isEqualTo(answer.equals("200") && writes ? 1 : 0);
        boolean role = holdsRole(subject);
        assertThat(role).as(who.name() + " × " + what + ": consent role")
                .isEqualTo(answer.equals("200") && what == What.YES_GATING);
        if (answer.equals("200") && writes) {
            JsonNode row = api.get(ADMIN + "/consent/users/" + subject + "/history", api.adminToken()).json()
                    .at("/history/0");
            assertThat(row.get("capability").asText()).as("capability on the row")
                    .isEqualTo(who.admin() ? "manage-users" : "idc-choices-write");
            assertThat(row.at("/actor/kind").asText()).isEqualTo(who.admin() ? "admin" : "user");
            assertThat(row.get("via").asText()).isIn(who.admin() ? List.of("admin") : List.of("api", "account"));
        }
        return answer + " | " + written + " rows | role " + role;
    }

    Api.Reply change(Who who, String token, String subject, String purpose, boolean granted) {
        Map<String, Object> choice = new LinkedHashMap<>(Map.of("purpose", purpose, "granted", granted));
        if (granted) {
            choice.put("version", version(purpose)); // the text the app showed
        }
        return who != null && who.admin()
                ? api.post(ADMIN + "/consent/users/" + subject + "/choices", token, Map.of("reason",
                "signed paper form", "choices", List.of(choice)))
                : api.post("/realms/demo/consent/me/choices", token, Map.of("choices", List.of(choice)));
    }

    @Test
    // Keycloak's consent screen in Chromium: nothing here depends on the database
    @EnabledIfSystemProperty(named = "it.db", matches = "h2",
            disabledReason = "database-agnostic; runs on H2 only to keep .ci/run short")
    @DisplayName("given an app with consent required, then it gets nothing until the person approved the scopes on"
            + " Keycloak's consent screen (which names them); after that it may withdraw and say yes, but not unlock"
            + " access")
    void consentRequiredApp() throws Exception {
        com.sun.net.httpserver.HttpServer app = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        app.createContext("/", exchange -> {
            byte[] body = "signed in".getBytes(java.nio.charset.StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        app.start();
        try {
            String callback = "http://127.0.0.1:" + app.getAddress().getPort() + "/callback";
            Api.Reply client = api.post(ADMIN + "/clients", api.adminToken(), Map.of("clientId", "it-third-party",
                    "enabled", true, "publicClient", true, "consentRequired", true, "standardFlowEnabled", true,
                    "directAccessGrantsEnabled", false, "redirectUris", List.of("http://127.0.0.1:"
                            + app.getAddress().getPort() + "/*"),
                    "optionalClientScopes", List.of("idc-choices-read", "idc-choices-write")));
            assertThat(client.status()).as(client.toString()).isEqualTo(201);
            String username = "tm-third-" + N.incrementAndGet();
            String id = api.createUser(username);
            try (Browser browser = new Browser()) {
                Api.Authorization plain = api.authorizationOf("it-third-party", Api.REALM, callback, "openid");
                browser.open(plain.url());
                browser.type("#username", username);
                browser.type("#password", username);
                browser.click("#kc-login");
                // Keycloak asks about the basic scopes only if any of them is shown on its consent screen
                String before = api.exchange(approveUnlessAt(browser, callback), plain).access();

                assertThat(api.get("/realms/demo/consent/me", before).json().path("error").asText())
                        .isEqualTo("insufficient_scope");
                assertThat(change(null, before, id, "newsletter", false).status()).isEqualTo(403);
                assertThat(history(id)).isZero();

                Api.Authorization asking = api.authorizationOf("it-third-party", Api.REALM, callback,
                        "openid idc-choices-read idc-choices-write");
                browser.open(asking.url());
                assertThat(consentScreen(browser))
                        .contains("See your communication and privacy choices and their history")
                        .contains("Change your communication and privacy choices");
                browser.snapshot("consent-screen-capabilities");
                browser.click("#kc-login");
                Api.Tokens after = api.exchange(browser.awaitUrl(callback), asking);

                assertThat(after.accessClaims().get("scope").asText()).contains("idc-choices-read")
                        .contains("idc-choices-write");
                assertThat(api.get("/realms/demo/consent/me", after.access()).status()).isEqualTo(200);
                Who app3 = new Who("third-party app", u -> after.access(), false);
                assertThat(change(app3, after.access(), id, "newsletter", false).status()).isEqualTo(200);
                assertThat(change(app3, after.access(), id, "analytics", true).status()).isEqualTo(200);
                Api.Reply gating = change(app3, after.access(), id, "partner-sharing", true);
                assertThat(gating.status()).isEqualTo(403);
                assertThat(gating.json().get("error").asText()).isEqualTo("interaction_required");
                assertThat(history(id)).isEqualTo(2);
                assertThat(holdsRole(id)).isFalse();
            }
        } finally {
            app.stop(0);
        }
    }

    // ---- links can only take away -------------------------------------------------------------------------

    @Test
    @DisplayName("given a sender's link is clicked and undone for a person who never answered (an opt-in, a gating"
            + " purpose), then the answer is removed again: no yes, no role")
    void undoNeverCreatesAYes() {
        for (String purpose : List.of("it-tm-offers", "it-tm-gate")) {
            String id = api.createUser("tm-undo-" + N.incrementAndGet());

            String undo = clickInBrowser(mint(id, purpose));
            Api.Reply undone = api.send("POST", undo, null, "", "Content-Type", "application/x-www-form-urlencoded",
                    "Accept", "text/html");

            assertThat(undone.status()).as(undone.toString()).isEqualTo(200);
            assertThat(undone.body()).contains("back to what it was before");
            JsonNode state = state(id, purpose).at("/states/0");
            assertThat(state.get("granted").asBoolean()).isFalse();
            assertThat(state.get("explicit").asBoolean()).isFalse();
            assertThat(holdsRole(id, "idc-consent-" + purpose)).isFalse();
            assertThat(api.get(ADMIN + "/consent/users/" + id + "/history", api.adminToken()).json().get("history"))
                    .extracting(r -> r.get("previous").asText("none") + ">" + r.get("state").asText() + " via "
                            + r.get("via").asText() + " " + r.get("capability").asText() + " by "
                            + r.at("/actor/kind").asText() + " sender " + r.get("clientId").asText())
                    .containsExactly("denied>cleared via email undo-link by user sender mailer",
                            "none>denied via email unsubscribe-link by user sender mailer");
        }
    }

    @Test
    @DisplayName("given a confirmed double opt-in is unsubscribed and undone, then it comes back confirmed, not pending")
    void undoKeepsAConfirmedDoubleOptIn() throws Exception {
        String username = "tm-doi-" + N.incrementAndGet();
        String id = api.createUser(username);
        GreenMail smtp = UnsubscribeIT.smtp(api);
        try {
            Api.Reply yes = api.choose(api.login(username).access(), List.of(Api.choice("it-tm-digest", true)));
            assertThat(yes.status()).as(yes.toString()).isEqualTo(200);
            assertThat(smtp.waitForIncomingEmail(15000, 1)).isTrue();
            Matcher link = Pattern.compile("(http\\S+/consent/confirm\\?token=\\S+)")
                    .matcher(UnsubscribeIT.plainText(smtp.getReceivedMessages()[0]));
            assertThat(link.find()).isTrue();
            assertThat(api.send("POST", link.group(1), null, "", "Content-Type", "application/x-www-form-urlencoded")
                    .status()).isEqualTo(200);
        } finally {
            smtp.stop();
        }
        assertThat(state(id, "it-tm-digest").at("/states/0/state").asText()).isEqualTo("granted");

        String undo = clickInBrowser(mint(id, "it-tm-digest"));
        assertThat(state(id, "it-tm-digest").at("/states/0/state").asText()).isEqualTo("denied");
        assertThat(api.send("POST", undo, null, "", "Accept", "text/html").status()).isEqualTo(200);

        JsonNode state = state(id, "it-tm-digest").at("/states/0");
        assertThat(state.get("state").asText()).isEqualTo("granted");
        assertThat(state.get("granted").asBoolean()).isTrue();
        assertThat(state.get("version").asInt()).isEqualTo(version("it-tm-digest"));
    }

    @Test
    @DisplayName("given a purpose without an email channel, then no unsubscribe link is minted for it, and nothing"
            + " a link page does can say yes")
    void linksOnlyForEmail() {
        String id = api.createUser("tm-nolink-" + N.incrementAndGet());
        String mailer = api.serviceToken("mailer", "mailer-secret");
        for (String purpose : List.of("analytics", "partner-sharing", "sms-reminders")) {
            Api.Reply r = api.post("/realms/demo/consent/senders/links", mailer, Map.of("user", id, "purpose", purpose));
            assertThat(r.status()).as(purpose + ": " + r).isEqualTo(400);
            assertThat(r.json().get("message").asText()).contains("no email channel");
        }
        Api.Reply fraction = api.post("/realms/demo/consent/senders/links", mailer, Map.of("user", id, "purpose",
                "newsletter", "expiresInSeconds", 1.5));
        assertThat(fraction.status()).as(fraction.toString()).isEqualTo(400);
        assertThat(fraction.json().get("message").asText()).contains("whole number");
        assertThat(history(id)).isZero();
    }

    @Test
    // the realm's keys and the link signature: nothing here depends on the database
    @EnabledIfSystemProperty(named = "it.db", matches = "h2",
            disabledReason = "database-agnostic; runs on H2 only to keep .ci/run short")
    @DisplayName("given the realm's HMAC key is rotated, then links verify while the key that signed them is active"
            + " or passive, and stop when it is disabled")
    void linksAndKeyRotation() throws Exception {
        String realm = "it-tm-keys";
        api.copyDemoRealm(realm);
        String admin = api.adminToken();
        try {
            String mailer = api.send("POST", "/realms/" + realm + "/protocol/openid-connect/token", null,
                    "grant_type=client_credentials&client_id=mailer&client_secret=mailer-secret",
                    "Content-Type", "application/x-www-form-urlencoded").json().get("access_token").asText();
            String alice = api.get("/admin/realms/" + realm + "/users?exact=true&username=alice", admin).json().get(0)
                    .get("id").asText();
            String url = api.post("/realms/" + realm + "/consent/senders/links", mailer, Map.of("user", alice,
                    "purpose", "newsletter")).json().get("url").asText();
            JsonNode old = api.keyProvider(realm, "hmac-generated");
            api.rotateKey(realm, old, Map.of("algorithm", old.at("/config/algorithm").isMissingNode()
                    ? List.of("HS512") : List.of(old.at("/config/algorithm/0").asText())));
            assertThat(api.get(url, null, "Accept", "text/html").status()).as("old key still active").isEqualTo(200);

            ((com.fasterxml.jackson.databind.node.ObjectNode) old.get("config")).putArray("active").add("false");
            assertThat(api.put("/admin/realms/" + realm + "/components/" + old.get("id").asText(), admin, old)
                    .status()).isEqualTo(204);
            assertThat(api.get(url, null, "Accept", "text/html").status()).as("old key passive").isEqualTo(200);

            ((com.fasterxml.jackson.databind.node.ObjectNode) old.get("config")).putArray("enabled").add("false");
            assertThat(api.put("/admin/realms/" + realm + "/components/" + old.get("id").asText(), admin, old)
                    .status()).isEqualTo(204);
            Api.Reply refused = api.get(url, null, "Accept", "text/html");
            assertThat(refused.status()).as("old key disabled").isEqualTo(400);
            assertThat(refused.body()).contains("altered");
        } finally {
            api.delete("/admin/realms/" + realm, admin);
        }
    }

    // ---- senders ------------------------------------------------------------------------------------------

    @Test
    @DisplayName("given a person whose email is not verified, then the audience leaves them out unless the sender asks")
    void audienceOfVerifiedAddresses() {
        String unverified = api.createUser("tm-unverified-" + N.incrementAndGet());
        JsonNode user = api.get(ADMIN + "/users/" + unverified, api.adminToken()).json();
        ((com.fasterxml.jackson.databind.node.ObjectNode) user).put("emailVerified", false);
        assertThat(api.put(ADMIN + "/users/" + unverified, api.adminToken(), user).status()).isEqualTo(204);
        String verified = api.createUser("tm-verified-" + N.incrementAndGet());
        String mailer = api.serviceToken("mailer", "mailer-secret");

        List<String> plain = audience(mailer, "");
        List<String> all = audience(mailer, "&includeUnverified=true");

        assertThat(plain).contains(verified).doesNotContain(unverified);
        assertThat(all).contains(verified, unverified);
    }

    // ---- the capabilities ---------------------------------------------------------------------------------

    @Test
    @DisplayName("given a new realm, then the plugin creates both scopes and the account console has them by default")
    void newRealmGetsTheScopes() {
        String admin = api.adminToken();
        String realm = "it-tm-fresh-" + N.incrementAndGet();
        assertThat(api.post("/admin/realms", admin, Map.of("realm", realm, "enabled", true)).status()).isEqualTo(201);
        try {
            List<String> scopes = new ArrayList<>();
            api.get("/admin/realms/" + realm + "/client-scopes", admin).json()
                    .forEach(s -> scopes.add(s.get("name").asText()));
            assertThat(scopes).contains("idc-choices-read", "idc-choices-write");
            String console = api.get("/admin/realms/" + realm + "/clients?clientId=account-console", admin).json()
                    .get(0).get("id").asText();
            List<String> defaults = new ArrayList<>();
            api.get("/admin/realms/" + realm + "/clients/" + console + "/default-client-scopes", admin).json()
                    .forEach(s -> defaults.add(s.get("name").asText()));
            assertThat(defaults).contains("idc-choices-read", "idc-choices-write");
        } finally {
            api.delete("/admin/realms/" + realm, admin);
        }
    }

    @Test
    @DisplayName("given a token without the scope, then the refusal says which scope to ask for (RFC 6750)")
    void insufficientScopeNamesTheScope() {
        String username = "tm-rfc-" + N.incrementAndGet();
        api.createUser(username);
        String token = api.login(Api.REALM, username, username, "openid idc-choices-read").access();

        Api.Reply read = api.get("/realms/demo/consent/me", token);
        Api.Reply write = api.choose(token, List.of(Api.choice("newsletter", false)));

        assertThat(read.status()).isEqualTo(200);
        assertThat(write.status()).isEqualTo(403);
        assertThat(write.header("WWW-Authenticate")).isEqualTo("Bearer error=\"insufficient_scope\","
                + " scope=\"idc-choices-write\"");
        assertThat(write.json().get("message").asText()).contains("idc-choices-write").contains("demo-app");
    }

    @Test
    @DisplayName("given a yes without the text version, then it is refused with version_required; a no needs none")
    void versionRequired() {
        String username = "tm-version-" + N.incrementAndGet();
        String id = api.createUser(username);
        String token = api.login(username).access();

        Api.Reply yes = api.post("/realms/demo/consent/me/choices", token,
                Map.of("choices", List.of(Map.of("purpose", "analytics", "granted", true))));
        Api.Reply no = api.post("/realms/demo/consent/me/choices", token,
                Map.of("choices", List.of(Map.of("purpose", "analytics", "granted", false))));

        assertThat(yes.status()).isEqualTo(400);
        assertThat(yes.json().get("error").asText()).isEqualTo("version_required");
        assertThat(no.status()).isEqualTo(200);
        assertThat(history(id)).isEqualTo(1);
    }

    // ---- helpers ------------------------------------------------------------------------------------------

    /** The text of Keycloak's OAuth consent screen; fails with what the browser shows instead. */
    static String consentScreen(Browser browser) throws Exception {
        try {
            return browser.find("#kc-oauth").getText();
        } catch (org.openqa.selenium.TimeoutException e) {
            browser.snapshot("trust-matrix-no-consent-screen");
            throw new AssertionError("no consent screen at " + browser.url() + ": " + browser.text(), e);
        }
    }

    /** Waits for the callback, accepting Keycloak's consent screen if it comes first (naming no consent scope). */
    static String approveUnlessAt(Browser browser, String callback) throws Exception {
        for (int i = 0; i < 100; i++) {
            if (browser.url().startsWith(callback)) {
                return browser.url();
            }
            if (browser.has("#kc-oauth")) {
                assertThat(browser.find("#kc-oauth").getText()).doesNotContain("communication and privacy");
                browser.click("#kc-login");
                return browser.awaitUrl(callback);
            }
            Thread.sleep(100);
        }
        throw new AssertionError("neither the callback nor a consent screen: " + browser.url());
    }

    /** The user id of a client's service account. */
    static String serviceAccount(String clientId) {
        String admin = api.adminToken();
        String id = api.get(ADMIN + "/clients?clientId=" + clientId, admin).json().get(0).get("id").asText();
        return api.get(ADMIN + "/clients/" + id + "/service-account-user", admin).json().get("id").asText();
    }

    /** POSTs the link as a browser's form does (Accept: text/html) and returns the undo URL of the page. */
    static String clickInBrowser(String url) {
        Api.Reply page = api.send("POST", url, null, "List-Unsubscribe=One-Click",
                "Content-Type", "application/x-www-form-urlencoded", "Accept", "text/html");
        assertThat(page.status()).as(page.toString()).isEqualTo(200);
        Matcher undo = Pattern.compile("action=\"([^\"]*/unsubscribe/undo\\?token=[^\"]+)\"").matcher(page.body());
        assertThat(undo.find()).as("undo button on " + page.body()).isTrue();
        return undo.group(1).replace("&amp;", "&");
    }

    static String mint(String userId, String purpose) {
        Api.Reply r = api.post("/realms/demo/consent/senders/links", api.serviceToken("mailer", "mailer-secret"),
                Map.of("user", userId, "purpose", purpose));
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json().get("url").asText();
    }

    static List<String> audience(String mailer, String extra) {
        List<String> ids = new ArrayList<>();
        String cursor = "";
        while (cursor != null) {
            JsonNode page = api.get("/realms/demo/consent/senders/audience?purpose=newsletter&max=1000&cursor="
                    + cursor + extra, mailer).json();
            page.get("users").forEach(u -> ids.add(u.get("id").asText()));
            cursor = page.get("next").isNull() ? null : page.get("next").asText();
        }
        return ids;
    }

    static int history(String userId) {
        Api.Reply r = api.get(ADMIN + "/consent/users/" + userId + "/history?max=1000", api.adminToken());
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json().get("history").size();
    }

    static JsonNode state(String userId, String purpose) {
        return Api.purpose(api.get(ADMIN + "/consent/users/" + userId, api.adminToken()).json(), purpose);
    }

    static boolean holdsRole(String userId) {
        return holdsRole(userId, ROLE);
    }

    static boolean holdsRole(String userId, String role) {
        JsonNode roles = api.get(ADMIN + "/users/" + userId + "/role-mappings/realm", api.adminToken()).json();
        for (JsonNode r : roles) {
            if (r.get("name").asText().equals(role)) {
                return true;
            }
        }
        return false;
    }

    static int version(String purpose) {
        return api.get(ADMIN + "/consent/purposes/" + purpose, api.adminToken()).json().get("version").asInt();
    }

    static void createPurpose(Map<String, Object> purpose) {
        Api.Reply r = api.post(ADMIN + "/consent/purposes", api.adminToken(), purpose);
        assertThat(r.status()).as(r.toString()).isIn(201, 409);
    }
}
