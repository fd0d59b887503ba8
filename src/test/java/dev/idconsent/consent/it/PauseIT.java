package dev.idconsent.consent.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A pause that ends by itself: a person pauses a purpose, it is off everywhere (token, gating role and scope,
 * audience), and when the period is over the answer before it returns without any request, once, written by the
 * system. The demo realm's {@code partner-sharing} (opt-in, gating) offers a pause of 0.00005 days (4.3 s) and the
 * {@code newsletter} (opt-out) 30 and 90 days, for this class only.
 */
@ExtendWith(KeycloakExtension.class)
@DisplayName("Pause: a person pauses instead of leaving, and it ends by itself")
class PauseIT {
    static final String ADMIN = "/admin/realms/demo";
    static final String ME = "/realms/demo/consent/me";
    static final String SHORT = "0.00005"; // days: 4.32 s
    static final String SCOPES = "openid partner-data " + Api.CONSENT_SCOPES;
    static Api api;

    @BeforeAll
    static void offerPauses() {
        api = new Api(KeycloakExtension.server());
        offer("partner-sharing", List.of(new java.math.BigDecimal(SHORT), 30));
        offer("newsletter", List.of(30, 90));
    }

    @AfterAll
    static void offerNone() {
        offer("partner-sharing", List.of());
        offer("newsletter", List.of());
    }

    static void offer(String purpose, List<Object> days) {
        Api.Reply r = api.put(ADMIN + "/consent/purposes/" + purpose, api.adminToken(), Map.of("pauseDays", days));
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
    }

    static Api.Reply pause(String token, String purpose, String channel, Object days) {
        Map<String, Object> change = new java.util.LinkedHashMap<>();
        change.put("purpose", purpose);
        if (channel != null) {
            change.put("channel", channel);
        }
        change.put("pauseDays", days);
        return api.post(ME + "/choices", token, Map.of("choices", List.of(change)));
    }

    static List<JsonNode> history(String userId) {
        return api.history(Api.REALM, userId);
    }

    static boolean holdsRole(String userId) {
        return api.get(ADMIN + "/users/" + userId + "/role-mappings/realm", api.adminToken()).body()
                .contains("idc-consent-partner-sharing");
    }

    static boolean partnerScope(Api.Tokens tokens) {
        return List.of(tokens.accessClaims().path("scope").asText().split(" ")).contains("partner-data");
    }

    static JsonNode state(JsonNode view, String purpose, String channel) {
        for (JsonNode s : Api.purpose(view, purpose).get("states")) {
            if (channel == null ? s.get("channel").isNull() : channel.equals(s.get("channel").asText())) {
                return s;
            }
        }
        throw new AssertionError("no state " + purpose + "/" + channel + " in " + view);
    }

    @Test
    @DisplayName("given a yes to a gating purpose, when the person pauses it, then token, role and scope are off; at"
            + " the end the yes comes back by itself within the timer's interval — role and scope too — in exactly"
            + " one row by the system")
    void endsByItself() throws Exception {
        String id = api.createUser("pause-paula");
        api.onBehalf(id, "partner-sharing", true);
        Api.Tokens tokens = api.login(Api.REALM, "pause-paula", "pause-paula", SCOPES);
        assertThat(partnerScope(tokens)).isTrue();

        Api.Reply paused = pause(tokens.access(), "partner-sharing", null, new java.math.BigDecimal(SHORT));

        assertThat(paused.status()).as(paused.toString()).isEqualTo(200);
        JsonNode now = state(paused.json(), "partner-sharing", null);
        assertThat(now.get("state").asText()).isEqualTo("paused");
        assertThat(now.get("granted").asBoolean()).isFalse();
        Instant until = Instant.parse(now.get("pausedUntil").asText());
        assertThat(Duration.between(Instant.now(), until)).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(5));
        JsonNode offered = Api.purpose(paused.json(), "partner-sharing").get("pauseDays");
        assertThat(List.of(offered.get(0).asDouble(), offered.get(1).asDouble())).containsExactly(0.00005, 30.0);
        JsonNode row = history(id).get(0);
        assertThat(row.get("state").asText()).isEqualTo("paused");
        assertThat(row.get("previous").asText()).isEqualTo("granted");
        assertThat(row.get("via").asText()).isEqualTo("api");
        assertThat(row.get("pausedUntil").asText()).isEqualTo(now.get("pausedUntil").asText());
        // the role goes with the pause, in the same transaction: the next refresh has neither scope nor claim
        assertThat(holdsRole(id)).isFalse();
        Api.Tokens refreshed = api.refresh(tokens);
        assertThat(partnerScope(refreshed)).isFalse();
        assertThat(Api.consent(refreshed.accessClaims(), "partner-sharing")).isFalse();

        JsonNode back = api.awaitNewestRow(id, "granted");

        Instant resumed = Instant.parse(back.get("at").asText());
        System.out.printf("PAUSE ended %d ms after its end (timer interval 1 s)%n",
                Duration.between(until, resumed).toMillis());
        assertThat(resumed).isAfterOrEqualTo(until).isBefore(until.plusSeconds(10));
        assertThat(back.get("previous").asText()).isEqualTo("paused");
        assertThat(back.get("via").asText()).isEqualTo("pause");
        assertThat(back.at("/actor/kind").asText()).isEqualTo("system");
        assertThat(back.get("version").asInt()).isEqualTo(row.get("version").asInt());
        assertThat(holdsRole(id)).isTrue();
        Api.Tokens after = api.refresh(refreshed);
        assertThat(partnerScope(after) || partnerScope(api.login(Api.REALM, "pause-paula", "pause-paula", SCOPES)))
                .as("the gated scope is back").isTrue();
        assertThat(Api.consent(after.accessClaims(), "partner-sharing")).isTrue();
        Thread.sleep(3000); // three more timer runs: nothing more to end
        assertThat(history(id)).extracting(r -> r.get("state").asText() + " " + r.get("via").asText())
                .containsExactly("granted pause", "paused api", "granted admin");
    }

    @Test
    @DisplayName("given an opt-out newsletter, when a person pauses it for 30 days, then they leave the sender's"
            + " audience, the feed says until when, an admin sees it; answering again ends the pause")
    void audienceAndEndingEarly() {
        String id = api.createUser("pause-pete");
        String other = api.createUser("pause-olga"); // stays in the audience
        Api.Tokens tokens = api.login(Api.REALM, "pause-pete", "pause-pete", "openid " + Api.CONSENT_SCOPES);
        long feedEnd = api.get(ADMIN + "/consent/feed?after=0&max=1000", api.adminToken()).json().get("next")
                .asLong();

        Api.Reply paused = pause(tokens.access(), "newsletter", "email", 30);

        assertThat(paused.status()).as(paused.toString()).isEqualTo(200);
        Instant until = Instant.parse(state(paused.json(), "newsletter", "email").get("pausedUntil").asText());
        assertThat(Duration.between(Instant.now(), until)).isBetween(Duration.ofDays(30).minusMinutes(1),
                Duration.ofDays(30));
        assertThat(Api.consent(api.refresh(tokens).accessClaims(), "newsletter")).isFalse();
        List<String> audience = audience();
        assertThat(audience).contains(other).doesNotContain(id);
        JsonNode feedRow = null;
        for (JsonNode r : api.get(ADMIN + "/consent/feed?after=" + feedEnd + "&max=1000", api.adminToken()).json()
                .get("changes")) {
            if (r.get("subject").asText().equals(id)) {
                feedRow = r;
            }
        }
        assertThat(feedRow).as("the feed row of the pause").isNotNull();
        assertThat(feedRow.get("state").asText()).isEqualTo("paused");
        assertThat(Instant.parse(feedRow.get("pausedUntil").asText())).isEqualTo(until);
        assertThat(api.get(ADMIN + "/users/" + id, api.adminToken()).json().at("/attributes/idc-consent/0").asText())
                .contains("newsletter (email): paused until");

        // the person switches it on again before the end: an ordinary yes, and the pause is over
        Api.Reply on = api.choose(tokens.access(), List.of(Map.of("purpose", "newsletter", "channel", "email",
                "granted", true)));
        assertThat(on.status()).as(on.toString()).isEqualTo(200);
        JsonNode email = state(on.json(), "newsletter", "email");
        assertThat(email.get("state").asText()).isEqualTo("granted");
        assertThat(email.has("pausedUntil")).isFalse();
        assertThat(audience()).contains(id);
    }

    static List<String> audience() {
        List<String> ids = new ArrayList<>();
        String token = api.serviceToken("mailer", "mailer-secret");
        String cursor = null;
        do {
            Api.Reply r = api.get("/realms/demo/consent/senders/audience?purpose=newsletter&channel=email"
                    + "&links=false" + (cursor == null ? "" : "&cursor=" + cursor), token);
            assertThat(r.status()).as(r.toString()).isEqualTo(200);
            r.json().get("users").forEach(u -> ids.add(u.get("id").asText()));
            cursor = r.json().get("next").isNull() ? null : r.json().get("next").asText();
        } while (cursor != null);
        return ids;
    }

    @Test
    @DisplayName("given pauses are asked for what is off, for a period not offered, with an answer, by an app"
            + " without the write capability or by an admin without a reason, then each is refused and no row is"
            + " written; an admin with a reason pauses openly")
    void refusals() {
        String id = api.createUser("pause-rita");
        Api.Tokens tokens = api.login(Api.REALM, "pause-rita", "pause-rita", "openid " + Api.CONSENT_SCOPES);
        Api.Tokens reader = api.login(Api.REALM, "pause-rita", "pause-rita", "openid idc-choices-read");
        int rows = history(id).size();

        assertRefused(pause(tokens.access(), "partner-sharing", null, 30), 409, "conflict", "nothing to pause");
        assertRefused(pause(tokens.access(), "newsletter", "email", 7), 400, "invalid_value", "[30, 90] days, not 7");
        assertRefused(pause(tokens.access(), "analytics", null, 30), 400, "invalid_value", "offers no pause");
        assertRefused(api.post(ME + "/choices", tokens.access(), Map.of("choices", List.of(Map.of("purpose",
                "newsletter", "channel", "email", "granted", false, "pauseDays", 30)))), 400, "invalid_value",
                "is not an answer");
        assertThat(pause(reader.access(), "newsletter", "email", 30).status()).isEqualTo(403);
        Api.Reply noReason = api.post(ADMIN + "/consent/users/" + id + "/choices", api.adminToken(), Map.of(
                "choices", List.of(Map.of("purpose", "newsletter", "pauseDays", 90))));
        assertThat(noReason.status()).as(noReason.toString()).isEqualTo(400);
        assertThat(history(id)).hasSize(rows);

        Api.Reply admin = api.post(ADMIN + "/consent/users/" + id + "/choices", api.adminToken(), Map.of(
                "reason", "asked by phone for a break", "choices", List.of(Map.of("purpose", "newsletter",
                        "pauseDays", 90))));
        assertThat(admin.status()).as(admin.toString()).isEqualTo(200);
        JsonNode row = history(id).get(0);
        assertThat(row.get("state").asText() + " " + row.get("via").asText() + " " + row.at("/actor/kind").asText())
                .isEqualTo("paused admin admin");
        assertThat(row.get("reason").asText()).isEqualTo("asked by phone for a break");
    }

    @Test
    @org.junit.jupiter.api.condition.EnabledIfSystemProperty(named = "it.db", matches = "h2",
            disabledReason = "a browser test: runs on H2 only")
    @DisplayName("given an unsubscribe link opened in a browser, then the unsubscribe takes full effect first; below"
            + " it the page offers a pause (where it was on) or fewer emails (where there was a yes), each bound to"
            + " that click; a mail provider's one-click POST unsubscribes fully")
    void insteadOfUnsubscribing() throws Exception {
        Api.Reply often = api.put(ADMIN + "/consent/purposes/newsletter", api.adminToken(), Map.of("frequencies",
                List.of(Map.of("key", "weekly", "label", "Weekly"), Map.of("key", "monthly", "label", "Monthly")),
                "defaultFrequency", "weekly"));
        assertThat(often.status()).as(often.toString()).isEqualTo(200);
        try (Browser browser = new Browser()) {
            // never answered: on by the opt-out default, so a pause is offered, fewer emails (a yes) is not
            String nina = api.createUser("pause-nina");
            browser.open(mint(nina));
            browser.click("#idc-unsubscribe-confirm");
            browser.awaitText("#idc-unsubscribe-done", "switched off");
            assertThat(newsletter(nina).get("state").asText()).as("unsubscribed before anything else").isEqualTo("denied");
            assertThat(browser.has("#idc-instead-frequency")).isFalse();
            assertThat(browser.find("label[for='idc-instead-pause']").getText()).isEqualTo("Take a break for");
            assertThat(browser.axe("#idc-unsubscribe")).as("axe-core, WCAG 2.2 AA").isEmpty();
            String instead = browser.find("#idc-unsubscribe-instead form").getAttribute("action");
            new org.openqa.selenium.support.ui.Select(browser.find("#idc-instead-pause")).selectByVisibleText("90 days");
            browser.click("#idc-instead-pause-button");
            assertThat(browser.awaitText("#idc-instead-paused", "paused until")).contains("Newsletter")
                    .contains("comes back on by itself");
            JsonNode email = newsletter(nina);
            assertThat(email.get("state").asText()).isEqualTo("paused");
            assertThat(Duration.between(Instant.now(), Instant.parse(email.get("pausedUntil").asText())))
                    .isBetween(Duration.ofDays(90).minusMinutes(1), Duration.ofDays(90));
            assertThat(history(nina)).extracting(r -> r.get("state").asText() + " " + r.get("via").asText() + " "
                    + r.get("capability").asText()).containsExactly("paused email instead-link",
                    "denied email unsubscribe-link");
            // the page's token is bound to the click: once the pause replaced it, it changes nothing more
            Api.Reply again = api.send("POST", instead, null, "pauseDays=30", "Content-Type",
                    "application/x-www-form-urlencoded", "Accept", "text/html");
            assertThat(again.status()).isEqualTo(409);
            assertThat(again.body()).contains("changed since");
            assertThat(history(nina)).hasSize(2);

            // a yes with weekly: fewer emails gives the yes back with another frequency
            String finn = api.createUser("pause-finn");
            Api.Tokens tokens = api.login(Api.REALM, "pause-finn", "pause-finn", "openid " + Api.CONSENT_SCOPES);
            assertThat(api.choose(tokens.access(), List.of(Map.of("purpose", "newsletter", "channel", "email",
                    "granted", true, "frequency", "weekly"))).status()).isEqualTo(200);
            browser.open(mint(finn));
            browser.click("#idc-unsubscribe-confirm");
            browser.awaitText("#idc-unsubscribe-done", "switched off");
            assertThat(newsletter(finn).get("state").asText()).isEqualTo("denied");
            org.openqa.selenium.support.ui.Select fewer = new org.openqa.selenium.support.ui.Select(
                    browser.find("#idc-instead-frequency"));
            assertThat(fewer.getOptions()).extracting(org.openqa.selenium.WebElement::getText)
                    .containsExactly("Monthly"); // not the one they had
            browser.click("#idc-instead-fewer-button");
            assertThat(browser.awaitText("#idc-instead-fewer", "Monthly")).contains("switched on again");
            JsonNode back = newsletter(finn);
            assertThat(back.get("state").asText() + " " + back.get("frequency").asText()).isEqualTo("granted monthly");
            assertThat(history(finn).get(0).get("capability").asText()).isEqualTo("instead-link");
        } finally {
            api.put(ADMIN + "/consent/purposes/newsletter", api.adminToken(), Map.of("frequencies", List.of()));
        }

        // a mail provider's one-click POST: fully unsubscribed, nothing offered, nothing paused
        String olaf = api.createUser("pause-olaf");
        Api.Reply post = api.send("POST", mint(olaf), null, "List-Unsubscribe=One-Click", "Content-Type",
                "application/x-www-form-urlencoded");
        assertThat(post.status()).isEqualTo(200);
        assertThat(post.body()).startsWith("Unsubscribed from Newsletter");
        assertThat(newsletter(olaf).get("state").asText()).isEqualTo("denied");
    }

    static String mint(String userId) {
        Api.Reply r = api.post("/realms/demo/consent/senders/links", api.serviceToken("mailer", "mailer-secret"),
                Map.of("user", userId, "purpose", "newsletter"));
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json().get("url").asText();
    }

    static JsonNode newsletter(String userId) {
        return state(api.get(ADMIN + "/consent/users/" + userId, api.adminToken()).json(), "newsletter", "email");
    }

    static void assertRefused(Api.Reply reply, int status, String error, String message) {
        assertThat(reply.status()).as(reply.toString()).isEqualTo(status);
        assertThat(reply.json().get("error").asText()).isEqualTo(error);
        assertThat(reply.json().get("message").asText()).contains(message);
    }
}
