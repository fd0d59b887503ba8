package dev.idconsent.consent.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.Keys;
import org.openqa.selenium.support.ui.Select;

/**
 * The "Communication & privacy" page of the account console (theme {@code idc}, built from
 * {@code @keycloak/keycloak-account-ui} 26.7.3), in real headless Chromium. Each test signs in as its own user.
 */
@ExtendWith(KeycloakExtension.class)
// The pages call the same REST endpoints and the same ConsentService as the API suites, which run on every
// database; what a page shows does not depend on the database, so the browser suites run on H2 only (.ci/run).
@EnabledIfSystemProperty(named = "it.db", matches = "h2", disabledReason = "a browser suite: runs on H2 only")
@DisplayName("Account console: Communication & privacy page")
class AccountPageIT {
    static final String ADMIN = "/admin/realms/demo";
    static Api api;

    @BeforeAll
    static void setUp() {
        api = new Api(KeycloakExtension.server());
    }

    @AfterAll
    static void tearDown() { // in case a test failed before retiring its purpose
        List.of("it-account-bump", "it-account-multi", "it-account-renew", "it-account-updated",
                "it-account-updated-de")
                .forEach(AccountPageIT::retire);
    }

    /** Purposes a test creates leave with it, so other tests (and the README's picture) see only the demo's. */
    static void retire(String key) {
        api.post(ADMIN + "/consent/purposes/" + key + "/retire", api.adminToken(), null);
    }

    @Test
    @DisplayName("given a user switches the newsletter off, then a confirmation says so, the switch stays off after"
            + " a reload, the history shows it, the next token says false, and the downloaded record holds it")
    void switchOff() throws Exception {
        String id = api.createUser("acc-ann");
        try (Browser browser = signIn("acc-ann", "/communication-privacy")) {
            browser.find("#idc-switch-newsletter-email");
            assertThat(browser.find("#idc-switch-newsletter-email").isSelected()).isTrue();
            assertThat(browser.text()).contains("Communication & privacy", "Newsletter", "Communications",
                    "Use of your data", "You're subscribed unless you opt out", "Only with your consent",
                    "Always on — required for your account", "On by default — you haven't chosen yet");
            assertThat(browser.find("#idc-switch-security-alerts-email").isEnabled()).isFalse();
            assertThat(browser.find("#idc-switch-newsletter-email").getAttribute("aria-label"))
                    .isEqualTo("Newsletter by email");

            browser.click("label[for='idc-switch-newsletter-email']");
            assertThat(browser.awaitText("Newsletter by email: Off. Your change is saved and effective now."))
                    .isNotNull();
            browser.snapshot("account-page"); // the README's picture
            assertThat(browser.find("#idc-switch-newsletter-email-status").getText())
                    .startsWith("Off since ").endsWith(", changed by you here");
            browser.reload();
            browser.awaitText("#idc-switch-newsletter-email-status", "changed by you here");
            assertThat(browser.find("#idc-switch-newsletter-email").isSelected()).isFalse();
            assertThat(browser.find("#idc-history").getText()).contains("Newsletter by email", "On (default) → Off",
                    "changed by you here");

            Path downloads = Files.createTempDirectory("idc-downloads-");
            browser.downloadTo(downloads);
            browser.click("#idc-download");
            Path file = awaitFile(downloads);
            JsonNode record = Api.JSON.readTree(file.toFile());
            assertThat(file.getFileName().toString()).startsWith("consent-record-demo-");
            assertThat(record.get("subject").asText()).isEqualTo(id);
            assertThat(record.get("username").asText()).isEqualTo("acc-ann");
            assertThat(Api.purpose(record, "newsletter").get("granted").asBoolean()).isFalse();
            assertThat(record.get("history").get(0).get("purpose").asText()).isEqualTo("newsletter");
            assertThat(record.get("history").get(0).get("version").asInt()).isEqualTo(1);
            assertThat(record.get("history").get(0).at("/text/label").asText()).isEqualTo("Newsletter");
            assertThat(record.get("history").get(0).get("via").asText()).isEqualTo("account");

            Path signedDownloads = Files.createTempDirectory("idc-downloads-");
            browser.downloadTo(signedDownloads);
            browser.click("#idc-download-signed");
            Path signed = awaitFile(signedDownloads, ".jws");
            assertThat(signed.getFileName().toString()).startsWith("consent-record-demo-").endsWith(".jws");
            String jws = Files.readString(signed).trim();
            assertThat(ReceiptIT.verifies(api, "demo", jws)).as("the signed copy verifies against the realm's keys")
                    .isTrue();
            assertThat(ReceiptIT.payload(jws).get("history")).isEqualTo(record.get("history"));
        }
        Api.Tokens tokens = api.login("acc-ann");
        assertThat(Api.consent(tokens.idClaims(), "newsletter")).isFalse();
        assertThat(Api.consent(tokens.accessClaims(), "product-updates")).isTrue();
        JsonNode row = api.get(ADMIN + "/consent/users/" + id + "/history", api.adminToken()).json()
                .get("history").get(0);
        assertThat(row.get("via").asText()).isEqualTo("account");
        assertThat(row.get("clientId").asText()).isEqualTo("account-console");
    }

    @Test
    @DisplayName("given a keyboard user, then Space on a focused switch changes it, focus stays on the switch and"
            + " the status region (there from the start) says the result")
    void keyboard() throws Exception {
        api.createUser("acc-kim");
        try (Browser browser = signIn("acc-kim", "/communication-privacy")) {
            browser.find("#idc-switch-analytics");
            assertThat(browser.find("#idc-status").getAttribute("aria-live")).isEqualTo("polite");
            assertThat(browser.find("#idc-status").getAttribute("role")).isEqualTo("status");
            assertThat(browser.find("#idc-switch-analytics").isSelected()).isFalse();
            browser.press("#idc-switch-analytics", Keys.SPACE);
            browser.awaitTextContent("#idc-status", "Usage analytics: On. Your change is saved and effective now.");
            assertThat(browser.find("#idc-switch-analytics").isSelected()).isTrue();
            assertThat(browser.script("return document.activeElement.id")).as("focus stays on the switch")
                    .isEqualTo("idc-switch-analytics");
            browser.press("#idc-switch-analytics", Keys.SPACE);
            browser.awaitTextContent("#idc-status", "Usage analytics: Off. Your change is saved and effective now.");
            browser.press("#idc-switch-analytics", Keys.SPACE);
            browser.awaitTextContent("#idc-status", "Usage analytics: On. Your change is saved and effective now.");
            assertThat(browser.script("return document.activeElement.id")).isEqualTo("idc-switch-analytics");
            assertThat(browser.axe("[id^='idc-']")).as("axe-core, WCAG 2.2 AA, on the plugin's markup").isEmpty();
            // the check can fail: an image without a text alternative planted in the page is reported
            browser.script("document.getElementById('idc-status').insertAdjacentHTML('afterend',"
                    + " '<img id=\"idc-axe-control\" src=\"x.png\">')");
            assertThat(browser.axe("[id^='idc-']")).anyMatch(v -> v.startsWith("image-alt:"));
        }
        assertThat(Api.consent(api.login("acc-kim").idClaims(), "analytics")).isTrue();
    }

    @Test
    @DisplayName("given 'opt out of everything optional', then a dialog lists what will change, and after"
            + " confirming every optional switch is off while required ones stay on")
    void optOutOfEverything() throws Exception {
        String id = api.createUser("acc-otto");
        Api.Reply set = api.post(ADMIN + "/consent/users/" + id + "/choices", api.adminToken(),
                Map.of("reason", "test setup", "choices", List.of(Api.choice("analytics", true))));
        assertThat(set.status()).as(set.toString()).isEqualTo(200);
        try (Browser browser = signIn("acc-otto", "/communication-privacy")) {
            browser.click("#idc-opt-out-all");
            String list = browser.find("#idc-opt-out-all-list").getText();
            assertThat(list).contains("Newsletter by email", "Product updates by email", "Usage analytics")
                    .doesNotContain("Security alerts", "SMS reminders", "Sharing with partners");
            browser.snapshot("account-page-opt-out-all");
            int listed = list.split("\n").length; // other test classes may have added opt-out purposes
            browser.click("#idc-opt-out-all-confirm");
            browser.awaitText("You opted out of " + listed + " choices. Your change is saved and effective now.");
            for (String s : List.of("newsletter-email", "product-updates-email", "analytics", "sms-reminders-sms",
                    "partner-sharing")) {
                assertThat(browser.find("#idc-switch-" + s).isSelected()).as(s).isFalse();
            }
            assertThat(browser.find("#idc-switch-security-alerts-email").isSelected()).isTrue();
        }
        JsonNode claims = api.login("acc-otto").idClaims();
        assertThat(Api.consent(claims, "newsletter")).isFalse();
        assertThat(Api.consent(claims, "analytics")).isFalse();
        assertThat(Api.consent(claims, "security-alerts")).isTrue();
    }

    @Test
    @DisplayName("given the server cannot be reached, or refuses because the text changed meanwhile, then an error"
            + " names the problem and the switch shows the real, unchanged state")
    void failures() throws Exception {
        String id = api.createUser("acc-fay");
        Api.Reply created = api.post(ADMIN + "/consent/purposes", api.adminToken(), Map.of("key", "it-account-bump",
                "label", "Bump test", "description", "First text.", "mechanism", "opt-in", "category", "data-use"));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        try (Browser browser = signIn("acc-fay", "/communication-privacy")) {
            browser.find("#idc-switch-it-account-bump");

            browser.block("*/consent/me/choices");
            browser.click("label[for='idc-switch-newsletter-email']");
            browser.awaitText("Your change to Newsletter by email was not saved: the server could not be reached.");
            browser.snapshot("account-page-error");
            browser.awaitText("#idc-switch-newsletter-email-status", "On by default");
            assertThat(browser.find("#idc-switch-newsletter-email").isSelected()).isTrue();
            assertThat(browser.find("#idc-switch-newsletter-email").isEnabled()).isTrue();
            browser.unblock();

            // a 5xx as a failing server sends it (simulated in the page: the real server cannot be made to fail)
            browser.script("const real = window.fetch; window.fetch = (url, init) => String(url).endsWith('/me/choices')"
                    + " ? Promise.resolve(new Response(JSON.stringify({error: 'server_error', message: 'database unavailable'}),"
                    + " {status: 503, headers: {'Content-Type': 'application/json'}})) : real(url, init);");
            browser.click("label[for='idc-switch-product-updates-email']");
            browser.awaitText("Your change to Product updates by email was not saved: database unavailable");
            assertThat(browser.find("#idc-switch-product-updates-email").isSelected()).isTrue();
            browser.reload();
            browser.awaitText("#idc-switch-product-updates-email-status", "On by default");

            Api.Reply bumped = api.put(ADMIN + "/consent/purposes/it-account-bump", api.adminToken(),
                    Map.of("description", "Second text, with more use.", "change", "material"));
            assertThat(bumped.status()).as(bumped.toString()).isEqualTo(200);
            browser.click("label[for='idc-switch-it-account-bump']");
            browser.awaitText("Your change to Bump test was not saved: the text of this choice has changed since you"
                    + " opened the page.");
            browser.awaitText("Second text, with more use."); // the page shows the new text to decide on
            assertThat(browser.find("#idc-switch-it-account-bump").isSelected()).isFalse();
        }
        JsonNode view = api.get(ADMIN + "/consent/users/" + id, api.adminToken()).json();
        assertThat(Api.purpose(view, "newsletter").get("states").get(0).get("explicit").asBoolean()).isFalse();
        assertThat(Api.purpose(view, "product-updates").get("states").get(0).get("explicit").asBoolean()).isFalse();
        assertThat(Api.purpose(view, "it-account-bump").get("granted").asBoolean()).isFalse();
        retire("it-account-bump");
    }

    @Test
    @DisplayName("given a text changed materially while the person is signed in, then the page marks the purpose"
            + " 'Updated since you answered' and shows what changed, also whom the data now goes to, opened from the"
            + " keyboard, until the person answers the new text")
    void updatedSinceAnswer() throws Exception {
        api.createPurpose(Map.of("key", "it-account-updated", "label", "Partner offers", "mechanism", "opt-in",
                "description", "We send you offers from our partners."));
        String id = api.createUser("acc-uma");
        api.onBehalf(id, "it-account-updated", true);
        try (Browser browser = signIn("acc-uma", "/communication-privacy")) {
            browser.find("#idc-switch-it-account-updated");
            assertThat(browser.has("#idc-updated-it-account-updated")).isFalse();
            assertThat(browser.has("#idc-recipients-it-account-updated")).as("no recipients yet").isFalse();

            Api.Reply bumped = api.put(ADMIN + "/consent/purposes/it-account-updated", api.adminToken(), Map.of(
                    "description", "We send you offers from our partners and share your email with them.",
                    "recipients", List.of("Partner Network Ltd"), "change", "material"));
            assertThat(bumped.status()).as(bumped.toString()).isEqualTo(200);
            // the page learns of it from its next answer from the server (a reload would sign in again, and the
            // consent step would ask about the new text first, showing what changed, see ConsentStepIT)
            browser.click("label[for='idc-switch-analytics']");
            browser.awaitText("Usage analytics: On. Your change is saved and effective now.");
            browser.awaitText("#idc-updated-it-account-updated", "Updated since you answered");
            assertThat(browser.find("#idc-recipients-it-account-updated").getText())
                    .isEqualTo("Shared with: Partner Network Ltd");
            browser.press("#idc-updated-it-account-updated-toggle", Keys.ENTER);
            browser.awaitText("#idc-updated-it-account-updated", "You answered version 1 on ");
            assertThat(browser.find("#idc-updated-it-account-updated").getText()).contains("this is version 2.");
            assertThat(browser.find("#idc-updated-it-account-updated .idc-diff-description")
                    .getAttribute("textContent")).isEqualTo("We send you offers from our removed: partners.added:"
                    + " partners and share your email with them.");
            assertThat(browser.find("#idc-updated-it-account-updated del").getCssValue("text-decoration-line"))
                    .isEqualTo("line-through");
            assertThat(browser.find("#idc-updated-it-account-updated .idc-diff-recipients-added").getText())
                    .isEqualTo("Now also shared with: Partner Network Ltd");
            browser.press("#idc-updated-it-account-updated-toggle", Keys.SPACE);
            assertThat(browser.find("#idc-updated-it-account-updated-toggle").getAttribute("aria-expanded"))
                    .as("Space closes it again").isEqualTo("false");

            browser.click("label[for='idc-switch-it-account-updated']");
            browser.awaitText("Partner offers: Off. Your change is saved and effective now.");
            assertThat(browser.has("#idc-updated-it-account-updated")).as("answered the new text").isFalse();
        } finally {
            retire("it-account-updated");
        }
        JsonNode row = api.get(ADMIN + "/consent/users/" + id + "/history", api.adminToken()).json()
                .get("history").get(0);
        assertThat(row.get("version").asInt()).isEqualTo(2);
        assertThat(row.get("state").asText()).isEqualTo("denied");
    }

    @Test
    @DisplayName("given a German-speaking person whose answered text changed, then 'Updated since you answered' and"
            + " what changed speak German")
    void updatedSinceAnswerGerman() throws Exception {
        api.createPurpose(Map.of("key", "it-account-updated-de", "label", "Partnerangebote", "mechanism", "opt-in",
                "description", "Angebote unserer Partner.", "recipients", List.of("Alpha GmbH")));
        String id = api.createUser("acc-umd");
        JsonNode user = api.get(ADMIN + "/users/" + id, api.adminToken()).json();
        ((com.fasterxml.jackson.databind.node.ObjectNode) user).putObject("attributes").putArray("locale").add("de");
        assertThat(api.put(ADMIN + "/users/" + id, api.adminToken(), user).status()).isEqualTo(204);
        api.onBehalf(id, "it-account-updated-de", true);
        try (Browser browser = signIn("acc-umd", "/communication-privacy")) {
            browser.awaitText("#idc-recipients-it-account-updated-de", "Weitergabe an: Alpha GmbH");
            assertThat(api.put(ADMIN + "/consent/purposes/it-account-updated-de", api.adminToken(), Map.of(
                    "recipients", List.of("Beta AG"), "change", "material")).status()).isEqualTo(200);
            browser.click("label[for='idc-switch-analytics']");
            browser.awaitText("#idc-updated-it-account-updated-de", "Geändert, seit Sie geantwortet haben");
            browser.click("#idc-updated-it-account-updated-de-toggle");
            browser.awaitText("#idc-updated-it-account-updated-de", "Neu: Weitergabe auch an Beta AG");
            assertThat(browser.find("#idc-updated-it-account-updated-de").getText()).contains(
                    "Was sich geändert hat", "Keine Weitergabe mehr an Alpha GmbH");
        } finally {
            retire("it-account-updated-de");
        }
    }

    @Test
    @DisplayName("given a purpose with two channels, then each channel has its own switch and changes alone")
    void channels() throws Exception {
        api.createUser("acc-cid");
        Api.Reply created = api.post(ADMIN + "/consent/purposes", api.adminToken(), Map.of("key", "it-account-multi",
                "label", "Offers", "description", "Offers by email and text message.", "mechanism", "opt-in",
                "category", "communications", "channels", List.of("email", "sms")));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        try (Browser browser = signIn("acc-cid", "/communication-privacy")) {
            browser.find("#idc-switch-it-account-multi-sms");
            assertThat(browser.find("#idc-switch-it-account-multi-email").getAttribute("aria-label"))
                    .isEqualTo("Offers by email");
            assertThat(browser.find("#idc-switch-it-account-multi-sms").getAttribute("aria-label"))
                    .isEqualTo("Offers by SMS");
            browser.click("label[for='idc-switch-it-account-multi-sms']");
            browser.awaitText("Offers by SMS: On. Your change is saved and effective now.");
            assertThat(browser.find("#idc-switch-it-account-multi-sms").isSelected()).isTrue();
            assertThat(browser.find("#idc-switch-it-account-multi-email").isSelected()).isFalse();
            assertThat(browser.find("#idc-switch-it-account-multi-email-status").getText())
                    .isEqualTo("Off — you haven't chosen yet");
        }
        JsonNode states = Api.purpose(api.get("/realms/demo/consent/me", api.login("acc-cid").access()).json(),
                "it-account-multi").get("states");
        assertThat(states).extracting(c -> c.get("channel").asText() + "=" + c.get("granted").asBoolean())
                .containsExactlyInAnyOrder("email=false", "sms=true");
        retire("it-account-multi");
    }

    @Test
    @DisplayName("given a purpose offering frequencies, then a channel that is on shows 'How often' with the default"
            + " chosen, and choosing another saves it with the yes: confirmed, in the view and in the history")
    void frequency() throws Exception {
        String id = api.createUser("acc-freq-1");
        Api.Reply offered = api.put(ADMIN + "/consent/purposes/newsletter", api.adminToken(), Map.of("frequencies",
                List.of(Map.of("key", "weekly", "label", "Weekly", "translations", Map.of("de", "Wöchentlich")),
                        Map.of("key", "monthly", "label", "Monthly", "translations", Map.of("de", "Monatlich"))),
                "defaultFrequency", "monthly"));
        assertThat(offered.status()).as(offered.toString()).isEqualTo(200);
        try {
            try (Browser browser = signIn("acc-freq-1", "/communication-privacy")) {
                browser.find("#idc-frequency-newsletter-email");
                assertThat(browser.find("#idc-switch-newsletter-email").isSelected()).isTrue();
                assertThat(browser.find("#idc-frequency-newsletter-email").getAttribute("aria-label"))
                        .isEqualTo("How often: Newsletter by email");
                assertThat(browser.find("label[for='idc-frequency-newsletter-email']").getText())
                        .isEqualTo("How often");
                Select often = new Select(browser.find("#idc-frequency-newsletter-email"));
                assertThat(often.getOptions()).extracting(o -> o.getText()).containsExactly("Weekly", "Monthly");
                assertThat(often.getFirstSelectedOption().getText()).isEqualTo("Monthly");

                new Select(browser.find("#idc-frequency-newsletter-email")).selectByVisibleText("Weekly");
                browser.awaitTextContent("#idc-status",
                        "Newsletter by email: Weekly. Your change is saved and effective now.");
                assertThat(new Select(browser.find("#idc-frequency-newsletter-email")).getFirstSelectedOption()
                        .getText()).isEqualTo("Weekly");
                assertThat(browser.awaitText("#idc-history", "On (Weekly)")).contains("Newsletter by email");
            }
            JsonNode email = Api.purpose(api.get(ADMIN + "/consent/users/" + id, api.adminToken()).json(),
                    "newsletter").get("states").get(0);
            assertThat(email.get("channel").asText()).isEqualTo("email");
            assertThat(email.get("granted").asBoolean()).isTrue();
            assertThat(email.get("frequency").asText()).isEqualTo("weekly");
            JsonNode row = api.get(ADMIN + "/consent/users/" + id + "/history", api.adminToken()).json()
                    .get("history").get(0);
            assertThat(row.get("purpose").asText()).isEqualTo("newsletter");
            assertThat(row.get("state").asText()).isEqualTo("granted");
            assertThat(row.get("frequency").asText()).isEqualTo("weekly");
            assertThat(row.get("via").asText()).isEqualTo("account");
        } finally {
            Api.Reply none = api.put(ADMIN + "/consent/purposes/newsletter", api.adminToken(),
                    Map.of("frequencies", List.of()));
            assertThat(none.status()).as(none.toString()).isEqualTo(200);
        }
    }

    @Test
    @DisplayName("given a purpose offering pauses, then a channel that is on offers 'Pause for' a period, a pause"
            + " shows the channel off and until when, in the view and in the history, and 'Resume now' switches it on")
    void pause() throws Exception {
        String id = api.createUser("acc-pause-1");
        Api.Reply offered = api.put(ADMIN + "/consent/purposes/newsletter", api.adminToken(),
                Map.of("pauseDays", List.of(30, 90)));
        assertThat(offered.status()).as(offered.toString()).isEqualTo(200);
        try {
            try (Browser browser = signIn("acc-pause-1", "/communication-privacy")) {
                browser.find("#idc-pause-newsletter-email");
                assertThat(browser.find("#idc-switch-newsletter-email").isSelected()).isTrue();
                assertThat(browser.find("label[for='idc-pause-newsletter-email']").getText()).isEqualTo("Pause for");
                assertThat(browser.find("#idc-pause-newsletter-email").getAttribute("aria-label"))
                        .isEqualTo("Pause for: Newsletter by email");
                assertThat(browser.find("#idc-pause-button-newsletter-email").getText()).isEqualTo("Pause");
                assertThat(browser.text()).contains("Instead of switching off: it comes back on by itself.");
                Select period = new Select(browser.find("#idc-pause-newsletter-email"));
                assertThat(period.getOptions()).extracting(o -> o.getText()).containsExactly("30 days", "90 days");
                assertThat(browser.has("#idc-paused-newsletter-email")).isFalse();
                assertThat(browser.axe("[id^='idc-']")).as("axe-core, WCAG 2.2 AA, with the pause offered").isEmpty();

                new Select(browser.find("#idc-pause-newsletter-email")).selectByVisibleText("30 days");
                browser.click("#idc-pause-button-newsletter-email");
                browser.awaitTextContent("#idc-status", "Newsletter by email paused until ");
                assertThat(browser.awaitText("#idc-paused-newsletter-email", "Paused until"))
                        .startsWith("Paused until ");
                assertThat(browser.find("#idc-switch-newsletter-email").isSelected()).as("paused is off").isFalse();
                assertThat(browser.has("#idc-pause-newsletter-email")).as("no pause of a pause").isFalse();
                assertThat(browser.awaitText("#idc-history", "Paused until")).contains("Newsletter by email",
                        "On (default) → Paused until ");

                JsonNode email = Api.purpose(api.get(ADMIN + "/consent/users/" + id, api.adminToken()).json(),
                        "newsletter").get("states").get(0);
                assertThat(email.get("channel").asText()).isEqualTo("email");
                assertThat(email.get("state").asText()).isEqualTo("paused");
                assertThat(email.get("granted").asBoolean()).isFalse();
                Instant until = Instant.parse(email.get("pausedUntil").asText());
                Instant now = Instant.now();
                Duration tenthOfADay = Duration.ofMinutes(144);
                assertThat(until).as("about 30 days ahead").isBetween(now.plus(Duration.ofDays(30)).minus(tenthOfADay),
                        now.plus(Duration.ofDays(30)).plus(tenthOfADay));
                JsonNode row = api.get(ADMIN + "/consent/users/" + id + "/history", api.adminToken()).json()
                        .get("history").get(0);
                assertThat(row.get("purpose").asText()).isEqualTo("newsletter");
                assertThat(row.get("state").asText()).isEqualTo("paused");
                assertThat(row.get("pausedUntil").asText()).isEqualTo(email.get("pausedUntil").asText());
                assertThat(row.get("via").asText()).isEqualTo("account");

                browser.click("#idc-resume-newsletter-email");
                browser.awaitTextContent("#idc-status",
                        "Newsletter by email: On. Your change is saved and effective now.");
                browser.find("#idc-pause-newsletter-email"); // offered again, the channel being on
                assertThat(browser.has("#idc-paused-newsletter-email")).as("no longer paused").isFalse();
                assertThat(browser.find("#idc-switch-newsletter-email").isSelected()).isTrue();
                assertThat(browser.awaitText("#idc-history", "Paused → On")).contains("Newsletter by email");
            }
            JsonNode email = Api.purpose(api.get(ADMIN + "/consent/users/" + id, api.adminToken()).json(),
                    "newsletter").get("states").get(0);
            assertThat(email.get("state").asText()).isEqualTo("granted");
            assertThat(email.get("granted").asBoolean()).isTrue();
            assertThat(email.has("pausedUntil")).isFalse();
            JsonNode row = api.get(ADMIN + "/consent/users/" + id + "/history", api.adminToken()).json()
                    .get("history").get(0);
            assertThat(row.get("previous").asText() + " → " + row.get("state").asText() + " via "
                    + row.get("via").asText()).isEqualTo("paused → granted via account");
        } finally {
            Api.Reply none = api.put(ADMIN + "/consent/purposes/newsletter", api.adminToken(),
                    Map.of("pauseDays", List.of()));
            assertThat(none.status()).as(none.toString()).isEqualTo(200);
        }
    }

    @Test
    @DisplayName("given a yes with a lifetime, then the page says when it will be asked again, and once it ran out"
            + " says so, in the history too, and switching on agrees again")
    void expiry() throws Exception {
        String id = api.createUser("acc-eve");
        api.createPurpose(Map.of("key", "it-account-renew", "label", "Tips", "mechanism", "opt-in",
                "renewAfterDays", new java.math.BigDecimal("0.0001"))); // 8.64 seconds
        try {
            api.onBehalf(id, "it-account-renew", true);
            try (Browser browser = signIn("acc-eve", "/communication-privacy")) {
                assertThat(browser.awaitText("#idc-switch-it-account-renew-status", "we will ask you again on"))
                        .startsWith("On since ");
                api.awaitNewestRow(id, "expired"); // the lifetime, and a run of the expiry task each second
                // a reload would sign in again, and the consent step would ask (ConsentStepIT): away and back instead
                browser.script("[...document.querySelectorAll('a')].find(a => a.textContent.trim() === 'Personal info')"
                        + ".click()");
                browser.find("#username");
                browser.click("a[href$='/communication-privacy']");
                assertThat(browser.awaitText("#idc-switch-it-account-renew-status", "ran out"))
                        .startsWith("Off — the consent you gave ran out on ")
                        .endsWith("; switch it on to agree again");
                assertThat(browser.find("#idc-switch-it-account-renew").isSelected()).isFalse();
                assertThat(browser.find("#idc-history").getText()).contains("On → Expired",
                        "ended because consent to this lasts only a limited time");

                browser.click("label[for='idc-switch-it-account-renew']");
                browser.awaitText("Tips: On. Your change is saved and effective now.");
            }
            JsonNode row = api.get(ADMIN + "/consent/users/" + id + "/history", api.adminToken()).json()
                    .get("history").get(0);
            assertThat(row.get("previous").asText() + " → " + row.get("state").asText() + " via "
                    + row.get("via").asText()).isEqualTo("expired → granted via account");
        } finally {
            retire("it-account-renew");
        }
    }

    @Test
    @DisplayName("given a German-speaking user, then the console and the demo purposes speak German, and a change"
            + " records de and the German words in the history and receipt")
    void german() throws Exception {
        String id = api.createUser("acc-dora");
        JsonNode user = api.get(ADMIN + "/users/" + id, api.adminToken()).json();
        ((com.fasterxml.jackson.databind.node.ObjectNode) user).putObject("attributes").putArray("locale").add("de");
        assertThat(api.put(ADMIN + "/users/" + id, api.adminToken(), user).status()).isEqualTo(204);
        try (Browser browser = signIn("acc-dora", "/communication-privacy")) {
            browser.awaitText("Kommunikation & Datenschutz");
            assertThat(browser.text()).contains("Produktneuigkeiten", "Nutzungsanalyse", "Nur mit Ihrer Einwilligung",
                    "Aktiv, solange Sie nicht widersprechen", "Allem Optionalen widersprechen",
                    "Ihre Entscheidungen im Zeitverlauf", "Verwendung Ihrer Daten");
            assertThat(browser.find("#idc-switch-product-updates-email").getAttribute("aria-label"))
                    .isEqualTo("Produktneuigkeiten per E-Mail");
            browser.snapshot("account-page-de");
            assertThat(browser.axe("[id^='idc-']")).as("axe-core, WCAG 2.2 AA, German").isEmpty();
            assertThat(browser.text()).doesNotContain("Product updates", "Usage analytics");

            browser.click("label[for='idc-switch-analytics']");
            browser.awaitText("#idc-status", "Nutzungsanalyse: An. Ihre Änderung ist gespeichert");
        }
        // once rendered, the page said what it showed her: each purpose's text in German (served notices)
        JsonNode notices = null;
        for (int i = 0; i < 50; i++) {
            notices = api.get(ADMIN + "/consent/users/" + id + "/notices", api.adminToken()).json().get("notices");
            if (notices.size() > 0) {
                break;
            }
            Thread.sleep(200);
        }
        assertThat(notices).extracting(n -> n.get("purpose").asText() + " " + n.get("surface").asText() + " "
                + n.get("locale").asText() + " " + n.get("times").asInt())
                .contains("analytics account de 1", "security-alerts account de 1", "product-updates account de 1");
        // the record says which words she saw: the German ones
        JsonNode row = api.get(ADMIN + "/consent/users/" + id + "/history", api.adminToken()).json()
                .get("history").get(0);
        assertThat(row.get("purpose").asText()).isEqualTo("analytics");
        assertThat(row.get("locale").asText()).isEqualTo("de");
        JsonNode receiptRow = api.get(ADMIN + "/consent/users/" + id + "/receipt", api.adminToken()).json()
                .get("history").get(0);
        assertThat(receiptRow.get("locale").asText()).isEqualTo("de");
        assertThat(receiptRow.get("text").get("locale").asText()).isEqualTo("de");
        assertThat(receiptRow.get("text").get("label").asText()).isEqualTo("Nutzungsanalyse");
        assertThat(receiptRow.get("text").get("description").asText())
                .isEqualTo("Wir messen, wie die Apps genutzt werden, um sie zu verbessern.");
    }

    @Test
    @DisplayName("given the custom console, then the built-in pages still work and the menu leads to ours")
    void builtInPages() throws Exception {
        api.createUser("acc-bea");
        try (Browser browser = signIn("acc-bea", "/")) {
            browser.awaitText("Personal info");
            assertThat(browser.find("#username").getAttribute("value")).isEqualTo("acc-bea");
            assertThat(browser.awaitText("Personal info")).contains("Communication & privacy");
            browser.open(account() + "/account-security/signing-in");
            browser.awaitText("Signing in");
            assertThat(browser.awaitText("Basic authentication")).contains("Password");
            browser.click("a[href$='/communication-privacy']");
            browser.find("#idc-switch-newsletter-email");
            assertThat(browser.url()).endsWith("/realms/demo/account/communication-privacy");
        }
    }

    // ---- helpers ------------------------------------------------------------------------------------------

    static String account() {
        return KeycloakExtension.server().baseUrl() + "/realms/demo/account";
    }

    /** Opens an account console page; Keycloak sends the browser to its login form first. */
    static Browser signIn(String username, String page) throws Exception {
        Browser browser = new Browser();
        try {
            browser.open(account() + page);
            browser.type("#username", username);
            browser.type("#password", username);
            browser.click("#kc-login");
            return browser;
        } catch (Exception | AssertionError e) {
            browser.close(); // or its Chromium and chromedriver outlive the test
            throw e;
        }
    }

    static Path awaitFile(Path dir) throws Exception {
        return awaitFile(dir, ".json");
    }

    /** The first finished download whose name ends with {@code suffix} (Chromium renames it when complete). */
    static Path awaitFile(Path dir, String suffix) throws Exception {
        Instant until = Instant.now().plus(Duration.ofSeconds(15));
        while (Instant.now().isBefore(until)) {
            try (var files = Files.list(dir)) {
                var done = files.filter(f -> f.toString().endsWith(suffix)).findFirst();
                if (done.isPresent()) {
                    return done.get();
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no download in " + dir);
    }

}
