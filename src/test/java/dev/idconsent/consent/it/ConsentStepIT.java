package dev.idconsent.consent.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The consent step in real headless Chromium. The app's callback is a tiny local HTTP server, registered as a
 * redirect URI of demo-app. Users of this class get their choices set by an admin (an API login would stop at
 * the step).
 */
@ExtendWith(KeycloakExtension.class)
// The pages call the same REST endpoints and the same ConsentService as the API suites, which run on every
// database; what a page shows does not depend on the database, so the browser suites run on H2 only (.ci/run).
@EnabledIfSystemProperty(named = "it.db", matches = "h2", disabledReason = "a browser suite: runs on H2 only")
@DisplayName("Consent step: asked at registration, on new versions, at login, from an app; GPC honored")
class ConsentStepIT {
    static final String ADMIN = "/admin/realms/demo";
    static Api api;
    static HttpServer app;
    static String callback;

    @BeforeAll
    static void setUp() throws Exception {
        api = new Api(KeycloakExtension.server());
        app = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        app.createContext("/", exchange -> {
            byte[] body = "signed in".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        app.start();
        callback = "http://127.0.0.1:" + app.getAddress().getPort() + "/callback";
        String admin = api.adminToken();
        ObjectNode client = (ObjectNode) api.get(ADMIN + "/clients?clientId=demo-app", admin).json().get(0);
        ((ArrayNode) client.get("redirectUris")).add("http://127.0.0.1:" + app.getAddress().getPort() + "/*");
        assertThat(api.put(ADMIN + "/clients/" + client.get("id").asText(), admin, client).status()).isEqualTo(204);

        createPurpose(Map.of("key", "it-step-bump", "label", "Step bump", "description", "Text one.",
                "mechanism", "opt-in"));
        createPurpose(Map.of("key", "it-step-ask", "label", "Step ask", "description", "Asked at login.",
                "mechanism", "opt-in", "askAtLogin", true));
    }

    @AfterAll
    static void tearDown() {
        // the purposes of this class would otherwise be asked of every later login
        for (String key : List.of("it-step-bump", "it-step-ask", "it-step-multi")) {
            api.post(ADMIN + "/consent/purposes/" + key + "/retire", api.adminToken(), null);
        }
        app.stop(0);
    }

    @Test
    @DisplayName("given a new user registers, then the step asks every optional purpose and the first ID token holds"
            + " the answers, recorded with channel registration")
    void registration() throws Exception {
        try (Browser browser = new Browser()) {
            Api.Authorization auth = register(browser, "rose", "rose@example.com", "Rose");

            browser.find("#idc-consent-form");
            browser.snapshot("consent-step-registration");
            assertThat(browser.has("#idc-purpose-analytics")).isTrue();
            assertThat(browser.has("#idc-purpose-newsletter")).isTrue();
            assertThat(browser.has("#idc-purpose-security-alerts")).isFalse(); // required: nothing to ask
            assertThat(browser.find("#idc-granted-analytics").isSelected()).isFalse(); // opt-in: never pre-ticked
            assertThat(browser.find("#idc-granted-newsletter").isSelected()).isTrue();  // opt-out: on unless no
            assertThat(browser.text()).contains("Only with your consent.");
            // for screen readers: its own title, the choices a labelled group, each box described by its text and
            // mechanism, and a box ticked by an opt-out default says so in words
            assertThat(browser.script("return document.title")).asString().startsWith("Your choices – ");
            assertThat(browser.find("#idc-choices legend").getText()).startsWith("Please tell us what we may do.");
            assertThat(browser.find("#idc-granted-analytics").getAttribute("aria-describedby"))
                    .isEqualTo("idc-description-analytics idc-mechanism-analytics");
            assertThat(browser.find("#idc-granted-partner-sharing").getAttribute("aria-describedby"))
                    .isEqualTo("idc-description-partner-sharing idc-recipients-partner-sharing"
                            + " idc-mechanism-partner-sharing");
            assertThat(browser.find("#idc-recipients-partner-sharing").getText())
                    .isEqualTo("Shared with: Partner Network Ltd");
            assertThat(browser.find("#idc-mechanism-newsletter").getText()).contains("You're included unless you"
                    + " opt out.", "Ticked because it applies unless you opt out: untick it to opt out.");
            assertThat(browser.find("#idc-mechanism-analytics").getText()).doesNotContain("Ticked");
            assertThat(browser.axe("#idc-consent-form", "#kc-page-title")).as("axe-core, WCAG 2.2 AA").isEmpty();
            browser.click("#idc-granted-analytics");
            browser.click("#idc-granted-product-updates");
            browser.click("#idc-save");

            Api.Tokens tokens = api.exchange(browser.awaitUrl(callback), auth);
            assertThat(Api.consent(tokens.idClaims(), "analytics")).isTrue();
            assertThat(Api.consent(tokens.idClaims(), "product-updates")).isFalse();
            assertThat(Api.consent(tokens.idClaims(), "newsletter")).isTrue();
            JsonNode history = history(api.userId("rose"));
            assertThat(history).isNotEmpty().allSatisfy(row -> {
                assertThat(row.get("via").asText()).isEqualTo("registration");
                assertThat(row.get("clientId").asText()).isEqualTo("demo-app");
            });
            assertThat(history).anySatisfy(row -> assertThat(row.get("purpose").asText()).isEqualTo("analytics"));
        }
    }

    @Test
    @DisplayName("given an address that unsubscribed before its account was deleted, then a person registering with"
            + " it starts with that purpose off and is not asked about it, and the account page says why")
    void registrationCarriesOptOut() throws Exception {
        String before = user("sven", Map.of("newsletter", false));
        assertThat(api.delete(ADMIN + "/users/" + before, api.adminToken()).status()).isEqualTo(204);

        try (Browser browser = new Browser()) {
            Api.Authorization auth = register(browser, "sven-new", "sven@example.com", "Sven");

            browser.find("#idc-consent-form");
            assertThat(browser.has("#idc-purpose-newsletter")).as("answered by the opt-out it carries").isFalse();
            assertThat(browser.has("#idc-purpose-product-updates")).isTrue();
            browser.click("#idc-save");
            Api.Tokens tokens = api.exchange(browser.awaitUrl(callback), auth);
            assertThat(Api.consent(tokens.idClaims(), "newsletter")).isFalse();
            assertThat(Api.consent(tokens.idClaims(), "product-updates")).isTrue();

            browser.open(KeycloakExtension.server().baseUrl() + "/realms/demo/account/communication-privacy");
            assertThat(browser.awaitText("#idc-switch-newsletter-email-status", "unsubscribed")).isEqualTo("Off since "
                    + java.time.format.DateTimeFormatter.ofPattern("MMM d, yyyy", java.util.Locale.ENGLISH)
                    .format(java.time.LocalDate.now(java.time.ZoneId.systemDefault())) + ", kept from when this"
                    + " address unsubscribed, before an earlier account with it was deleted \u2014 switch it on if you"
                    + " want it now");
            assertThat(browser.find("#idc-switch-newsletter-email").isSelected()).isFalse();
            browser.snapshot("account-page-suppression");
        }
        JsonNode rows = history(api.userId("sven-new"));
        assertThat(rows).anySatisfy(row -> {
            assertThat(row.get("purpose").asText()).isEqualTo("newsletter");
            assertThat(row.get("state").asText()).isEqualTo("denied");
            assertThat(row.get("via").asText()).isEqualTo("suppression");
        });
    }

    @Test
    @DisplayName("given a material change, then only users who answered the old version are asked, shown what changed"
            + " since their answer (English and German), and ask-at-login purposes are asked of users who never"
            + " answered")
    void reconsentOnNewVersion() throws Exception {
        String oldAnswer = user("olive", Map.of("it-step-bump", true, "it-step-ask", false));
        user("olga-de", Map.of("it-step-bump", false, "it-step-ask", false));
        String neverSaw = user("nora", Map.of("analytics", true));
        Api.Reply bumped = api.put(ADMIN + "/consent/purposes/it-step-bump", api.adminToken(),
                Map.of("description", "Text two, with more sharing.", "recipients", List.of("Partner Network Ltd"),
                        "change", "material"));
        assertThat(bumped.json().get("version").asInt()).isEqualTo(2);
        String newAnswer = user("nico", Map.of("it-step-bump", false, "it-step-ask", true));

        try (Browser browser = login("olive")) {
            browser.find("#idc-consent-form");
            assertThat(browser.has("#idc-purpose-it-step-bump")).isTrue();
            assertThat(browser.text()).contains("Text two, with more sharing.");
            assertThat(browser.has("#idc-purpose-it-step-ask")).isFalse();   // answered
            assertThat(browser.has("#idc-purpose-analytics")).isFalse();     // never answered, not ask-at-login
            assertThat(browser.find("#idc-granted-it-step-bump").isSelected()).isTrue();
            // what changed since the text olive answered: "Text one." became "Text two, with more sharing."
            assertThat(browser.find("#idc-changed-it-step-bump").getText())
                    .startsWith("This text has changed since you answered it on ").contains("(version 1 → version 2)");
            assertThat(browser.find("#idc-changed-it-step-bump del").getAttribute("textContent"))
                    .isEqualTo("removed: one.");
            assertThat(browser.find("#idc-changed-it-step-bump ins").getAttribute("textContent"))
                    .isEqualTo("added: two, with more sharing.");
            assertThat(browser.find("#idc-changed-it-step-bump .idc-diff-description").getAttribute("textContent"))
                    .isEqualTo("Text removed: one.added: two, with more sharing.");
            assertThat(browser.has("#idc-changed-it-step-bump .idc-diff-label")).as("the label did not change")
                    .isFalse();
            // whom the data goes to is part of the text: shown with it, and named as a change
            assertThat(browser.find("#idc-recipients-it-step-bump").getText())
                    .isEqualTo("Shared with: Partner Network Ltd");
            assertThat(browser.find("#idc-changed-it-step-bump .idc-diff-recipients-added").getText())
                    .isEqualTo("Now also shared with: Partner Network Ltd");
            assertThat(browser.has("#idc-changed-it-step-bump .idc-diff-recipients-removed")).isFalse();
            browser.click("#idc-save");
            browser.awaitUrl(callback);
        }
        try (Browser browser = new Browser()) {
            signIn(browser, api.authorization(Api.REALM, callback, "openid", "ui_locales", "de"), "olga-de");
            browser.find("#idc-consent-form"); // the step, not the login page it follows
            assertThat(browser.script("return document.title")).asString().startsWith("Ihre Einstellungen – ");
            assertThat(browser.axe("#idc-consent-form", "#kc-page-title")).as("axe-core, German, with what changed")
                    .isEmpty();
            assertThat(browser.find("#idc-changed-it-step-bump").getText())
                    .startsWith("Dieser Text hat sich geändert, seit Sie am ").contains("(Version 1 → Version 2)");
            assertThat(browser.find("#idc-changed-it-step-bump del").getAttribute("textContent"))
                    .isEqualTo("entfernt: one.");
            assertThat(browser.find("#idc-changed-it-step-bump ins").getAttribute("textContent"))
                    .isEqualTo("neu: two, with more sharing.");
            assertThat(browser.find("#idc-recipients-it-step-bump").getText())
                    .isEqualTo("Weitergabe an: Partner Network Ltd");
            assertThat(browser.find("#idc-changed-it-step-bump .idc-diff-recipients-added").getText())
                    .isEqualTo("Neu: Weitergabe auch an Partner Network Ltd");
            browser.click("#idc-save");
            browser.awaitUrl(callback);
        }
        JsonNode row = history(oldAnswer).get(0);
        assertThat(row.get("purpose").asText()).isEqualTo("it-step-bump");
        assertThat(row.get("via").asText()).isEqualTo("login");
        assertThat(row.get("version").asInt()).isEqualTo(2);

        try (Browser browser = login("nora")) {
            browser.find("#idc-consent-form");
            assertThat(browser.has("#idc-purpose-it-step-ask")).isTrue();
            assertThat(browser.has("#idc-purpose-it-step-bump")).isFalse();
            browser.click("#idc-decline-all");
            browser.awaitUrl(callback);
        }
        assertThat(history(neverSaw).get(0).get("state").asText()).isEqualTo("denied");

        try (Browser browser = login("nico")) {
            browser.awaitUrl(callback); // nothing to ask
        }
        assertThat(history(newAnswer)).hasSize(2);
    }

    @Test
    @DisplayName("given the browser sends Sec-GPC: 1, then partner-sharing is switched off with channel gpc, once,"
            + " and the user is told")
    void globalPrivacyControl() throws Exception {
        String id = user("gwen", Map.of("partner-sharing", true, "it-step-ask", true));

        try (Browser browser = new Browser(Map.of("Sec-GPC", "1"))) {
            Api.Authorization auth = api.authorization(Api.REALM, callback, "openid");
            signIn(browser, auth, "gwen");
            assertThat(browser.find("#idc-gpc-notice").getText()).contains("Global Privacy Control")
                    .contains("Sharing with partners");
            browser.snapshot("consent-step-gpc");
            browser.click("#idc-save");
            Api.Tokens tokens = api.exchange(browser.awaitUrl(callback), auth);
            assertThat(Api.consent(tokens.idClaims(), "partner-sharing")).isFalse();
        }
        JsonNode row = history(id).get(0);
        assertThat(row.get("purpose").asText()).isEqualTo("partner-sharing");
        assertThat(row.get("via").asText()).isEqualTo("gpc");
        assertThat(row.get("previous").asText()).isEqualTo("granted");

        try (Browser browser = new Browser(Map.of("Sec-GPC", "1"))) {
            Api.Authorization auth = api.authorization(Api.REALM, callback, "openid");
            signIn(browser, auth, "gwen");
            browser.awaitUrl(callback); // honored once: no second notice, no second row
        }
        assertThat(history(id)).filteredOn(r -> r.get("via").asText().equals("gpc")).hasSize(1);
    }

    @Test
    @DisplayName("given a person arrives through another identity provider, then their first login is a registration:"
            + " the step asks every optional purpose before the first token, GPC honoured; their next login asks"
            + " nothing")
    void firstBrokerLogin() throws Exception {
        // the server fetches the upstream realm's token at the address the browser uses: only a server started here
        // reaches itself there (a container's published port is the host's, not its own)
        org.junit.jupiter.api.Assumptions.assumeTrue(KeycloakExtension.server() instanceof DistributionServer,
                "the identity provider's back channel needs the server's own address");
        String base = KeycloakExtension.server().baseUrl();
        String upstream = base + "/realms/upstream";
        Api.Reply realm = api.post("/admin/realms", api.adminToken(), Map.of("realm", "upstream", "enabled", true,
                "users", List.of(Map.of("username", "ulla", "enabled", true, "email", "ulla@example.com",
                        "emailVerified", true, "firstName", "Ulla", "lastName", "Upstream", "credentials",
                        List.of(Map.of("type", "password", "value", "ulla-secret-1", "temporary", false)))),
                "clients", List.of(Map.of("clientId", "demo-broker", "secret", "broker-secret-1",
                        "publicClient", false, "standardFlowEnabled", true,
                        "redirectUris", List.of(base + "/realms/demo/broker/upstream/endpoint")))));
        assertThat(realm.status()).as(realm.toString()).isEqualTo(201);
        Api.Reply idp = api.post(ADMIN + "/identity-provider/instances", api.adminToken(), Map.of("alias",
                "upstream", "providerId", "oidc", "enabled", true, "trustEmail", true, "config", Map.ofEntries(
                        Map.entry("authorizationUrl", upstream + "/protocol/openid-connect/auth"),
                        Map.entry("tokenUrl", upstream + "/protocol/openid-connect/token"),
                        Map.entry("userInfoUrl", upstream + "/protocol/openid-connect/userinfo"),
                        Map.entry("jwksUrl", upstream + "/protocol/openid-connect/certs"),
                        Map.entry("useJwksUrl", "true"), Map.entry("validateSignature", "true"),
                        Map.entry("issuer", upstream), Map.entry("clientId", "demo-broker"),
                        Map.entry("clientSecret", "broker-secret-1"),
                        Map.entry("clientAuthMethod", "client_secret_post"),
                        Map.entry("defaultScope", "openid email profile"), Map.entry("syncMode", "IMPORT"))));
        assertThat(idp.status()).as(idp.toString()).isEqualTo(201);
        try {
            try (Browser browser = new Browser(Map.of("Sec-GPC", "1"))) {
                Api.Authorization auth = api.authorization(Api.REALM, callback, "openid", "kc_idp_hint", "upstream");
                signIn(browser, auth, "ulla", "ulla-secret-1"); // on the upstream realm's page

                browser.find("#idc-consent-form");
                assertThat(browser.has("#idc-purpose-analytics")).as("a registration: every optional purpose").isTrue();
                assertThat(browser.has("#idc-purpose-newsletter")).isTrue();
                assertThat(browser.find("#idc-gpc-notice").getText()).contains("Sharing with partners");
                browser.click("#idc-granted-analytics");
                browser.click("#idc-save");
                Api.Tokens tokens = api.exchange(browser.awaitUrl(callback), auth);
                assertThat(Api.consent(tokens.idClaims(), "analytics")).isTrue();
                assertThat(Api.consent(tokens.idClaims(), "partner-sharing")).isFalse();
            }
            JsonNode rows = history(api.userId("ulla"));
            assertThat(rows).extracting(r -> r.get("via").asText()).contains("registration", "gpc")
                    .doesNotContain("login");
            assertThat(rows).anySatisfy(r -> assertThat(r.get("purpose").asText() + " "
                    + r.get("state").asText()).isEqualTo("analytics granted"));

            try (Browser browser = new Browser()) {
                Api.Authorization auth = api.authorization(Api.REALM, callback, "openid", "kc_idp_hint", "upstream");
                signIn(browser, auth, "ulla", "ulla-secret-1"); // on the upstream realm's page
                browser.awaitUrl(callback); // a login of a linked account: nothing to ask
            }
            assertThat(history(api.userId("ulla"))).hasSize(rows.size());
        } finally {
            api.delete(ADMIN + "/identity-provider/instances/upstream", api.adminToken());
            api.delete("/admin/realms/upstream", api.adminToken());
        }
    }

    @Test
    @DisplayName("given a German-speaking person, then the step shows the catalog's German words and channel names"
            + " (no English label), and the history row and receipt carry de and the German words")
    void germanWords() throws Exception {
        String id = user("greta-de", Map.of("it-step-ask", true));
        try (Browser browser = login("greta-de")) {
            browser.awaitUrl(callback);
            browser.open(api.authorization(Api.REALM, callback, "openid", "kc_action", "idc-consent-step",
                    "ui_locales", "de").url());
            String form = browser.find("#idc-consent-form").getText();
            assertThat(form).contains("Produktneuigkeiten",
                    "E-Mails über neue Funktionen und Änderungen an den Produkten, die Sie nutzen.", "Per E-Mail",
                    "Nutzungsanalyse", "SMS-Erinnerungen", "Per SMS");
            assertThat(form).doesNotContain("Product updates", "Usage analytics", "Emails about new features",
                    "Per email");
            assertThat(browser.axe("#idc-consent-form", "#kc-page-title")).as("axe-core, German").isEmpty();
            browser.snapshot("consent-step-de"); // the README's picture
            browser.click("#idc-granted-analytics");
            browser.click("#idc-save");
            assertThat(browser.awaitUrl(callback)).contains("kc_action_status=success");
        }
        JsonNode row = history(id).get(0);
        assertThat(row.get("purpose").asText()).isEqualTo("analytics");
        assertThat(row.get("via").asText()).isEqualTo("login");
        assertThat(row.get("locale").asText()).isEqualTo("de");
        JsonNode receipt = api.get(ADMIN + "/consent/users/" + id + "/receipt", api.adminToken()).json();
        JsonNode shown = receipt.get("history").get(receipt.get("history").size() - 1);
        assertThat(shown.get("id").asLong()).isEqualTo(row.get("id").asLong());
        assertThat(shown.get("text").get("locale").asText()).isEqualTo("de");
        assertThat(shown.get("text").get("label").asText()).isEqualTo("Nutzungsanalyse");
        // the setup's row (an administrator, no words shown) has no language and the catalog's own text
        assertThat(receipt.get("history").get(0).has("locale")).isFalse();
        // what the step showed her, as it rendered: each optional purpose, in German, for the app (served notices)
        assertThat(receipt.get("notices")).extracting(n -> n.get("purpose").asText() + " "
                + n.get("surface").asText() + " " + n.get("locale").asText() + " " + n.get("clientId").asText())
                .contains("analytics consent-step de demo-app", "product-updates consent-step de demo-app",
                        "partner-sharing consent-step de demo-app")
                .noneMatch(n -> n.startsWith("security-alerts")); // required: not asked, not on the step
    }

    @Test
    @DisplayName("given an app starts the step with kc_action, then cancelling changes nothing, saving records, and"
            + " kc_action=idc-consent-step:<purpose> asks about that purpose only")
    void appInitiated() throws Exception {
        String id = user("kai", Map.of("it-step-ask", true));
        int before = history(id).size();
        try (Browser browser = login("kai")) {
            browser.awaitUrl(callback);

            browser.open(api.authorization(Api.REALM, callback, "openid", "kc_action", "idc-consent-step").url());
            browser.find("#idc-consent-form");
            assertThat(browser.has("#idc-purpose-analytics")).isTrue(); // all optional purposes
            browser.click("#idc-granted-analytics");
            browser.click("#idc-cancel");
            assertThat(browser.awaitUrl(callback)).contains("kc_action_status=cancelled");
            assertThat(history(id)).hasSize(before);

            browser.open(api.authorization(Api.REALM, callback, "openid", "kc_action", "idc-consent-step").url());
            browser.click("#idc-granted-analytics");
            browser.click("#idc-save");
            assertThat(browser.awaitUrl(callback)).contains("kc_action_status=success");

            // an app that lacks a gated scope asks about exactly the purpose behind it
            Api.Authorization gated = api.authorization(Api.REALM, callback, "openid partner-data", "kc_action",
                    "idc-consent-step:partner-sharing");
            browser.open(gated.url());
            browser.find("#idc-consent-form");
            assertThat(browser.has("#idc-purpose-partner-sharing")).isTrue();
            assertThat(browser.has("#idc-purpose-analytics")).isFalse();
            browser.click("#idc-granted-partner-sharing");
            browser.click("#idc-save");
            Api.Tokens tokens = api.exchange(browser.awaitUrl(callback), gated);
            assertThat(tokens.accessClaims().get("scope").asText()).contains("partner-data");
        }
        assertThat(history(id)).extracting(r -> r.get("purpose").asText() + " " + r.get("via").asText())
                .startsWith("partner-sharing login", "analytics login");
    }

    @Test
    @DisplayName("given a purpose with several channels, then the step asks per channel and an answer for one never"
            + " overwrites another")
    void perChannel() throws Exception {
        createPurpose(Map.of("key", "it-step-multi", "label", "Step offers", "description", "By email and SMS.",
                "mechanism", "opt-in", "channels", List.of("email", "sms")));
        String id = api.createUser("mona");
        Api.Reply set = api.post(ADMIN + "/consent/users/" + id + "/choices", api.adminToken(), Map.of("reason",
                "test setup", "choices", List.of(
                        Map.of("purpose", "it-step-multi", "channel", "email", "granted", true),
                        Map.of("purpose", "it-step-multi", "channel", "sms", "granted", false))));
        assertThat(set.status()).as(set.toString()).isEqualTo(200);
        api.put(ADMIN + "/consent/purposes/it-step-multi", api.adminToken(),
                Map.of("description", "By email and SMS, now weekly.", "change", "material"));

        try (Browser browser = login("mona")) {
            browser.find("#idc-consent-form");
            assertThat(browser.find("#idc-granted-it-step-multi-email").isSelected()).isTrue();
            assertThat(browser.find("#idc-granted-it-step-multi-sms").isSelected()).isFalse();
            assertThat(browser.text()).contains("Step offers by email", "Step offers by SMS");
            browser.click("#idc-granted-it-step-multi-sms");
            browser.click("#idc-save");
            browser.awaitUrl(callback);
        }
        JsonNode states = Api.purpose(api.get(ADMIN + "/consent/users/" + id, api.adminToken()).json(),
                "it-step-multi").get("states");
        assertThat(states).extracting(c -> c.get("channel").asText() + "=" + c.get("state").asText() + "@"
                + c.get("version").asInt()).containsExactlyInAnyOrder("email=granted@2", "sms=granted@2");
    }

    @Test
    @DisplayName("given a yes reached its lifetime, then the next login asks again, says when the person agreed, and"
            + " a yes there counts anew")
    void renewal() throws Exception {
        createPurpose(Map.of("key", "it-step-renew", "label", "Step renew", "description", "Asked again.",
                "mechanism", "opt-in", "renewAfterDays", new java.math.BigDecimal("0.0001"))); // 8.64 seconds
        try {
            String rita = user("rita", Map.of("it-step-renew", true, "it-step-ask", false));
            String agreed = history(rita).get(0).get("at").asText();
            api.awaitNewestRow(rita, "expired"); // the lifetime, and a run of the expiry task each second

            try (Browser browser = login("rita")) {
                browser.find("#idc-consent-form");
                browser.snapshot("consent-step-renewal");
                assertThat(browser.has("#idc-purpose-it-step-ask")).as("answered, not expired").isFalse();
                String day = java.time.format.DateTimeFormatter.ofLocalizedDate(java.time.format.FormatStyle.LONG)
                        .withLocale(java.util.Locale.ENGLISH).withZone(java.time.ZoneOffset.UTC)
                        .format(java.time.Instant.parse(agreed));
                assertThat(browser.find("#idc-renewal-it-step-renew").getText()).isEqualTo("You agreed to"
                        + " \u201cStep renew\u201d on " + day + ". That consent has run out \u2014 do you still want it?");
                assertThat(browser.find("#idc-granted-it-step-renew").isSelected()).as("no longer a yes").isFalse();
                browser.click("#idc-granted-it-step-renew");
                browser.click("#idc-save");
                browser.awaitUrl(callback);
            }
            JsonNode renewed = history(rita).get(0);
            assertThat(renewed.get("state").asText()).isEqualTo("granted");
            assertThat(renewed.get("previous").asText()).isEqualTo("expired");
            assertThat(renewed.get("via").asText()).isEqualTo("login");
            assertThat(history(rita)).hasSize(4); // the admin's two, the expiry, the renewed yes
        } finally {
            api.post(ADMIN + "/consent/purposes/it-step-renew/retire", api.adminToken(), null);
        }
    }

    @Test
    @DisplayName("given a person in two organizations signs in asking for the organization scope, then after choosing"
            + " one the step asks her organization's purpose (not another's), records the answer and the app gets a"
            + " code and the chosen organization"
            + " (Keycloak 26.7's own OAuth consent screen fails there, keycloak/keycloak#52761)")
    void severalOrganizations() throws Exception {
        String realm = "it-orgs";
        String admin = "/admin/realms/" + realm;
        api.copyDemoRealm(realm);
        try {
            String token = api.adminToken();
            assertThat(api.put(admin, token, Map.of("organizationsEnabled", true)).status()).isEqualTo(204);
            ObjectNode client = (ObjectNode) api.get(admin + "/clients?clientId=demo-app", token).json().get(0);
            ((ArrayNode) client.get("redirectUris")).add("http://127.0.0.1:" + app.getAddress().getPort() + "/*");
            assertThat(api.put(admin + "/clients/" + client.get("id").asText(), token, client).status())
                    .isEqualTo(204);
            String olga = api.createUserIn(realm, "orgs-olga");
            for (String brand : List.of("brand-a", "brand-b", "brand-c")) {
                Api.Reply org = api.post(admin + "/organizations", token, Map.of("name", brand.toUpperCase(),
                        "alias", brand, "domains", List.of(Map.of("name", brand + ".example"))));
                assertThat(org.status()).as(org.toString()).isEqualTo(201);
                String location = org.header("Location");
                if (!brand.equals("brand-c")) { // olga is in A and B, not C
                    Api.Reply member = api.send("POST", admin + "/organizations/"
                            + location.substring(location.lastIndexOf('/') + 1) + "/members", token,
                            "\"" + olga + "\"", "Content-Type", "application/json");
                    assertThat(member.status()).as(member.toString()).isEqualTo(201);
                }
            }
            // asked at login: brand B's purpose (hers) and brand C's (not hers: never shown to her)
            for (String[] purpose : new String[][] {{"it-orgs-ask", "brand-b"}, {"it-orgs-c", "brand-c"}}) {
                Api.Reply ask = api.post(admin + "/consent/purposes", token, Map.of("key", purpose[0], "label",
                        "Brand news", "description", "Asked at login.", "mechanism", "opt-in", "askAtLogin", true,
                        "organization", purpose[1]));
                assertThat(ask.status()).as(ask.toString()).isEqualTo(201);
            }

            Api.Authorization auth = api.authorization(realm, callback, "openid organization");
            try (Browser browser = new Browser()) {
                browser.open(auth.url());
                browser.type("#username", "orgs-olga"); // with organizations on, the form asks the username first
                browser.click("#kc-login");
                browser.click("#organization-brand-b"); // Keycloak asks which organization, then the password
                browser.type("#password", "orgs-olga");
                browser.click("#kc-login");
                browser.find("#idc-consent-form");
                assertThat(browser.has("#idc-purpose-it-orgs-ask")).isTrue();
                assertThat(browser.has("#idc-purpose-it-orgs-c")).as("another organization's purpose").isFalse();
                browser.click("#idc-granted-it-orgs-ask");
                browser.click("#idc-save");
                Api.Tokens tokens = api.exchange(browser.awaitUrl(callback), auth);
                assertThat(tokens.accessClaims().get("organization").toString()).contains("brand-b")
                        .doesNotContain("brand-a");
            }
            JsonNode newest = api.get(admin + "/consent/users/" + olga + "/history", api.adminToken()).json()
                    .get("history").get(0);
            assertThat(newest.get("purpose").asText()).isEqualTo("it-orgs-ask");
            assertThat(newest.get("state").asText()).isEqualTo("granted");
            assertThat(newest.get("via").asText()).isEqualTo("login");
        } finally {
            api.delete(admin, api.adminToken());
        }
    }

    // ---- helpers ------------------------------------------------------------------------------------------

    static void createPurpose(Map<String, Object> purpose) {
        Api.Reply r = api.post(ADMIN + "/consent/purposes", api.adminToken(), purpose);
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
    }

    /** A user whose choices an admin sets (reason recorded), so the test controls what the step must ask. */
    static String user(String username, Map<String, Boolean> choices) {
        String id = api.createUser(username);
        List<Map<String, Object>> list = new ArrayList<>();
        choices.forEach((k, v) -> list.add(Map.of("purpose", k, "granted", v)));
        Api.Reply r = api.post(ADMIN + "/consent/users/" + id + "/choices", api.adminToken(),
                Map.of("reason", "test setup", "choices", list));
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return id;
    }

    static Browser login(String username) throws Exception {
        Browser browser = new Browser();
        signIn(browser, api.authorization(Api.REALM, callback, "openid"), username);
        return browser;
    }

    static void signIn(Browser browser, Api.Authorization auth, String username) {
        signIn(browser, auth, username, username);
    }

    static void signIn(Browser browser, Api.Authorization auth, String username, String password) {
        browser.open(auth.url());
        browser.type("#username", username);
        browser.type("#password", password);
        browser.click("#kc-login");
    }

    /** Fills Keycloak's registration form (password {@code <username>-secret-1}); answers the app's authorization. */
    static Api.Authorization register(Browser browser, String username, String email, String firstName) {
        Api.Authorization auth = api.authorization(Api.REALM, callback, "openid");
        browser.open(auth.url().replace("/openid-connect/auth?", "/openid-connect/registrations?"));
        browser.type("#username", username);
        browser.type("#email", email);
        browser.type("#firstName", firstName);
        browser.type("#lastName", "Example");
        browser.type("#password", username + "-secret-1");
        browser.type("#password-confirm", username + "-secret-1");
        browser.find("#kc-register-form").submit();
        return auth;
    }

    /** Newest first. */
    static JsonNode history(String userId) {
        return api.get(ADMIN + "/consent/users/" + userId + "/history", api.adminToken()).json().get("history");
    }

}
