package dev.idconsent.consent.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.icegreen.greenmail.util.GreenMail;
import jakarta.mail.Multipart;
import jakarta.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What an attacker could try beyond malformed input (see {@link HostileInputIT}): markup in purpose texts,
 * forged and replayed link tokens, and tokens without the right role on admin and sender endpoints. Cross-user
 * and cross-realm access is in {@link UserApiIT}; tampered, expired, wrong-realm and wrong-type links in
 * {@link UnsubscribeIT}.
 */
@ExtendWith(KeycloakExtension.class)
@DisplayName("Security: escaping, forged links, roles")
class SecurityIT {
    static final String ADMIN = "/admin/realms/demo/consent";
    static final String LABEL = "Deals <img src=x onerror=window.idcXss=1> & <b>more</b>";
    static final String DESCRIPTION = "<script>window.idcXss=2</script>Read \"this\" & 'that'.";
    static Api api;

    @BeforeAll
    static void setUp() {
        api = new Api(KeycloakExtension.server());
        UnsubscribeIT.setUp(); // its link helpers and the sender's token
        Api.Reply created = api.post(ADMIN + "/purposes", api.adminToken(), Map.of("key", "it-sec-markup",
                "label", LABEL, "description", DESCRIPTION, "mechanism", "opt-out", "channels", List.of("email"),
                "category", "communications"));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
    }

    @AfterAll
    static void tearDown() {
        api.post(ADMIN + "/purposes/it-sec-markup/retire", api.adminToken(), null);
    }

    @Test
    @DisplayName("given markup and script in a purpose's texts, then the account page, the consent step and the"
            + " unsubscribe page show them as text and run nothing")
    void pagesEscape() throws Exception {
        String id = api.createUser("sec-sam");
        try (Browser browser = AccountPageIT.signIn("sec-sam", "/communication-privacy")) {
            browser.find("#idc-switch-it-sec-markup-email");
            assertShownAsText(browser);
        }
        try (Browser browser = new Browser()) {
            Api.Authorization review = api.authorization(Api.REALM, Api.APP_REDIRECT, "openid",
                    "kc_action", "idc-consent-step");
            browser.open(review.url());
            browser.type("#username", "sec-sam");
            browser.type("#password", "sec-sam");
            browser.click("#kc-login");
            browser.find("#idc-purpose-it-sec-markup");
            assertShownAsText(browser);
        }
        String link = UnsubscribeIT.mint(id, "it-sec-markup").get("url").asText();
        try (Browser browser = new Browser()) {
            browser.open(link);
            browser.awaitText("Deals");
            assertShownAsText(browser, false); // this page names the purpose only
        }
    }

    @Test
    @DisplayName("given markup in a purpose's label, then the confirmation email's HTML escapes it")
    void emailEscapes() throws Exception {
        GreenMail smtp = UnsubscribeIT.smtp(api);
        try {
            api.put(ADMIN + "/settings", api.adminToken(), Map.of("confirmationEmails", true));
            String id = api.createUser("sec-sue");
            String link = UnsubscribeIT.mint(id, "it-sec-markup").get("url").asText();
            assertThat(UnsubscribeIT.oneClick(link).status()).isEqualTo(200);
            assertThat(smtp.waitForIncomingEmail(15000, 1)).isTrue();
            MimeMessage mail = smtp.getReceivedMessages()[0];
            String html = part(mail, "text/html");
            assertThat(html).contains("Deals &lt;img src=x onerror=window.idcXss=1&gt; &amp; &lt;b&gt;more&lt;/b&gt;")
                    .doesNotContain("<img").doesNotContain("<b>more");
        } finally {
            api.put(ADMIN + "/settings", api.adminToken(), Map.of("confirmationEmails", false));
            smtp.stop();
        }
    }

    @Test
    @DisplayName("given a real link token re-signed with another key, unsigned, algorithm-swapped or re-pointed,"
            + " then nothing changes; replaying the real one changes nothing more")
    void forgedLinks() throws Exception {
        String id = api.createUser("sec-vic");
        String other = api.createUser("sec-val");
        String url = UnsubscribeIT.mint(id, "newsletter").get("url").asText();
        String token = url.substring(url.indexOf("token=") + 6);
        String[] parts = token.split("\\.");
        ObjectNode header = (ObjectNode) Api.JSON.readTree(Base64.getUrlDecoder().decode(parts[0]));
        ObjectNode payload = (ObjectNode) Api.JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));

        String wrongKey = parts[0] + "." + parts[1] + "." + hmac(parts[0] + "." + parts[1], "not the realm's key");
        String unsigned = encode(header.deepCopy().put("alg", "none")) + "." + parts[1] + ".";
        String swapped = encode(header.deepCopy().put("alg", "RS256")) + "." + parts[1] + "." + parts[2];
        String hs512 = encode(header.deepCopy().put("alg", "HS512")) + "." + parts[1] + "." + parts[2];
        String repointed = parts[0] + "." + encode(payload.deepCopy().put("sub", other)) + "." + parts[2];
        for (String forged : List.of(wrongKey, unsigned, swapped, hs512, repointed)) {
            Api.Reply reply = UnsubscribeIT.oneClick(UnsubscribeIT.base(url) + "?token=" + forged);
            assertThat(reply.status()).as(forged).isEqualTo(400);
            assertThat(reply.body()).contains("invalid_link");
        }
        assertThat(UnsubscribeIT.history(id)).isEmpty();
        assertThat(UnsubscribeIT.history(other)).isEmpty();

        assertThat(UnsubscribeIT.oneClick(url).status()).isEqualTo(200);
        assertThat(UnsubscribeIT.oneClick(url).status()).isEqualTo(200);
        assertThat(UnsubscribeIT.history(id)).hasSize(1);
        assertThat(UnsubscribeIT.state(other, "newsletter")).isTrue();
    }

    @Test
    @DisplayName("given a user's or a sender's token, then every admin endpoint refuses it; a user's token is refused"
            + " by the sender endpoints")
    void roles() {
        String id = api.createUser("sec-una");
        String user = api.login("sec-una").access();
        String before = api.get(ADMIN + "/users/" + id, api.adminToken()).body();
        for (String token : List.of(user, UnsubscribeIT.mailer)) {
            for (String[] call : List.of(
                    new String[] {"GET", ADMIN + "/purposes"},
                    new String[] {"POST", ADMIN + "/purposes"},
                    new String[] {"PUT", ADMIN + "/purposes/newsletter"},
                    new String[] {"POST", ADMIN + "/purposes/newsletter/retire"},
                    new String[] {"GET", ADMIN + "/purposes/newsletter/texts"},
                    new String[] {"PUT", ADMIN + "/purposes/partner-sharing/scopes"},
                    new String[] {"GET", ADMIN + "/settings"},
                    new String[] {"PUT", ADMIN + "/settings"},
                    new String[] {"GET", ADMIN + "/integrity"},
                    new String[] {"POST", ADMIN + "/reconcile"},
                    new String[] {"GET", ADMIN + "/suppressions"},
                    new String[] {"POST", ADMIN + "/suppressions/remove"},
                    new String[] {"GET", ADMIN + "/users/" + id},
                    new String[] {"GET", ADMIN + "/users/" + id + "/history"},
                    new String[] {"POST", ADMIN + "/users/" + id + "/choices"})) {
                Object body = call[0].equals("GET") ? null : Map.of("reason", "x", "choices",
                        List.of(Api.choice("analytics", true)), "confirmationEmails", true);
                Api.Reply reply = api.send(call[0], call[1], token, body);
                assertThat(reply.status()).as(call[0] + " " + call[1] + " " + reply).isIn(401, 403);
            }
        }
        Api.Reply links = api.post(UnsubscribeIT.SENDERS + "/links", user,
                Map.of("user", id, "purpose", "newsletter"));
        assertThat(links.status()).as(links.toString()).isEqualTo(403);
        Api.Reply audience = api.get(UnsubscribeIT.SENDERS + "/audience?purpose=newsletter", user);
        assertThat(audience.status()).as(audience.toString()).isEqualTo(403);
        assertThat(api.get(ADMIN + "/users/" + id, api.adminToken()).body()).isEqualTo(before);
        assertThat(api.get(ADMIN + "/settings", api.adminToken()).json().get("confirmationEmails").asBoolean())
                .isFalse();
    }

    @Test
    @DisplayName("given a user at the consent step, then a form another site posts to Keycloak (without the page's"
            + " session code and tab id) records nothing")
    void crossSitePost() throws Exception {
        String id = api.createUser("sec-cora");
        String keycloak = KeycloakExtension.server().baseUrl();
        String attack = "<html><body><form id='f' method='post' action='" + keycloak
                + "/realms/demo/login-actions/required-action?execution=idc-consent-step&client_id=demo-app'>"
                + "<input name='shown' value='partner-sharing'><input name='granted.partner-sharing' value='on'>"
                + "<input name='idc-action' value='accept-all'></form>"
                + "<script>document.getElementById('f').submit()</script></body></html>";
        com.sun.net.httpserver.HttpServer site = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        site.createContext("/", exchange -> {
            byte[] page = attack.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/html");
            exchange.sendResponseHeaders(200, page.length);
            exchange.getResponseBody().write(page);
            exchange.close();
        });
        site.start();
        try (Browser browser = new Browser()) {
            browser.open(api.authorization(Api.REALM, Api.APP_REDIRECT, "openid", "kc_action", "idc-consent-step")
                    .url());
            browser.type("#username", "sec-cora");
            browser.type("#password", "sec-cora");
            browser.click("#kc-login");
            browser.find("#idc-consent-form");

            browser.open("http://localhost:" + site.getAddress().getPort() + "/");
            browser.awaitUrl(keycloak);
            browser.snapshot("csrf-answer");
            Thread.sleep(1000); // the answer page has rendered
        } finally {
            site.stop(0);
        }
        assertThat(UnsubscribeIT.history(id)).isEmpty();
        assertThat(UnsubscribeIT.state(id, "partner-sharing")).isFalse();
    }

    // ---- helpers ------------------------------------------------------------------------------------------

    static void assertShownAsText(Browser browser) {
        assertShownAsText(browser, true);
    }

    static void assertShownAsText(Browser browser, boolean withDescription) {
        String text = browser.awaitText(LABEL);
        if (withDescription) {
            assertThat(text).contains("<script>window.idcXss=2</script>Read \"this\" & 'that'.");
        }
        assertThat(browser.script("return window.idcXss === undefined")).isEqualTo(true);
        assertThat(browser.script("return document.querySelectorAll('img[src=x]').length")).isEqualTo(0L);
    }

    static String part(MimeMessage message, String type) throws Exception {
        Multipart parts = (Multipart) message.getContent();
        for (int i = 0; i < parts.getCount(); i++) {
            if (parts.getBodyPart(i).isMimeType(type)) {
                return parts.getBodyPart(i).getContent().toString();
            }
        }
        throw new AssertionError("no " + type + " part");
    }

    static String encode(JsonNode json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.toString().getBytes(StandardCharsets.UTF_8));
    }

    static String hmac(String data, String key) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal(data.getBytes(StandardCharsets.UTF_8)));
    }
}
