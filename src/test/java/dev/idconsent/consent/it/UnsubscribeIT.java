package dev.idconsent.consent.it;

import static dev.idconsent.consent.it.Api.choice;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import jakarta.mail.internet.MimeMessage;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(KeycloakExtension.class)
@DisplayName("Email channel: one-click unsubscribe links and the sender API")
class UnsubscribeIT {
    static final String SENDERS = "/realms/demo/consent/senders";
    static final String ONE_CLICK = "List-Unsubscribe=One-Click";
    static Api api;
    static String mailer;

    @BeforeAll
    static void setUp() {
        api = new Api(KeycloakExtension.server());
        mailer = api.serviceToken("mailer", "mailer-secret");
    }

    @Test
    @DisplayName("given a one-click POST without cookies, then the purpose is off at once, the next token shows it,"
            + " history says email, and a second POST records nothing")
    void oneClick() {
        String id = api.createUser("ursula");
        Api.Tokens tokens = api.login("ursula");
        JsonNode link = mint(id, "newsletter");
        assertThat(link.at("/headers/List-Unsubscribe").asText()).isEqualTo("<" + link.get("url").asText() + ">");
        assertThat(link.at("/headers/List-Unsubscribe-Post").asText()).isEqualTo(ONE_CLICK);
        // RFC 2919: the purpose's key as the list, under the realm and the server's host; its label as the phrase
        assertThat(link.at("/headers/List-Id").asText()).isEqualTo("\"Newsletter\" <newsletter.demo."
                + java.net.URI.create(KeycloakExtension.server().baseUrl()).getHost() + ">");

        Api.Reply reply = oneClick(link.get("url").asText());

        assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
        assertThat(reply.body()).contains("Unsubscribed from Newsletter");
        assertThat(Api.consent(api.refresh(tokens).accessClaims(), "newsletter")).isFalse();
        JsonNode history = history(id);
        assertThat(history).hasSize(1);
        assertThat(history.get(0).get("via").asText()).isEqualTo("email");
        assertThat(history.get(0).get("channel").asText()).isEqualTo("email");
        assertThat(history.get(0).get("actor").get("id").asText()).isEqualTo(id);

        assertThat(oneClick(link.get("url").asText()).status()).isEqualTo(200);
        assertThat(history(id)).hasSize(1);
    }

    @Test
    @DisplayName("given the link is opened in a browser, then the page changes nothing; its button does; undo"
            + " restores it")
    void pageConfirmAndUndo() throws Exception {
        String id = api.createUser("vera");
        String url = mint(id, "product-updates").get("url").asText();
        try (Browser browser = new Browser()) {
            browser.open(url);
            assertThat(browser.find("#idc-unsubscribe-question").getText()).contains("Product updates");
            assertTitle(browser, "Unsubscribe");
            assertThat(history(id)).isEmpty();
            assertThat(state(id, "product-updates")).isTrue();

            browser.click("#idc-unsubscribe-confirm");
            assertThat(browser.find("#idc-unsubscribe-done").getText()).contains("switched off")
                    .contains("effective now");
            assertTitle(browser, "Unsubscribed");
            assertThat(state(id, "product-updates")).isFalse();
            assertThat(browser.find("#idc-unsubscribe-account").getAttribute("href"))
                    .endsWith("/realms/demo/account/");

            browser.click("#idc-unsubscribe-undo");
            assertThat(browser.find("#idc-unsubscribe-undone").getText()).contains("switched on again");
            assertTitle(browser, "Unsubscribe undone");
        }
        // vera had never answered: undo takes the click's answer back (cleared), it does not record a yes
        assertThat(state(id, "product-updates")).isTrue();
        assertThat(history(id)).extracting(r -> r.get("via").asText() + " " + r.get("state").asText() + " "
                + r.get("capability").asText() + " " + r.get("clientId").asText())
                .containsExactly("email cleared undo-link mailer", "email denied unsubscribe-link mailer");
    }

    @Test
    @DisplayName("given a German-speaking person opens their link in an English browser, then the pages speak the"
            + " person's language, with German titles and headings, and pass axe-core")
    void germanPages() throws Exception {
        String id = germanUser("vera-de");
        String url = mint(id, "product-updates").get("url").asText();
        try (Browser browser = new Browser()) {
            browser.open(url);
            assertThat(browser.find("#idc-unsubscribe-question").getText())
                    .isEqualTo("\u201eProduktneuigkeiten\u201c (E-Mail) nicht mehr erhalten?");
            assertTitle(browser, "Abmelden");
            browser.snapshot("unsubscribe-de"); // the README's picture
            browser.click("#idc-unsubscribe-confirm");
            assertThat(browser.find("#idc-unsubscribe-done").getText()).contains("Produktneuigkeiten", "E-Mail",
                    "ab sofort").doesNotContain("Product updates");
            assertTitle(browser, "Abgemeldet");
            browser.click("#idc-unsubscribe-undo");
            assertTitle(browser, "Abmeldung rückgängig gemacht");
        }
        // both were done on our German page: the rows say so, and the receipt shows her the German words
        JsonNode rows = history(id);
        assertThat(rows).extracting(r -> r.get("capability").asText() + " " + r.get("locale").asText())
                .containsExactly("undo-link de", "unsubscribe-link de");
        JsonNode receipt = api.get("/admin/realms/demo/consent/users/" + id + "/receipt", api.adminToken()).json();
        assertThat(receipt.get("history")).extracting(r -> r.get("text").get("label").asText())
                .containsOnly("Produktneuigkeiten");
        // a link's pages (which a mail scanner may prefetch) record no served notice
        assertThat(receipt.get("notices")).isEmpty();
    }

    @Test
    @DisplayName("given an unsubscribe link, then it can never subscribe anyone, also not through undo")
    void linkCannotSubscribe() {
        String id = api.createUser("una");
        String url = mint(id, "newsletter").get("url").asText();
        assertThat(oneClick(url).status()).isEqualTo(200);

        Api.Reply undoByLink = api.send("POST", url, null, "idc-action=undo",
                "Content-Type", "application/x-www-form-urlencoded");
        Api.Reply undoWithLinkToken = api.send("POST", base(url) + "/undo" + url.substring(url.indexOf('?')), null,
                "", "Content-Type", "application/x-www-form-urlencoded", "Accept", "text/html");

        assertThat(undoByLink.status()).isEqualTo(400);
        assertThat(undoWithLinkToken.status()).isEqualTo(400);
        assertThat(undoWithLinkToken.body()).contains("not an undo request");
        assertThat(state(id, "newsletter")).isFalse();
        assertThat(history(id)).hasSize(1);
        assertThat(history(id).get(0).has("locale")).as("a mail client's one-click POST shows no words").isFalse();
    }

    @Test
    @DisplayName("given a tampered, expired, wrong-realm or wrong-type token, then nothing changes and the page says"
            + " why")
    void badLinks() throws Exception {
        String id = api.createUser("wanda");
        String url = mint(id, "newsletter").get("url").asText();
        String tampered = url.substring(0, url.length() - 3) + (url.endsWith("AAA") ? "BBB" : "AAA");
        assertRefused(tampered, "altered");

        Api.Reply brief = api.post(SENDERS + "/links", mailer, Map.of("user", id, "purpose", "newsletter",
                "expiresInSeconds", 1));
        Thread.sleep(2100);
        assertRefused(brief.json().get("url").asText(), "expired");

        String refreshToken = api.login("wanda").refresh(); // signed with the same realm key
        assertRefused(base(url) + "?token=" + refreshToken, "not an unsubscribe link");

        ObjectNode other = LifecycleIT.demoRealm();
        LifecycleIT.withoutIds(other);
        other.put("realm", "elsewhere");
        assertThat(api.post("/admin/realms", api.adminToken(), other).status()).isEqualTo(201);
        String elsewhereMailer = api.send("POST", "/realms/elsewhere/protocol/openid-connect/token", null,
                "grant_type=client_credentials&client_id=mailer&client_secret=mailer-secret",
                "Content-Type", "application/x-www-form-urlencoded").json().get("access_token").asText();
        String aliceElsewhere = api.get("/admin/realms/elsewhere/users?exact=true&username=alice", api.adminToken())
                .json().get(0).get("id").asText();
        String foreign = api.post("/realms/elsewhere/consent/senders/links", elsewhereMailer,
                Map.of("user", aliceElsewhere, "purpose", "newsletter")).json().get("url").asText();
        assertRefused(url.substring(0, url.indexOf("?")) + foreign.substring(foreign.indexOf("?")), "another realm");

        assertThat(history(id)).isEmpty();
        assertThat(state(id, "newsletter")).isTrue();
    }

    @Test
    @DisplayName("given the sender role, then it mints links and reads audiences and nothing else; others get 403")
    void senderRole() {
        String bob = api.login("bob").access();
        String bobId = api.userId("bob");
        assertThat(api.post(SENDERS + "/links", bob, Map.of("user", bobId, "purpose", "newsletter")).status())
                .isEqualTo(403);
        assertThat(api.get(SENDERS + "/audience?purpose=newsletter", bob).status()).isEqualTo(403);
        assertThat(api.get(SENDERS + "/audience?purpose=newsletter", null).status()).isEqualTo(401);
        assertThat(api.get("/admin/realms/demo/consent/purposes", mailer).status()).isEqualTo(403);
        assertThat(api.get("/admin/realms/demo/consent/users/" + bobId, mailer).status()).isEqualTo(403);
        assertThat(api.get("/admin/realms/demo/users", mailer).status()).isEqualTo(403);
    }

    @Test
    @DisplayName("given an audience is read page by page, then every eligible user appears exactly once and opted-out"
            + " users never; a page holds up to 10,000 people, more is refused")
    void audience() {
        String out = api.createUser("xena");
        api.choose(api.login("xena").access(), List.of(choice("newsletter", false)));
        String in = api.createUser("yara");
        api.choose(api.login("yara").access(), List.of(choice("analytics", true)));
        ObjectNode rep = (ObjectNode) api.get("/admin/realms/demo/users/" + in, api.adminToken()).json();
        rep.putObject("attributes").putArray("locale").add("de");
        assertThat(api.put("/admin/realms/demo/users/" + in, api.adminToken(), rep).status()).isEqualTo(204);

        List<String> pages = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        String cursor = null;
        int calls = 0;
        do {
            Api.Reply page = api.get(SENDERS + "/audience?purpose=newsletter&max=3"
                    + (cursor == null ? "" : "&cursor=" + cursor), mailer);
            assertThat(page.status()).as(page.toString()).isEqualTo(200);
            for (JsonNode user : page.json().get("users")) {
                pages.add(user.get("id").asText());
                assertThat(seen.add(user.get("id").asText())).as("listed twice").isTrue();
                assertThat(user.get("email").asText()).contains("@");
                assertThat(user.get("unsubscribe").asText()).contains("/consent/unsubscribe?token=");
                // the page reads locales in one query for all its users: each user still gets their own
                if (user.get("id").asText().equals(in)) {
                    assertThat(user.get("locale").asText()).isEqualTo("de");
                } else if (user.get("id").asText().equals(out)) {
                    throw new AssertionError("an opted-out user is in the audience");
                }
            }
            cursor = page.json().get("next").isNull() ? null : page.json().get("next").asText();
        } while (cursor != null && ++calls < 100);

        Set<String> expected = new HashSet<>();
        for (JsonNode user : api.get("/admin/realms/demo/users?max=10000&briefRepresentation=true", api.adminToken())
                .json()) {
            String id = user.get("id").asText();
            // email audiences list verified addresses only
            if (user.path("enabled").asBoolean() && user.hasNonNull("email") && user.path("emailVerified").asBoolean()
                    && state(id, "newsletter")) {
                expected.add(id);
            }
        }
        assertThat(pages).containsExactlyInAnyOrderElementsOf(expected).doesNotContain(out).contains(in);

        // a mailer reads a whole audience in pages of up to 10,000: this realm's is one page, the same people
        Api.Reply whole = api.get(SENDERS + "/audience?purpose=newsletter&max=10000", mailer);
        assertThat(whole.status()).as(whole.toString()).isEqualTo(200);
        assertThat(whole.json().get("next").isNull()).isTrue();
        List<String> inOneRead = new ArrayList<>();
        whole.json().get("users").forEach(u -> inOneRead.add(u.get("id").asText()));
        assertThat(inOneRead).containsExactlyInAnyOrderElementsOf(expected);
        Api.Reply tooMany = api.get(SENDERS + "/audience?purpose=newsletter&max=10001", mailer);
        assertThat(tooMany.status()).isEqualTo(400);
        assertThat(tooMany.json().get("message").asText()).isEqualTo("\"max\" must be between 1 and 10000");

        List<String> analytics = new ArrayList<>();
        api.get(SENDERS + "/audience?purpose=analytics&max=1000", mailer).json().get("users")
                .forEach(u -> analytics.add(u.get("id").asText()));
        assertThat(analytics).contains(in).doesNotContain(out);
    }

    @Test
    @DisplayName("given the links of an audience page, then one works like a minted link; asked without links, the"
            + " page has the same people and no links; anything else is refused")
    void audienceLinks() {
        String id = api.createUser("yvette");
        Api.Tokens tokens = api.login("yvette");
        String page = SENDERS + "/audience?purpose=newsletter&max=1000";
        JsonNode withLinks = api.get(page, mailer).json().get("users");
        JsonNode without = api.get(page + "&links=false", mailer).json().get("users");
        assertThat(without).hasSameSizeAs(withLinks).allSatisfy(u -> assertThat(u.get("unsubscribe").isNull()).isTrue());
        for (int i = 0; i < withLinks.size(); i++) {
            assertThat(without.get(i).get("id")).isEqualTo(withLinks.get(i).get("id"));
        }
        String link = null;
        for (JsonNode user : withLinks) {
            if (user.get("id").asText().equals(id)) {
                link = user.get("unsubscribe").asText();
            }
        }
        assertThat(link).as("yvette is in the newsletter audience").isNotNull();

        assertThat(oneClick(link).status()).isEqualTo(200);
        assertThat(Api.consent(api.refresh(tokens).accessClaims(), "newsletter")).isFalse();
        assertThat(history(id).get(0).get("clientId").asText()).isEqualTo("mailer");

        Api.Reply bad = api.get(page + "&links=no", mailer);
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().get("message").asText()).contains("\"links\"");
    }

    @Test
    @DisplayName("given confirmation emails are on, then changes from a link or an admin are confirmed by mail in the"
            + " user's locale, and changes the user makes in an app are not")
    @DisabledIfSystemProperty(named = "it.backend", matches = "container", disabledReason = "the test's SMTP server"
            + " listens on the test machine's loopback, which a server in a container cannot reach")
    void confirmationEmails() throws Exception {
        GreenMail smtp = smtp(api);
        String admin = api.adminToken();
        try {
            Api.Reply settings = api.put("/admin/realms/demo/consent/settings", admin,
                    Map.of("confirmationEmails", true));
            assertThat(settings.json().get("confirmationEmails").asBoolean()).isTrue();
            String zoe = germanUser("zoe");
            String zack = api.createUser("zack");

            assertThat(oneClick(mint(zoe, "product-updates").get("url").asText()).status()).isEqualTo(200);
            assertThat(smtp.waitForIncomingEmail(15000, 1)).isTrue();
            MimeMessage german = smtp.getReceivedMessages()[0];
            assertThat(german.getAllRecipients()[0].toString()).isEqualTo("zoe@example.com");
            assertThat(german.getSubject()).isEqualTo("Ihre Einstellungen wurden geändert");
            // the purpose and channel in her language, from the catalog's German words
            assertThat(plainText(german)).contains("über einen Link").contains("- Produktneuigkeiten (E-Mail): aus")
                    .doesNotContain("Product updates");

            api.post("/admin/realms/demo/consent/users/" + zack + "/choices", admin, Map.of("reason", "by phone",
                    "choices", List.of(choice("analytics", true))));
            api.choose(api.login("zack").access(), List.of(choice("sms-reminders", true))); // no mail for this
            assertThat(smtp.waitForIncomingEmail(15000, 2)).isTrue();
            Thread.sleep(1500);
            assertThat(smtp.getReceivedMessages()).hasSize(2);
            MimeMessage english = smtp.getReceivedMessages()[1];
            assertThat(english.getSubject()).isEqualTo("Your choices have changed");
            assertThat(plainText(english)).contains("An administrator changed your choices")
                    .contains("Usage analytics");
        } finally {
            api.put("/admin/realms/demo/consent/settings", api.adminToken(), Map.of("confirmationEmails", false));
            smtp.stop();
        }
    }

    @Test
    @DisplayName("given double opt-in, then a yes is pending (not in the token) until the emailed link is confirmed,"
            + " which records a second row")
    @DisabledIfSystemProperty(named = "it.backend", matches = "container", disabledReason = "the test's SMTP server"
            + " listens on the test machine's loopback, which a server in a container cannot reach")
    void doubleOptIn() throws Exception {
        GreenMail smtp = smtp(api);
        try {
            Api.Reply created = api.post("/admin/realms/demo/consent/purposes", api.adminToken(), Map.of(
                    "key", "it-digest", "label", "Weekly digest", "mechanism", "opt-in", "channels", List.of("email"),
                    "doubleOptIn", true));
            assertThat(created.status()).as(created.toString()).isEqualTo(201);
            String id = api.createUser("quincy");
            Api.Tokens tokens = api.login("quincy");

            Api.Reply yes = api.choose(tokens.access(), List.of(choice("it-digest", true)));

            JsonNode state = Api.purpose(yes.json(), "it-digest");
            assertThat(state.get("granted").asBoolean()).isFalse();
            assertThat(state.at("/states/0/state").asText()).isEqualTo("pending");
            assertThat(Api.consent(api.refresh(tokens).accessClaims(), "it-digest")).isFalse();
            assertThat(smtp.waitForIncomingEmail(15000, 1)).isTrue();
            MimeMessage mail = smtp.getReceivedMessages()[0];
            assertThat(mail.getSubject()).isEqualTo("Please confirm your subscription");
            java.util.regex.Matcher link = java.util.regex.Pattern.compile("(http\\S+/consent/confirm\\?token=\\S+)")
                    .matcher(plainText(mail));
            assertThat(link.find()).isTrue();

            try (Browser browser = new Browser()) {
                browser.open(link.group(1));
                assertThat(browser.find("#idc-confirm-question").getText()).contains("Weekly digest");
                assertTitle(browser, "Confirm your subscription");
                assertThat(state(id, "it-digest")).isFalse(); // opening the link changes nothing
                browser.click("#idc-confirm-button");
                assertThat(browser.find("#idc-confirm-done").getText()).contains("confirmed");
                assertTitle(browser, "Subscription confirmed");
            }
            assertThat(state(id, "it-digest")).isTrue();
            assertThat(Api.consent(api.refresh(tokens).accessClaims(), "it-digest")).isTrue();
            assertThat(history(id)).extracting(r -> r.get("via").asText() + " " + r.get("state").asText())
                    .containsExactly("email granted", "api pending");
        } finally {
            api.post("/admin/realms/demo/consent/purposes/it-digest/retire", api.adminToken(), null);
            smtp.stop();
        }
    }

    @Test
    @DisplayName("given double opt-in for a German-speaking person, then the mail and the confirmation page name the"
            + " purpose in German, and both rows record de")
    @DisabledIfSystemProperty(named = "it.backend", matches = "container", disabledReason = "the test's SMTP server"
            + " listens on the test machine's loopback, which a server in a container cannot reach")
    void doubleOptInGerman() throws Exception {
        GreenMail smtp = smtp(api);
        try {
            Api.Reply created = api.post("/admin/realms/demo/consent/purposes", api.adminToken(), Map.of(
                    "key", "it-digest-de", "label", "Weekly digest", "mechanism", "opt-in", "channels",
                    List.of("email"), "doubleOptIn", true, "translations", Map.of("de",
                            Map.of("label", "Wöchentliche Übersicht"))));
            assertThat(created.status()).as(created.toString()).isEqualTo(201);
            String id = germanUser("quirin");
            Api.Tokens tokens = api.login("quirin");

            // the app showed the German words and says so
            Api.Reply yes = api.post("/realms/demo/consent/me/choices", tokens.access(), Map.of("locale", "de",
                    "choices", List.of(Map.of("purpose", "it-digest-de", "granted", true, "version", 1))));
            assertThat(yes.status()).as(yes.toString()).isEqualTo(200);
            assertThat(smtp.waitForIncomingEmail(15000, 1)).isTrue();
            MimeMessage mail = smtp.getReceivedMessages()[0];
            assertThat(mail.getSubject()).isEqualTo("Bitte bestätigen Sie Ihre Anmeldung");
            assertThat(plainText(mail)).contains("„Wöchentliche Übersicht“").doesNotContain("Weekly digest");
            java.util.regex.Matcher link = java.util.regex.Pattern.compile("(http\\S+/consent/confirm\\?token=\\S+)")
                    .matcher(plainText(mail));
            assertThat(link.find()).isTrue();

            try (Browser browser = new Browser()) {
                browser.open(link.group(1));
                assertThat(browser.find("#idc-confirm-question").getText())
                        .isEqualTo("Bestätigen, dass Sie „Wöchentliche Übersicht“ erhalten möchten?");
                assertTitle(browser, "Anmeldung bestätigen");
                browser.click("#idc-confirm-button");
                assertThat(browser.find("#idc-confirm-done").getText()).contains("Wöchentliche Übersicht");
            }
            assertThat(history(id)).extracting(r -> r.get("via").asText() + " " + r.get("state").asText() + " "
                    + r.get("locale").asText()).containsExactly("email granted de", "api pending de");
        } finally {
            api.post("/admin/realms/demo/consent/purposes/it-digest-de/retire", api.adminToken(), null);
            smtp.stop();
        }
    }

    // ---- helpers ------------------------------------------------------------------------------------------

    /** A new person whose profile says they speak German. */
    static String germanUser(String username) {
        String id = api.createUser(username);
        ObjectNode rep = (ObjectNode) api.get("/admin/realms/demo/users/" + id, api.adminToken()).json();
        rep.putObject("attributes").putArray("locale").add("de");
        assertThat(api.put("/admin/realms/demo/users/" + id, api.adminToken(), rep).status()).isEqualTo(204);
        return id;
    }

    /** A real SMTP server on a free port, set as the demo realm's mail server. */
    static GreenMail smtp(Api api) {
        GreenMail smtp = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
        smtp.start();
        Api.Reply r = api.put("/admin/realms/demo", api.adminToken(), Map.of("smtpServer", Map.of(
                "host", "127.0.0.1", "port", String.valueOf(smtp.getSmtp().getPort()), "from", "consent@example.com")));
        assertThat(r.status()).as(r.toString()).isEqualTo(204);
        return smtp;
    }

    /** The text/plain part of a mail, decoded as a mail client shows it. */
    static String plainText(MimeMessage message) throws Exception {
        if (message.getContent() instanceof jakarta.mail.Multipart parts) {
            for (int i = 0; i < parts.getCount(); i++) {
                if (parts.getBodyPart(i).isMimeType("text/plain")) {
                    return parts.getBodyPart(i).getContent().toString();
                }
            }
        }
        return message.getContent().toString();
    }

    static JsonNode mint(String userId, String purpose) {
        Api.Reply r = api.post(SENDERS + "/links", mailer, Map.of("user", userId, "purpose", purpose));
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json();
    }

    /** What a mail provider does: a POST with the one-click body and nothing else (no cookie, no token). */
    static Api.Reply oneClick(String url) {
        return api.send("POST", url, null, ONE_CLICK, "Content-Type", "application/x-www-form-urlencoded");
    }

    static void assertRefused(String url, String reason) {
        Api.Reply page = api.get(url, null, "Accept", "text/html");
        assertThat(page.status()).isEqualTo(400);
        assertThat(page.body()).contains(reason).contains("/realms/demo/account/")
                .contains("<title>This link cannot be used – ");
        Api.Reply post = oneClick(url);
        assertThat(post.status()).isEqualTo(400);
        assertThat(post.body()).contains("invalid_link").contains(reason);
    }

    static String base(String url) {
        return url.substring(0, url.indexOf('?'));
    }

    static JsonNode history(String userId) {
        return api.get("/admin/realms/demo/consent/users/" + userId + "/history", api.adminToken()).json()
                .get("history");
    }

    static boolean state(String userId, String purpose) {
        return Api.purpose(api.get("/admin/realms/demo/consent/users/" + userId, api.adminToken()).json(), purpose)
                .get("granted").asBoolean();
    }

    /** Each state of a link page has its own heading, and the tab says the same (not "Sign in to …"). */
    static void assertTitle(Browser browser, String heading) throws Exception {
        browser.awaitText("#kc-page-title", heading); // the page after a click may still be loading
        assertThat(browser.find("#kc-page-title").getText()).isEqualTo(heading);
        assertThat(browser.script("return document.title")).asString().startsWith(heading + " – ");
        assertThat(browser.axe("#kc-page-title", "#idc-unsubscribe", "#idc-confirm")).as("axe-core, WCAG 2.2 AA")
                .isEmpty();
    }
}
