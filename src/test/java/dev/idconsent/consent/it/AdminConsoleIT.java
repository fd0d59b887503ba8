package dev.idconsent.consent.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The Keycloak admin console in real headless Chromium, with the plugin's admin theme {@code idc} (Keycloak's own
 * console plus our pages): the catalog page under "Configure" (declarative UI), a user's choices on the user's own
 * page, a person's "Communication & privacy" tab and the realm's "Consent overview".
 */
@ExtendWith(KeycloakExtension.class)
// The pages call the same REST endpoints and the same ConsentService as the API suites, which run on every
// database; what a page shows does not depend on the database, so the browser suites run on H2 only (.ci/run).
@EnabledIfSystemProperty(named = "it.db", matches = "h2", disabledReason = "a browser suite: runs on H2 only")
@DisplayName("Admin console: catalog page and users' choices")
class AdminConsoleIT {
    static final String ADMIN = "/admin/realms/demo";
    static final String PAGE = "/admin/master/console/#/demo/page-section/idc-purpose";
    static Api api;

    @BeforeAll
    static void setUp() {
        api = new Api(KeycloakExtension.server());
        useConsoleTheme(api);
    }

    /** The console an admin of the master realm signs in to: Keycloak's own plus the plugin's pages (theme idc). */
    static void useConsoleTheme(Api api) {
        Api.Reply theme = api.put("/admin/realms/master", api.adminToken(), Map.of("adminTheme", "idc"));
        assertThat(theme.status()).as(theme.toString()).isEqualTo(204);
    }

    @Test
    @DisplayName("given declarative-ui is on, then the server info (what the console's sidebar is built from) lists"
            + " the catalog page once")
    void catalogPageListedOnce() {
        JsonNode pages = api.get("/admin/serverinfo", api.adminToken()).json().path("componentTypes")
                .path("org.keycloak.services.ui.extend.UiPageProvider");
        List<String> ids = new ArrayList<>();
        pages.forEach(p -> ids.add(p.get("id").asText()));
        assertThat(ids).as(pages.toString()).containsOnlyOnce("idc-purpose");
    }

    @AfterAll
    static void tearDown() {
        List.of("it-console-loyalty", "it-console-edit").forEach(key ->
                api.post(ADMIN + "/consent/purposes/" + key + "/retire", api.adminToken(), null));
    }

    @Test
    @DisplayName("given an admin creates a purpose in the admin console (with German words), then it is in the"
            + " catalog at version 1 with its text archived in both languages, the user API offers it and the account"
            + " page shows it")
    void createInConsole() throws Exception {
        try (Browser console = signIn()) {
            console.open(base() + PAGE);
            // the list pages by 10: other tests' purposes may push the demo's to a later page
            console.find("table a[href*='page-section/idc-purpose/']");
            console.snapshot("admin-catalog"); // the README's picture
            console.click("a[href='#/demo/page-section/idc-purpose/add']");
            console.type("#config\\.key", "it-console-loyalty");
            console.type("#config\\.label", "Loyalty programme");
            console.type("#description", "Points and member offers by email");
            console.type("input[name='config.channels.0.value']", "email");
            console.type("input[name='config.recipients.0.value']", "Loyalty Partner AG");
            console.type("input[name='config.labelTranslations.0.value']", "de: Treueprogramm");
            console.type("input[name='config.descriptionTranslations.0.value']", "de: Punkte und Angebote per E-Mail");
            console.type("#config\\.purposeType", "dpv:DirectMarketing");
            console.click("[data-testid='save']");
            JsonNode purpose = await(() -> {
                Api.Reply reply = api.get(ADMIN + "/consent/purposes/it-console-loyalty", api.adminToken());
                return reply.status() == 200 ? reply.json() : null;
            });
            assertThat(purpose.get("label").asText()).isEqualTo("Loyalty programme");
            assertThat(purpose.get("mechanism").asText()).isEqualTo("opt-in");
            assertThat(purpose.get("version").asInt()).isEqualTo(1);
            assertThat(purpose.get("channels").toString()).isEqualTo("[\"email\"]");
            assertThat(purpose.get("recipients").toString()).isEqualTo("[\"Loyalty Partner AG\"]");
            assertThat(purpose.get("purposeType").asText()).isEqualTo("dpv:DirectMarketing");
            assertThat(purpose.at("/translations/de/label").asText()).isEqualTo("Treueprogramm");
            assertThat(purpose.at("/translations/de/description").asText()).isEqualTo("Punkte und Angebote per E-Mail");
            assertThat(purpose.get("legalBasis").asText()).as("an opt-in purpose's default").isEqualTo("consent");
            JsonNode texts = api.get(ADMIN + "/consent/purposes/it-console-loyalty/texts", api.adminToken()).json();
            assertThat(texts.toString()).contains("\"kind\":\"created\"", "Points and member offers by email",
                    "Loyalty Partner AG", "Treueprogramm");
            assertThat(texts.size()).isEqualTo(1);
        }

        api.createUser("cons-amy");
        JsonNode me = api.get("/realms/demo/consent/me", api.login("cons-amy").access()).json();
        assertThat(Api.purpose(me, "it-console-loyalty").toString()).contains("Loyalty programme");
        try (Browser account = AccountPageIT.signIn("cons-amy", "/communication-privacy")) {
            account.awaitText("Loyalty programme");
            assertThat(account.find("#idc-recipients-it-console-loyalty").getText())
                    .isEqualTo("Shared with: Loyalty Partner AG");
            assertThat(account.find("#idc-switch-it-console-loyalty-email").isSelected()).isFalse();
        }
    }

    @Test
    @DisplayName("given an admin edits a purpose's text in the console without saying what kind of change it is,"
            + " then the form shows the catalog's error and nothing changes; as a material change it gets version 2")
    void editRulesInConsole() throws Exception {
        Api.Reply created = api.post(ADMIN + "/consent/purposes", api.adminToken(), Map.of("key", "it-console-edit",
                "label", "Edit me", "description", "First text", "mechanism", "opt-in"));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        String id = componentId("it-console-edit");
        try (Browser console = signIn()) {
            console.open(base() + PAGE + "/" + id);
            console.awaitText("Consent purposes");
            await(() -> "Edit me".equals(console.find("#config\\.label").getAttribute("value")) ? true : null);
            console.type("#config\\.label", "Edited text");
            console.click("[data-testid='save']");
            assertThat(console.awaitText("say whether it is")).contains("\"material\"", "\"correction\"");
            assertThat(purpose("it-console-edit").get("label").asText()).isEqualTo("Edit me");

            // the error stays on top of the form until closed, as an admin would close it
            console.script("document.querySelectorAll('.pf-v5-c-alert__action button').forEach(b => b.click())");
            console.click("#change");
            console.script("Array.from(document.querySelectorAll('[role=option], [role=menuitem], li button'))"
                    + ".find(e => e.textContent.trim() === 'material').click()");
            console.click("[data-testid='save']");
            JsonNode purpose = await(() -> {
                JsonNode now = purpose("it-console-edit");
                return now.get("version").asInt() == 2 ? now : null;
            });
            assertThat(purpose.get("label").asText()).isEqualTo("Edited text");
        }
        JsonNode texts = api.get(ADMIN + "/consent/purposes/it-console-edit/texts", api.adminToken()).json();
        assertThat(texts.toString()).contains("\"kind\":\"created\"", "\"kind\":\"material\"", "Edited text");
        // the form field saying what kind of edit it was is not kept
        JsonNode component = api.get(ADMIN + "/components/" + id, api.adminToken()).json();
        assertThat(component.get("config").has("change")).isFalse();
        assertThat(component.get("config").get("version").get(0).asText()).isEqualTo("2");
    }

    @Test
    @DisplayName("given an admin deletes a purpose through Keycloak's components API (the console's delete), then it"
            + " is refused with a clear message and the purpose stays")
    void deleteRefused() {
        String id = componentId("newsletter");
        Api.Reply reply = api.delete(ADMIN + "/components/" + id, api.adminToken());
        assertThat(reply.status()).as(reply.toString()).isEqualTo(400);
        assertThat(reply.body()).contains("cannot be deleted", "Retire it instead");
        assertThat(purpose("newsletter").get("retired").asBoolean()).isFalse();
    }

    @Test
    @DisplayName("given a user switches the newsletter off, then an admin sees on the user's page in the admin console"
            + " that choice with when and how it took effect, read-only; the user cannot see or set it")
    void userChoicesOnUserPage() throws Exception {
        String id = api.createUser("cons-ben");
        String token = api.login("cons-ben").access();
        assertThat(api.choose(token, List.of(Api.choice("newsletter", false))).status()).isEqualTo(200);

        try (Browser console = signIn()) {
            console.open(base() + "/admin/master/console/#/demo/users/" + id + "/settings");
            console.awaitText("Communication & privacy");
            List<String> values = await(() -> {
                List<String> now = inputValues(console);
                return now.stream().anyMatch(v -> v.startsWith("newsletter (email): no since ")) ? now : null;
            });
            String line = values.stream().filter(v -> v.startsWith("newsletter (email)")).findFirst().orElseThrow();
            assertThat(line).matches("newsletter \\(email\\): no since \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC,"
                    + " text version 1, via api by cons-ben");
            Object editable = console.script("return Array.from(document.querySelectorAll('input, textarea'))"
                    + ".filter(i => i.value.includes('newsletter (email)'))"
                    + ".some(i => !i.readOnly && !i.disabled)");
            assertThat(editable).isEqualTo(false);
            console.script("Array.from(document.querySelectorAll('input, textarea'))"
                    + ".find(i => i.value.includes('newsletter'))"
                    + ".scrollIntoView({block: 'center'})");
            console.snapshot("admin-user-choices");
        }

        // the user's own profile does not show it, and setting it there or as an admin changes nothing
        JsonNode account = api.get("/realms/demo/account/", token, "Accept", "application/json").json();
        assertThat(account.has("attributes") ? account.get("attributes").has("idc-consent") : false).isFalse();
        assertThat(account.at("/userProfileMetadata/attributes").findValuesAsText("name")).doesNotContain("idc-consent");
        JsonNode user = api.get(ADMIN + "/users/" + id, api.adminToken()).json();
        ((com.fasterxml.jackson.databind.node.ObjectNode) user.get("attributes"))
                .set("idc-consent", Api.JSON.valueToTree(List.of("newsletter (email): yes")));
        api.put(ADMIN + "/users/" + id, api.adminToken(), user);
        JsonNode after = api.get(ADMIN + "/users/" + id, api.adminToken()).json();
        assertThat(after.get("attributes").get("idc-consent").toString()).contains("newsletter (email): no since");
    }

    private static List<String> inputValues(Browser browser) {
        Object values = browser.script("return Array.from(document.querySelectorAll('input, textarea'))"
                + ".map(i => i.value)");
        List<String> out = new ArrayList<>();
        ((List<?>) values).forEach(v -> out.addAll(List.of(String.valueOf(v).split("\n"))));
        return out;
    }

    static JsonNode purpose(String key) {
        return api.get(ADMIN + "/consent/purposes/" + key, api.adminToken()).json();
    }

    static String componentId(String key) {
        JsonNode found = api.get(ADMIN + "/components?type=org.keycloak.services.ui.extend.UiPageProvider&name="
                + key, api.adminToken()).json();
        assertThat(found.size()).as(found.toString()).isEqualTo(1);
        return found.get(0).get("id").asText();
    }

    static String base() {
        return KeycloakExtension.server().baseUrl();
    }

    static Browser signIn() throws Exception {
        return signIn("master", KeycloakServer.ADMIN_USER, KeycloakServer.ADMIN_PASSWORD, "Manage realms");
    }

    /** Signs in to the admin console of {@code realm} and waits until it shows {@code ready}. */
    static Browser signIn(String realm, String username, String password, String ready) throws Exception {
        Browser browser = new Browser();
        try {
            browser.open(base() + "/admin/" + realm + "/console/#/demo");
            browser.type("#username", username);
            browser.type("#password", password);
            browser.click("#kc-login");
            browser.awaitText(ready);
            return browser;
        } catch (Exception | AssertionError e) {
            browser.close();
            throw e;
        }
    }

    static <T> T await(Supplier<T> check) throws InterruptedException {
        Instant until = Instant.now().plus(Duration.ofSeconds(15));
        while (true) {
            T value = check.get();
            if (value != null) {
                return value;
            }
            if (Instant.now().isAfter(until)) {
                throw new AssertionError("still not so after 15 s");
            }
            Thread.sleep(250);
        }
    }
}
