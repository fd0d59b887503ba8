package dev.idconsent.consent.it;

import static dev.idconsent.consent.it.AdminConsoleIT.await;
import static dev.idconsent.consent.it.AdminConsoleIT.base;
import static dev.idconsent.consent.it.AdminConsoleIT.signIn;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.support.ui.Select;

/**
 * The plugin's own pages in the admin console (theme idc), in real headless Chromium: a person's "Communication &
 * privacy" tab (choices, history with the text answered, receipt, a change on their behalf) and the realm's "Consent
 * overview" (counts, integrity with reconcile, webhooks, exports) — for a full admin and for a view-only one.
 */
@ExtendWith(KeycloakExtension.class)
@EnabledIfSystemProperty(named = "it.db", matches = "h2", disabledReason = "a browser suite: runs on H2 only")
@DisplayName("Admin console: a person's consent and the realm's consent overview")
class ConsentConsoleIT {
    static final String ADMIN = "/admin/realms/demo";
    static final String CONSOLE = "/admin/master/console/#/demo";
    static Api api;

    @BeforeAll
    static void setUp() {
        api = new Api(KeycloakExtension.server());
        AdminConsoleIT.useConsoleTheme(api);
    }

    @Test
    @DisplayName("given a person said yes to the newsletter in an app, when an admin opens the person's Communication &"
            + " privacy tab, then it says when, how, by whom and to which text version, where the text was shown, the"
            + " history shows that text's words (20 rows a page, newest first), and the receipt downloads")
    void whyDidThePersonGetIt() throws Exception {
        String id = api.createUser("cons-cleo");
        String token = api.login("cons-cleo").access();
        assertThat(api.choose(token, List.of(Api.choice("newsletter", true))).status()).isEqualTo(200);
        // the account page showed the newsletter's text before (a served notice, as the page records it)
        String page = api.loginAt("account-console", base() + "/realms/demo/account/", "cons-cleo", "openid").access();
        int version = Api.purpose(api.get("/realms/demo/consent/me", page).json(), "newsletter").get("version").asInt();
        assertThat(api.post("/realms/demo/consent/me/notices", page, Map.of("locale", "en", "purposes",
                List.of(Map.of("purpose", "newsletter", "version", version)))).status()).isEqualTo(204);

        try (Browser console = signIn()) {
            console.open(base() + CONSOLE + "/users/" + id + "/settings");
            console.awaitText("Communication & privacy"); // the tab among Keycloak's own
            console.script("document.querySelector(\"a[href$='/users/" + id + "/consent']\").click()");
            String row = console.awaitTextContent("#idc-choice-newsletter-email", "yes");
            assertThat(row).contains("Newsletter", "On", "yes", "1", "api", "cons-cleo", "demo-app");
            assertThat(console.find("#idc-choice-sms-reminders-sms").getAttribute("textContent"))
                    .contains("Off", "no answer · opt-in default");

            assertThat(console.awaitTextContent("#idc-notices tbody tr", "newsletter"))
                    .contains("account · account-console", "en");
            assertThat(console.awaitTextContent("#idc-history tbody tr", "cons-cleo"))
                    .contains("newsletter", "email", "no answer → yes", "api", "demo-app");
            console.script("document.querySelector('#idc-history tbody button').click()");
            String text = console.awaitText(".idc-shown-text", "Newsletter");
            assertThat(text).contains("Text version 1 as shown", "Our monthly newsletter with news and offers, by email.");
            console.snapshot("admin-user-consent");
            assertThat(console.axe("#idc-choices", "#idc-history", "#idc-on-behalf")).isEmpty();

            // the receipt the page saves is the server's, for this person
            Path downloads = Files.createTempDirectory("idc-console-downloads-");
            console.downloadTo(downloads);
            console.click("#idc-receipt");
            Path file = AccountPageIT.awaitFile(downloads);
            assertThat(file.getFileName().toString()).startsWith("consent-receipt-demo-cons-cleo-");
            JsonNode receipt = Api.JSON.readTree(file.toFile());
            assertThat(receipt.get("subject").asText()).isEqualTo(id);
            assertThat(receipt.get("history").toString()).contains("\"purpose\":\"newsletter\"", "\"state\":\"granted\"");

            // 20 rows a page, newest first: after 20 more changes the app's answer is on the second page
            for (int i = 0; i < 20; i++) {
                api.onBehalf(id, "product-updates", i % 2 == 1);
            }
            console.reload();
            console.awaitTextContent("#idc-history tbody tr", "product-updates");
            assertThat(console.script("return document.querySelectorAll('#idc-history tr[id^=idc-history-]').length"))
                    .isEqualTo(20L);
            assertThat(console.find("#idc-history").getAttribute("textContent")).doesNotContain("demo-app");
            console.script("document.querySelector('#idc-history-older').click()");
            assertThat(console.awaitTextContent("#idc-history", "demo-app")).contains("newsletter", "no answer → yes");
            assertThat(console.script("return document.querySelectorAll('#idc-history tr[id^=idc-history-]').length"))
                    .isEqualTo(1L);
        }
    }

    @Test
    @DisplayName("given a person said yes on a paper form, when an admin records it with a reason, then the history"
            + " has exactly one new row — the admin's act, with the reason — and the page shows it; without a reason"
            + " the form cannot be sent")
    void onBehalfWithReason() throws Exception {
        String id = api.createUser("cons-dan");
        int before = history(id).size();

        try (Browser console = signIn()) {
            console.open(base() + CONSOLE + "/users/" + id + "/consent");
            console.awaitText("Change on the person's behalf");
            new Select(console.find("#idc-on-behalf-purpose")).selectByValue("sms-reminders");
            new Select(console.find("#idc-on-behalf-granted")).selectByValue("true");
            assertThat(console.find("#idc-on-behalf-save").isEnabled()).as("no reason yet").isFalse();
            console.type("#idc-on-behalf-reason", "Paper form of 3 December, archive box 12");
            console.click("#idc-on-behalf-save");
            console.awaitTextContent("#idc-admin-message", "Recorded.");
            assertThat(console.awaitTextContent("#idc-history tbody tr", "Paper form"))
                    .contains("sms-reminders", "no answer → yes", "admin", "admin (admin)");
            assertThat(console.find("#idc-choice-sms-reminders-sms").getAttribute("textContent")).contains("On", "yes");
        }

        List<JsonNode> after = history(id);
        assertThat(after).hasSize(before + 1);
        JsonNode row = after.get(0);
        assertThat(row.get("purpose").asText()).isEqualTo("sms-reminders");
        assertThat(row.get("state").asText()).isEqualTo("granted");
        assertThat(row.get("via").asText()).isEqualTo("admin");
        assertThat(row.get("reason").asText()).isEqualTo("Paper form of 3 December, archive box 12");
        assertThat(row.at("/actor/kind").asText()).isEqualTo("admin");
        assertThat(row.at("/actor/username").asText()).isEqualTo(KeycloakServer.ADMIN_USER);
    }

    @Test
    @DisplayName("given the newsletter offers frequencies, when an admin records a yes with one on the person's behalf,"
            + " then the row and the page name it")
    void onBehalfWithFrequency() throws Exception {
        String id = api.createUser("cons-freq-una");
        Api.Reply offer = api.put(ADMIN + "/consent/purposes/newsletter", api.adminToken(), Map.of("frequencies",
                List.of(Map.of("key", "weekly", "label", "Weekly"), Map.of("key", "monthly", "label", "Monthly")),
                "defaultFrequency", "monthly"));
        assertThat(offer.status()).as(offer.toString()).isEqualTo(200);
        try (Browser console = signIn()) {
            console.open(base() + CONSOLE + "/users/" + id + "/consent");
            console.awaitText("Change on the person's behalf");
            new Select(console.find("#idc-on-behalf-purpose")).selectByValue("newsletter");
            assertThat(console.has("#idc-on-behalf-frequency")).as("not with a no").isFalse();
            new Select(console.find("#idc-on-behalf-granted")).selectByValue("true");
            new Select(console.find("#idc-on-behalf-frequency")).selectByValue("weekly");
            console.type("#idc-on-behalf-reason", "Asked by phone for one email a week");
            console.click("#idc-on-behalf-save");
            console.awaitTextContent("#idc-admin-message", "Recorded.");
            assertThat(console.awaitTextContent("#idc-history tbody tr", "one email a week"))
                    .contains("newsletter", "yes (weekly)");
            assertThat(console.find("#idc-choice-newsletter-email").getAttribute("textContent")).contains("yes (Weekly)");
        } finally {
            assertThat(api.put(ADMIN + "/consent/purposes/newsletter", api.adminToken(), Map.of("frequencies",
                    List.of())).status()).isEqualTo(200);
        }
        JsonNode row = history(id).get(0);
        assertThat(row.get("frequency").asText()).isEqualTo("weekly");
        assertThat(row.get("via").asText()).isEqualTo("admin");
    }

    @Test
    @DisplayName("given an admin who may view but not manage users (German console), then the tab shows the person's"
            + " consent without the change form, and the server refuses the change anyway: no row is written")
    void viewOnlyAdmin() throws Exception {
        String target = api.createUser("cons-fay");
        api.onBehalf(target, "newsletter", false);
        String viewer = api.createUser("cons-viewer");
        grantRealmManagement(viewer, "view-users", "query-users", "view-realm");
        JsonNode user = api.get(ADMIN + "/users/" + viewer, api.adminToken()).json();
        ((com.fasterxml.jackson.databind.node.ObjectNode) user).set("attributes",
                Api.JSON.valueToTree(Map.of("locale", List.of("de"))));
        assertThat(api.put(ADMIN + "/users/" + viewer, api.adminToken(), user).status()).isEqualTo(204);
        int before = history(target).size();

        try (Browser console = signIn("demo", "cons-viewer", "cons-viewer", "Consent demo")) {
            console.open(base() + "/admin/demo/console/#/demo/users/" + target + "/consent");
            console.awaitText("Aktuelle Entscheidungen");
            assertThat(console.find("#idc-view-only").getText())
                    .isEqualTo("Sie dürfen die Einwilligungen dieser Person sehen, aber nicht ändern.");
            assertThat(console.has("#idc-on-behalf")).isFalse();
            assertThat(console.find("#idc-choice-newsletter-email").getAttribute("textContent")).contains("Aus", "nein");
            console.snapshot("admin-user-consent-de");
        }

        String token = api.password("admin-cli", "cons-viewer", "openid").access();
        Api.Reply refused = api.post(ADMIN + "/consent/users/" + target + "/choices", token, Map.of(
                "reason", "trying", "choices", List.of(Api.choice("newsletter", true))));
        assertThat(refused.status()).as(refused.toString()).isEqualTo(403);
        assertThat(history(target)).hasSize(before);
    }

    @Test
    @DisplayName("given someone holds a purpose's role without having said yes and a webhook endpoint fails, then the"
            + " overview lists the problem and the failing endpoint with its error; Retry now tries again at once,"
            + " Reconcile repairs the problem (the role is gone, integrity is ok) and the choices export downloads;"
            + " the failing endpoint is a sender with an opt-out waiting")
    void reconcileRepairsAPlantedProblem() throws Exception {
        String id = api.createUser("cons-erin");
        api.onBehalf(id, "newsletter", false); // a choice, so the person is in the choices export
        JsonNode role = api.get(ADMIN + "/roles/idc-consent-partner-sharing", api.adminToken()).json();
        assertThat(api.post(ADMIN + "/users/" + id + "/role-mappings/realm", api.adminToken(), List.of(role)).status())
                .isEqualTo(204);
        assertThat(api.get(ADMIN + "/consent/integrity", api.adminToken()).json().get("problems").toString())
                .contains("role_without_consent", "cons-erin");

        // an endpoint that answers 500: its backlog is the realm's whole history, and it waits a minute between tries
        try (WebhookReceiver receiver = new WebhookReceiver(); Browser console = signIn()) {
            receiver.failNext(1000);
            Api.Reply hook = api.post(ADMIN + "/consent/webhooks", api.adminToken(), Map.of("url", receiver.url(),
                    "description", "CRM sync", "start", "beginning", "retryBaseSeconds", 60, "retryMaxSeconds", 60));
            assertThat(hook.status()).as(hook.toString()).isEqualTo(201);
            String hookId = hook.json().get("id").asText();
            try {
                await(() -> webhook(hookId).get("failing").asBoolean() ? true : null);
                int attempts = webhook(hookId).get("attempts").asInt();
                api.onBehalf(id, "newsletter", true);
                api.onBehalf(id, "newsletter", false); // an opt-out the failing endpoint has not taken in

                console.open(base() + CONSOLE + "/page-section/idc-consent-overview");
                assertThat(console.awaitTextContent("#idc-problems", "cons-erin"))
                        .contains("partner-sharing", "has the role without a yes", "idc-consent-partner-sharing");
                assertThat(console.find("#idc-count-newsletter-email").getAttribute("textContent"))
                        .contains("newsletter", "opt-out");
                assertThat(console.awaitTextContent("#idc-webhook-" + hookId, "failing"))
                        .contains(receiver.url(), "CRM sync", "HTTP 500: down for maintenance");
                assertThat(console.awaitTextContent("#idc-sender-" + hookId, "catching up"))
                        .contains(receiver.url(), "webhook endpoint", "newsletter");
                console.snapshot("admin-consent-overview");
                console.script("document.querySelector('#idc-senders-card').scrollIntoView()");
                console.snapshot("admin-senders");

                console.script("document.querySelector('#idc-webhook-" + hookId + " button').click()");
                console.awaitTextContent("#idc-admin-message", "Retrying " + receiver.url());
                await(() -> webhook(hookId).get("attempts").asInt() > attempts ? true : null);

                console.click("#idc-reconcile");
                console.awaitTextContent("#idc-admin-message", "Repaired");
                console.find("#idc-integrity-ok");

                Path downloads = Files.createTempDirectory("idc-console-exports-");
                console.downloadTo(downloads);
                console.click("#idc-export-choices-csv");
                Path csv = AccountPageIT.awaitFile(downloads, ".csv");
                assertThat(csv.getFileName().toString()).isEqualTo("consent-demo-choices.csv");
                assertThat(Files.readString(csv)).startsWith("subject,").contains("cons-erin");
            } finally {
                api.delete(ADMIN + "/consent/webhooks/" + hookId, api.adminToken());
            }
        }

        assertThat(api.get(ADMIN + "/consent/integrity", api.adminToken()).json().get("ok").asBoolean()).isTrue();
        assertThat(api.get(ADMIN + "/users/" + id + "/role-mappings/realm", api.adminToken()).body())
                .doesNotContain("idc-consent-partner-sharing");
    }

    private static JsonNode webhook(String id) {
        return api.get(ADMIN + "/consent/webhooks/" + id + "/status", api.adminToken()).json();
    }

    @Test
    @DisplayName("given Keycloak's own console form for the consent tab or the overview page, when it saves, then it is"
            + " refused with a message naming the admin theme and no component is stored")
    void entryComponentsHoldNothing() {
        String realmId = api.get(ADMIN, api.adminToken()).json().get("id").asText();
        for (String[] entry : List.of(new String[]{"idc-consent", "org.keycloak.services.ui.extend.UiTabProvider"},
                new String[]{"idc-consent-overview", "org.keycloak.services.ui.extend.UiPageProvider"})) {
            int before = components(entry[1], entry[0]);
            Api.Reply reply = api.post(ADMIN + "/components", api.adminToken(), Map.of("name", entry[0],
                    "providerId", entry[0], "providerType", entry[1], "parentId", realmId, "config", Map.of()));
            assertThat(reply.status()).as(reply.toString()).isEqualTo(400);
            assertThat(reply.body()).contains("admin theme");
            assertThat(components(entry[1], entry[0])).isEqualTo(before).isZero();
        }
    }

    private static int components(String type, String providerId) {
        JsonNode all = api.get(ADMIN + "/components?type=" + type, api.adminToken()).json();
        int n = 0;
        for (JsonNode c : all) {
            n += providerId.equals(c.get("providerId").asText()) ? 1 : 0;
        }
        return n;
    }

    private static List<JsonNode> history(String userId) {
        JsonNode rows = api.get(ADMIN + "/consent/users/" + userId + "/history?max=1000", api.adminToken()).json()
                .get("history");
        List<JsonNode> out = new java.util.ArrayList<>();
        rows.forEach(out::add);
        return out;
    }

    /** Gives a user of the demo realm some of Keycloak's realm-management roles: an admin of this realm only. */
    private static void grantRealmManagement(String userId, String... roles) {
        String client = api.get(ADMIN + "/clients?clientId=realm-management", api.adminToken()).json().get(0)
                .get("id").asText();
        List<JsonNode> reps = new java.util.ArrayList<>();
        for (String role : roles) {
            reps.add(api.get(ADMIN + "/clients/" + client + "/roles/" + role, api.adminToken()).json());
        }
        Api.Reply r = api.post(ADMIN + "/users/" + userId + "/role-mappings/clients/" + client, api.adminToken(), reps);
        assertThat(r.status()).as(r.toString()).isEqualTo(204);
    }
}
