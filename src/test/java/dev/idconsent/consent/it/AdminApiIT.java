package dev.idconsent.consent.it;

import static dev.idconsent.consent.it.Api.choice;
import static dev.idconsent.consent.it.Api.purpose;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(KeycloakExtension.class)
@DisplayName("Admin API: the catalog and choices on a user's behalf")
class AdminApiIT {
    static final String ADMIN = "/admin/realms/demo/consent";
    static Api api;

    @BeforeAll
    static void setUp() {
        api = new Api(KeycloakExtension.server());
    }

    @Nested
    @DisplayName("given an admin acts on bob's behalf")
    class OnBehalf {
        @Test
        @DisplayName("with a reason, then bob's history names the admin and the reason, and bob's token follows")
        void withReason() {
            String bobId = api.userId("bob");
            Api.Tokens bob = api.login("bob");
            assertThat(Api.consent(bob.accessClaims(), "analytics")).isFalse();

            Api.Reply reply = api.post(ADMIN + "/users/" + bobId + "/choices", api.adminToken(),
                    Map.of("reason", "Bob asked by phone, ticket 4711", "choices", List.of(choice("analytics", true))));

            assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
            assertThat(purpose(reply.json(), "analytics").get("granted").asBoolean()).isTrue();
            JsonNode row = api.get(ADMIN + "/users/" + bobId + "/history", api.adminToken()).json()
                    .get("history").get(0);
            assertThat(row.get("purpose").asText()).isEqualTo("analytics");
            assertThat(row.get("actor").get("username").asText()).isEqualTo("admin");
            assertThat(row.get("actor").get("kind").asText()).isEqualTo("admin");
            assertThat(row.get("actor").get("id").asText()).isNotEqualTo(bobId);
            assertThat(row.get("subject").asText()).isEqualTo(bobId);
            assertThat(row.get("reason").asText()).isEqualTo("Bob asked by phone, ticket 4711");
            assertThat(row.get("via").asText()).isEqualTo("admin");
            assertThat(Api.consent(api.refresh(bob).accessClaims(), "analytics")).isTrue();
            // bob sees it in his own history too
            assertThat(api.get("/realms/demo/consent/me/history", bob.access()).json().get("history").get(0)
                    .get("reason").asText()).isEqualTo("Bob asked by phone, ticket 4711");
        }

        @Test
        @DisplayName("without a reason, then 400 reason_required and nothing changes")
        void withoutReason() {
            String id = api.createUser("gina");
            Api.Reply reply = api.post(ADMIN + "/users/" + id + "/choices", api.adminToken(),
                    Map.of("choices", List.of(choice("analytics", true))));
            assertThat(reply.status()).isEqualTo(400);
            assertThat(reply.json().get("error").asText()).isEqualTo("reason_required");
            assertThat(api.get(ADMIN + "/users/" + id + "/history", api.adminToken()).json().get("history"))
                    .isEmpty();
        }

        @Test
        @DisplayName("an unknown user → 404")
        void unknownUser() {
            assertThat(api.get(ADMIN + "/users/no-such-user", api.adminToken()).status()).isEqualTo(404);
        }
    }

    @Nested
    @DisplayName("given the catalog is edited")
    class Catalog {
        @Test
        @DisplayName("a material change bumps the version, keeps the old text, and users keep the version they saw")
        void materialChange() {
            create(Map.of("key", "it-surveys", "label", "Surveys", "description", "Short surveys, twice a year.",
                    "category", "communications", "mechanism", "opt-in", "channels", List.of("email")));
            api.createUser("hank");
            String token = api.login("hank").access();
            assertThat(api.choose(token, List.of(choice("it-surveys", true))).status()).isEqualTo(200);

            Api.Reply bumped = api.put(ADMIN + "/purposes/it-surveys", api.adminToken(), Map.of(
                    "description", "Short surveys, every month, shared with our research partner.",
                    "change", "material"));

            assertThat(bumped.status()).as(bumped.toString()).isEqualTo(200);
            assertThat(bumped.json().get("version").asInt()).isEqualTo(2);
            JsonNode texts = api.get(ADMIN + "/purposes/it-surveys/texts", api.adminToken()).json();
            assertThat(texts).hasSize(2);
            assertThat(texts.get(0).get("version").asInt()).isEqualTo(1);
            assertThat(texts.get(0).get("description").asText()).isEqualTo("Short surveys, twice a year.");
            assertThat(texts.get(1).get("version").asInt()).isEqualTo(2);
            assertThat(texts.get(1).get("kind").asText()).isEqualTo("material");

            JsonNode mine = purpose(api.get("/realms/demo/consent/me", token).json(), "it-surveys");
            assertThat(mine.get("version").asInt()).isEqualTo(2);
            assertThat(mine.at("/states/0/version").asInt()).isEqualTo(1);
            assertThat(api.get("/realms/demo/consent/me/history", token).json().at("/history/0/version").asInt())
                    .isEqualTo(1);
            // answering the old text now is refused: the user must see the new one
            Api.Reply stale = api.choose(token, List.of(Map.of("purpose", "it-surveys", "granted", true,
                    "version", 1)));
            assertThat(stale.status()).isEqualTo(409);
            assertThat(stale.json().get("error").asText()).isEqualTo("stale_version");
        }

        @Test
        @DisplayName("a correction keeps the version and archives the corrected text; a text change must say which")
        void correction() {
            create(Map.of("key", "it-tips", "label", "Tpis", "mechanism", "opt-out"));
            Api.Reply unsaid = api.put(ADMIN + "/purposes/it-tips", api.adminToken(), Map.of("label", "Tips"));
            assertThat(unsaid.status()).isEqualTo(400);
            assertThat(unsaid.json().get("error").asText()).isEqualTo("change_kind_required");

            Api.Reply fixed = api.put(ADMIN + "/purposes/it-tips", api.adminToken(),
                    Map.of("label", "Tips", "change", "correction"));
            assertThat(fixed.status()).isEqualTo(200);
            assertThat(fixed.json().get("version").asInt()).isEqualTo(1);
            assertThat(fixed.json().get("label").asText()).isEqualTo("Tips");
            JsonNode texts = api.get(ADMIN + "/purposes/it-tips/texts", api.adminToken()).json();
            assertThat(texts).extracting(t -> t.get("label").asText()).containsExactly("Tpis", "Tips");
            assertThat(texts.get(1).get("kind").asText()).isEqualTo("correction");
        }

        @Test
        @DisplayName("a text holds every language: a German change needs its kind like any text change, a correction"
                + " archives all languages under the same version, and people get their language's words")
        void translations() {
            create(Map.of("key", "it-lang", "label", "Offers", "description", "Offers by email.",
                    "mechanism", "opt-in", "translations", Map.of("de", Map.of("label", "Angebte",
                            "description", "Angebote per E-Mail."))));
            JsonNode created = api.get(ADMIN + "/purposes/it-lang", api.adminToken()).json();
            assertThat(created.get("locale").asText()).isEqualTo("en");
            assertThat(created.at("/translations/de/label").asText()).isEqualTo("Angebte");

            Map<String, Object> fixedGerman = Map.of("de", Map.of("label", "Angebote",
                    "description", "Angebote per E-Mail."));
            Api.Reply unsaid = api.put(ADMIN + "/purposes/it-lang", api.adminToken(), Map.of("translations",
                    fixedGerman));
            assertThat(unsaid.status()).isEqualTo(400);
            assertThat(unsaid.json().get("error").asText()).isEqualTo("change_kind_required");
            Api.Reply fixed = api.put(ADMIN + "/purposes/it-lang", api.adminToken(), Map.of("translations",
                    fixedGerman, "change", "correction"));
            assertThat(fixed.status()).as(fixed.toString()).isEqualTo(200);
            assertThat(fixed.json().get("version").asInt()).isEqualTo(1);
            JsonNode texts = api.get(ADMIN + "/purposes/it-lang/texts", api.adminToken()).json();
            assertThat(texts).extracting(t -> t.at("/translations/de/label").asText())
                    .containsExactly("Angebte", "Angebote");
            assertThat(texts.get(1).get("kind").asText()).isEqualTo("correction");

            api.createUser("lena");
            String token = api.login("lena").access();
            JsonNode german = purpose(api.get("/realms/demo/consent/me?locale=de-AT", token).json(), "it-lang");
            assertThat(german.get("label").asText()).isEqualTo("Angebote");
            assertThat(german.get("locale").asText()).isEqualTo("de");
            assertThat(german.has("translations")).as("people get their words, not the catalog").isFalse();
            JsonNode french = purpose(api.get("/realms/demo/consent/me?locale=fr", token).json(), "it-lang");
            assertThat(french.get("label").asText()).isEqualTo("Offers");
            assertThat(french.get("locale").asText()).isEqualTo("en");

            // an app names the language it showed; the row keeps the language of the words picked for it
            Api.Reply chosen = api.post("/realms/demo/consent/me/choices", token, Map.of("locale", "de-CH",
                    "choices", List.of(Map.of("purpose", "it-lang", "granted", true, "version", 1))));
            assertThat(chosen.status()).as(chosen.toString()).isEqualTo(200);
            assertThat(chosen.json().at("/changes/0/locale").asText()).isEqualTo("de");
            Api.Reply badLocale = api.post("/realms/demo/consent/me/choices", token, Map.of("locale", "German!",
                    "choices", List.of(choice("it-lang", false))));
            assertThat(badLocale.status()).isEqualTo(400);
            assertThat(badLocale.json().get("message").asText()).contains("locale");
            assertThat(api.get("/realms/demo/consent/me/history", token).json().get("history")).hasSize(1);
        }

        @Test
        @DisplayName("bad translations are refused with the language and field named, and change nothing")
        void badTranslations() {
            create(Map.of("key", "it-lang-bad", "label", "Tips", "description", "Tips by email.",
                    "mechanism", "opt-out"));
            Map<String, Map<String, Object>> refusals = Map.of(
                    "language tag", Map.of("Deutsch!", Map.of("label", "Tipps", "description", "Tipps.")),
                    "de translation needs a label", Map.of("de", Map.of("description", "Tipps.")),
                    "de translation needs a description", Map.of("de", Map.of("label", "Tipps")));
            refusals.forEach((message, translations) -> {
                Api.Reply r = api.put(ADMIN + "/purposes/it-lang-bad", api.adminToken(), Map.of(
                        "translations", translations, "change", "correction"));
                assertThat(r.status()).as(message).isEqualTo(400);
                assertThat(r.json().get("message").asText()).contains(message);
            });
            Api.Reply wrongLanguage = api.put(ADMIN + "/purposes/it-lang-bad", api.adminToken(), Map.of(
                    "locale", "de", "label", "Tipps", "change", "correction"));
            assertThat(wrongLanguage.status()).isEqualTo(400);
            assertThat(wrongLanguage.json().get("message").asText()).contains("translations");
            assertThat(api.get(ADMIN + "/purposes/it-lang-bad/texts", api.adminToken()).json()).hasSize(1);
            assertThat(api.get(ADMIN + "/purposes/it-lang-bad", api.adminToken()).json().get("translations"))
                    .isEmpty();
        }

        @Test
        @DisplayName("a realm that translated its purposes the old way (realm localization texts) has them moved into"
                + " the catalog when it is imported: archived with the text, and the realm texts gone")
        void oldTranslationsMove() throws Exception {
            com.fasterxml.jackson.databind.node.ObjectNode realm = LifecycleIT.demoRealm();
            LifecycleIT.withoutIds(realm);
            realm.put("realm", "it-old-words");
            for (JsonNode c : realm.at("/components/org.keycloak.services.ui.extend.UiPageProvider")) {
                ((com.fasterxml.jackson.databind.node.ObjectNode) c.get("config")).remove(List.of(
                        "labelTranslations", "descriptionTranslations"));
            }
            realm.putObject("localizationTexts").putObject("de")
                    .put("idc.purpose.analytics.label", "Nutzungsmessung")
                    .put("idc.purpose.analytics.description", "Wir messen die Nutzung.")
                    .put("idc.purpose.newsletter.label", "Rundbrief")
                    .put("other.key", "bleibt");
            Api.Reply created = api.post("/admin/realms", api.adminToken(), realm);
            assertThat(created.status()).as(created.toString()).isEqualTo(201);
            try {
                String admin = "/admin/realms/it-old-words/consent";
                JsonNode analytics = api.get(admin + "/purposes/analytics", api.adminToken()).json();
                assertThat(analytics.at("/translations/de/label").asText()).isEqualTo("Nutzungsmessung");
                assertThat(analytics.at("/translations/de/description").asText()).isEqualTo("Wir messen die Nutzung.");
                assertThat(analytics.get("version").asInt()).isEqualTo(1);
                // only a label: the description people were shown was the catalog's
                JsonNode newsletter = api.get(admin + "/purposes/newsletter", api.adminToken()).json();
                assertThat(newsletter.at("/translations/de/label").asText()).isEqualTo("Rundbrief");
                assertThat(newsletter.at("/translations/de/description").asText())
                        .isEqualTo(newsletter.get("description").asText());
                JsonNode texts = api.get(admin + "/purposes/analytics/texts", api.adminToken()).json();
                assertThat(texts.get(texts.size() - 1).at("/translations/de/label").asText())
                        .isEqualTo("Nutzungsmessung");
                JsonNode left = api.get("/admin/realms/it-old-words/localization/de", api.adminToken()).json();
                assertThat(left.has("idc.purpose.analytics.label")).isFalse();
                assertThat(left.get("other.key").asText()).isEqualTo("bleibt");
            } finally {
                api.delete("/admin/realms/it-old-words", api.adminToken());
            }
        }

        @Test
        @DisplayName("bad purposes are refused with the field named")
        void validation() {
            Api.Reply badKey = api.post(ADMIN + "/purposes", api.adminToken(),
                    Map.of("key", "Bad Key!", "label", "x", "mechanism", "opt-in"));
            assertThat(badKey.status()).isEqualTo(400);
            assertThat(badKey.json().get("error").asText()).isEqualTo("invalid_purpose");
            assertThat(badKey.json().get("message").asText()).contains("key");

            Api.Reply badMechanism = api.post(ADMIN + "/purposes", api.adminToken(),
                    Map.of("key", "it-x", "label", "x", "mechanism", "maybe"));
            assertThat(badMechanism.status()).isEqualTo(400);
            assertThat(badMechanism.json().get("message").asText()).contains("mechanism");

            Api.Reply unknownField = api.post(ADMIN + "/purposes", api.adminToken(),
                    Map.of("key", "it-y", "label", "y", "mechanism", "opt-in", "colour", "red"));
            assertThat(unknownField.status()).isEqualTo(400);
            assertThat(unknownField.json().get("message").asText()).contains("colour");

            Api.Reply duplicate = api.post(ADMIN + "/purposes", api.adminToken(),
                    Map.of("key", "newsletter", "label", "Another", "mechanism", "opt-in"));
            assertThat(duplicate.status()).isEqualTo(409);
            assertThat(duplicate.json().get("error").asText()).isEqualTo("purpose_exists");

            Api.Reply rename = api.put(ADMIN + "/purposes/newsletter", api.adminToken(), Map.of("key", "news"));
            assertThat(rename.status()).isEqualTo(400);

            Api.Reply channels = api.put(ADMIN + "/purposes/newsletter", api.adminToken(),
                    Map.of("channels", List.of("email", "push")));
            assertThat(channels.status()).isEqualTo(400);
            assertThat(channels.json().get("message").asText()).contains("channels");
            assertThat(api.get(ADMIN + "/purposes/it-x", api.adminToken()).status()).isEqualTo(404);
        }

        @Test
        @DisplayName("retiring hides a purpose from users and tokens and keeps its history")
        void retire() {
            create(Map.of("key", "it-old", "label", "Old programme", "mechanism", "opt-in"));
            api.createUser("ivy");
            Api.Tokens ivy = api.login("ivy");
            assertThat(api.choose(ivy.access(), List.of(choice("it-old", true))).status()).isEqualTo(200);

            Api.Reply retired = api.post(ADMIN + "/purposes/it-old/retire", api.adminToken(), null);

            assertThat(retired.status()).isEqualTo(200);
            assertThat(retired.json().get("retired").asBoolean()).isTrue();
            assertThat(purpose(api.get("/realms/demo/consent/me", ivy.access()).json(), "it-old")).isNull();
            assertThat(api.refresh(ivy).accessClaims().get("consent").has("it-old")).isFalse();
            assertThat(api.get("/realms/demo/consent/me/history", ivy.access()).json().get("history"))
                    .anySatisfy(row -> assertThat(row.get("purpose").asText()).isEqualTo("it-old"));
            Api.Reply change = api.choose(ivy.access(), List.of(choice("it-old", false)));
            assertThat(change.status()).isEqualTo(409);
            assertThat(change.json().get("error").asText()).isEqualTo("purpose_retired");
        }

        @Test
        @DisplayName("a user token cannot edit the catalog")
        void notForUsers() {
            String bob = api.login("bob").access();
            assertThat(api.post(ADMIN + "/purposes", bob, Map.of("key", "it-z", "label", "z", "mechanism", "opt-in"))
                    .status()).isEqualTo(403);
            assertThat(api.get(ADMIN + "/purposes", null).status()).isEqualTo(401);
        }
    }

    @Test
    @DisplayName("given a new person says no to the newsletter and yes to analytics, then the counts report moves by"
            + " exactly that, and their receipt shows both with the text they were shown")
    void counts() {
        com.fasterxml.jackson.databind.JsonNode before = api.get(ADMIN + "/reports/counts", api.adminToken()).json();
        String id = api.createUser("cora-counts");
        Api.Reply set = api.post(ADMIN + "/users/" + id + "/choices", api.adminToken(), Map.of("reason", "test",
                "choices", java.util.List.of(Map.of("purpose", "newsletter", "granted", false),
                        Map.of("purpose", "analytics", "granted", true))));
        assertThat(set.status()).as(set.toString()).isEqualTo(200);
        com.fasterxml.jackson.databind.JsonNode after = api.get(ADMIN + "/reports/counts", api.adminToken()).json();

        assertThat(after.get("people").asLong() - before.get("people").asLong()).isEqualTo(1);
        assertThat(delta(before, after, "newsletter", "email")).isEqualTo("granted=0 denied=1 pending=0 noAnswer=0 on=0");
        assertThat(delta(before, after, "analytics", null)).isEqualTo("granted=1 denied=0 pending=0 noAnswer=0 on=1");
        assertThat(delta(before, after, "security-alerts", "email"))
                .isEqualTo("granted=0 denied=0 pending=0 noAnswer=1 on=1");
        Api.Reply refused = api.get(ADMIN + "/reports/counts", api.login("cora-counts").access());
        assertThat(refused.status()).isEqualTo(403);

        com.fasterxml.jackson.databind.JsonNode receipt = api.get(ADMIN + "/users/" + id + "/receipt",
                api.adminToken()).json();
        assertThat(receipt.get("username").asText()).isEqualTo("cora-counts");
        assertThat(receipt.get("history")).hasSize(2).allSatisfy(row -> {
            assertThat(row.get("reason").asText()).isEqualTo("test");
            assertThat(row.at("/text/version").asInt()).isEqualTo(row.get("version").asInt());
        });
        assertThat(receipt.get("history")).extracting(r -> r.get("purpose").asText() + ": " + r.at("/text/label")
                .asText()).containsExactlyInAnyOrder("newsletter: Newsletter", "analytics: Usage analytics");
        assertThat(api.get("/realms/demo/consent/me/receipt", api.login("cora-counts").access()).json()
                .get("history")).hasSize(2);
    }

    static String delta(com.fasterxml.jackson.databind.JsonNode before, com.fasterxml.jackson.databind.JsonNode after,
                        String purpose, String channel) {
        StringBuilder out = new StringBuilder();
        for (String field : java.util.List.of("granted", "denied", "pending", "noAnswer", "on")) {
            out.append(out.isEmpty() ? "" : " ").append(field).append('=')
                    .append(line(after, purpose, channel).get(field).asLong() - line(before, purpose, channel).get(field).asLong());
        }
        return out.toString();
    }

    static com.fasterxml.jackson.databind.JsonNode line(com.fasterxml.jackson.databind.JsonNode report, String purpose,
                                                        String channel) {
        for (com.fasterxml.jackson.databind.JsonNode l : report.get("counts")) {
            if (l.get("purpose").asText().equals(purpose) && (channel == null ? l.get("channel").isNull()
                    : channel.equals(l.get("channel").asText()))) {
                return l;
            }
        }
        throw new AssertionError("no line " + purpose + "/" + channel + " in " + report);
    }

    static void create(Map<String, Object> purpose) {
        Api.Reply r = api.post(ADMIN + "/purposes", api.adminToken(), purpose);
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
    }
}
