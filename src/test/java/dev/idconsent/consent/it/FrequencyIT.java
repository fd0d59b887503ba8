package dev.idconsent.consent.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * "How often": a purpose offers frequencies, a person chooses one, and every surface carries it — the user API, an
 * administrator on the person's behalf, the history and the feed, the detailed claim, the sender's audience (with
 * its filter) and the exports. Realm {@code it-frequency} (a copy of demo).
 */
@ExtendWith(KeycloakExtension.class)
@DisplayName("Frequency: a person chooses how often, and every surface carries it")
class FrequencyIT {
    static final String REALM = "it-frequency";
    static final String ADMIN = "/admin/realms/" + REALM;
    static final String ME = "/realms/" + REALM + "/consent/me";
    static final Map<String, Object> FREQUENCIES = Map.of("frequencies", List.of(
            Map.of("key", "weekly", "label", "Weekly", "translations", Map.of("de", "Wöchentlich")),
            Map.of("key", "monthly", "label", "Monthly", "translations", Map.of("de", "Monatlich"))),
            "defaultFrequency", "monthly");
    static Api api;

    @BeforeAll
    static void realm() throws Exception {
        api = new Api(KeycloakExtension.server());
        api.copyDemoRealm(REALM);
        Api.Reply r = api.put(ADMIN + "/consent/purposes/newsletter", api.adminToken(), FREQUENCIES);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
    }

    @AfterAll
    static void removeRealm() {
        api.delete(ADMIN, api.adminToken());
    }

    static JsonNode email(JsonNode view) {
        JsonNode newsletter = Api.purpose(view, "newsletter");
        for (JsonNode s : newsletter.get("states")) {
            if ("email".equals(s.get("channel").asText())) {
                return s;
            }
        }
        throw new AssertionError("no email state in " + newsletter);
    }

    static Api.Reply choose(String token, Map<String, Object> change) {
        return api.post(ME + "/choices", token, Map.of("choices", List.of(change)));
    }

    static List<JsonNode> history(String userId) {
        return api.history(REALM, userId);
    }

    static String mailer() {
        return api.serviceToken(REALM, "mailer", "mailer-secret");
    }

    /** The ids on every page of the newsletter's email audience with {@code query}, and each one's frequency. */
    static Map<String, String> audience(String query) {
        Map<String, String> out = new java.util.HashMap<>();
        String token = mailer();
        String cursor = null;
        do {
            Api.Reply r = api.get("/realms/" + REALM + "/consent/senders/audience?purpose=newsletter&channel=email"
                    + "&links=false&includeUnverified=true" + query + (cursor == null ? "" : "&cursor=" + cursor),
                    token);
            assertThat(r.status()).as(r.toString()).isEqualTo(200);
            r.json().get("users").forEach(u -> out.put(u.get("id").asText(), u.get("frequency").asText()));
            cursor = r.json().get("next").isNull() ? null : r.json().get("next").asText();
        } while (cursor != null);
        return out;
    }

    @Test
    @DisplayName("given the catalog offers weekly and monthly (default), then a person sees the default, chooses"
            + " weekly, and the claim, the audience and its filter, the feed and the export say weekly; an admin"
            + " changes it on their behalf; a no clears it")
    void everySurface() throws Exception {
        String pia = api.createUserIn(REALM, "freq-pia");
        String quinn = api.createUserIn(REALM, "freq-quinn"); // never answers: the default
        Api.Tokens tokens = api.login(REALM, "freq-pia", "freq-pia");
        JsonNode view = api.get(ME, tokens.access()).json();
        JsonNode newsletter = Api.purpose(view, "newsletter");
        assertThat(newsletter.get("defaultFrequency").asText()).isEqualTo("monthly");
        assertThat(newsletter.get("frequencies").toString())
                .isEqualTo("[{\"key\":\"weekly\",\"label\":\"Weekly\"},{\"key\":\"monthly\",\"label\":\"Monthly\"}]");
        assertThat(email(view).get("frequency").asText()).isEqualTo("monthly");
        assertThat(Api.purpose(view, "analytics").has("frequencies")).isFalse();
        JsonNode german = api.get(ME + "?locale=de", tokens.access()).json();
        assertThat(Api.purpose(german, "newsletter").at("/frequencies/0/label").asText()).isEqualTo("Wöchentlich");
        int version = newsletter.get("version").asInt();
        long feedEnd = api.get(ADMIN + "/consent/feed?after=0&max=1000", api.adminToken()).json().get("next")
                .asLong();

        Api.Reply weekly = choose(tokens.access(), Map.of("purpose", "newsletter", "channel", "email", "granted",
                true, "version", version, "frequency", "weekly"));
        assertThat(weekly.status()).as(weekly.toString()).isEqualTo(200);
        assertThat(email(weekly.json()).get("frequency").asText()).isEqualTo("weekly");
        JsonNode row = history(pia).get(0);
        assertThat(row.get("state").asText()).isEqualTo("granted");
        assertThat(row.get("frequency").asText()).isEqualTo("weekly");
        assertThat(row.has("previousFrequency")).isFalse();
        assertThat(row.get("version").asInt()).isEqualTo(version);
        // what an administrator sees on the person's page in the admin console
        assertThat(api.get(ADMIN + "/users/" + pia, api.adminToken()).json().at("/attributes/idc-consent/0").asText())
                .contains("newsletter (email): yes (weekly) since");

        // the same yes again without a frequency keeps weekly and records nothing
        int rows = history(pia).size();
        Api.Reply again = choose(tokens.access(), Map.of("purpose", "newsletter", "channel", "email", "granted", true,
                "version", version));
        assertThat(again.status()).as(again.toString()).isEqualTo(200);
        assertThat(email(again.json()).get("frequency").asText()).isEqualTo("weekly");
        assertThat(history(pia)).hasSize(rows);

        // the feed (and so the webhooks) delivers the change with its frequency
        JsonNode feed = api.get(ADMIN + "/consent/feed?after=" + feedEnd + "&max=1000", api.adminToken()).json();
        JsonNode delivered = null;
        for (JsonNode c : feed.get("changes")) {
            if (c.get("subject").asText().equals(pia)) {
                delivered = c;
            }
        }
        assertThat(delivered).as(feed.toString()).isNotNull();
        assertThat(delivered.get("frequency").asText()).isEqualTo("weekly");

        // the detailed claim of a new token
        String mapper = addDetailedMapper();
        try {
            JsonNode detail = api.login(REALM, "freq-pia", "freq-pia").accessClaims().get("consent_detail");
            assertThat(detail.at("/newsletter/channels/email/frequency").asText()).as(detail.toString())
                    .isEqualTo("weekly");
            assertThat(detail.at("/analytics").has("frequency")).isFalse();
        } finally {
            api.delete(appMappers() + "/" + mapper, api.adminToken());
        }

        // the sender's audience, whole and filtered
        Map<String, String> everyone = audience("");
        assertThat(everyone).containsEntry(pia, "weekly").containsEntry(quinn, "monthly");
        Map<String, String> weeklyOnes = audience("&frequency=weekly");
        assertThat(weeklyOnes).containsKey(pia).doesNotContainKey(quinn);
        assertThat(weeklyOnes.values()).containsOnly("weekly");
        Map<String, String> monthlyOnes = audience("&frequency=monthly");
        assertThat(monthlyOnes).containsKey(quinn).doesNotContainKey(pia);
        assertThat(monthlyOnes.size() + weeklyOnes.size()).as("every recipient has one frequency")
                .isEqualTo(everyone.size());

        // the exports
        String choices = api.get(ADMIN + "/consent/export/choices?format=csv&purpose=newsletter", api.adminToken())
                .body();
        assertThat(choices.lines().findFirst().orElseThrow()).endsWith(",region,frequency,pausedUntil");
        assertThat(choices.lines().filter(l -> l.startsWith(pia + ",")).findFirst().orElseThrow()).endsWith(",weekly,");

        // an administrator on the person's behalf, with a reason
        Api.Reply byAdmin = api.post(ADMIN + "/consent/users/" + pia + "/choices", api.adminToken(), Map.of(
                "reason", "asked by phone for fewer emails", "choices", List.of(Map.of("purpose", "newsletter",
                        "channel", "email", "granted", true, "frequency", "monthly"))));
        assertThat(byAdmin.status()).as(byAdmin.toString()).isEqualTo(200);
        JsonNode onBehalf = history(pia).get(0);
        assertThat(onBehalf.get("via").asText()).isEqualTo("admin");
        assertThat(onBehalf.get("frequency").asText()).isEqualTo("monthly");
        assertThat(onBehalf.get("previousFrequency").asText()).isEqualTo("weekly");

        // a no has no frequency; the person is in no audience
        Api.Reply no = choose(tokens.access(), Map.of("purpose", "newsletter", "channel", "email", "granted", false));
        assertThat(no.status()).as(no.toString()).isEqualTo(200);
        assertThat(email(no.json()).has("frequency")).isFalse();
        assertThat(history(pia).get(0).has("frequency")).isFalse();
        assertThat(audience("")).doesNotContainKey(pia);
    }

    @Test
    @DisplayName("given a frequency with a no, one not offered, or on a purpose without frequencies, then the write is"
            + " refused naming it and no row is written; the audience refuses a frequency it cannot filter on")
    void refusals() {
        String id = api.createUserIn(REALM, "freq-ray");
        String token = api.login(REALM, "freq-ray", "freq-ray").access();
        int version = Api.purpose(api.get(ME, token).json(), "newsletter").get("version").asInt();
        int rows = history(id).size();
        List<Map<String, Object>> bad = List.of(
                Map.of("purpose", "newsletter", "channel", "email", "granted", false, "frequency", "weekly"),
                Map.of("purpose", "newsletter", "channel", "email", "granted", true, "version", version, "frequency",
                        "daily"),
                Map.of("purpose", "analytics", "granted", true, "version", 1, "frequency", "weekly"));
        List<String> names = List.of("a frequency belongs to a yes", "not 'daily'", "offers no frequencies");
        for (int i = 0; i < bad.size(); i++) {
            Api.Reply r = choose(token, bad.get(i));
            assertThat(r.status()).as(r.toString()).isEqualTo(400);
            assertThat(r.json().get("error").asText()).isEqualTo("invalid_value");
            assertThat(r.json().get("message").asText()).contains(names.get(i));
        }
        assertThat(history(id)).hasSize(rows);

        String mailer = mailer();
        Api.Reply daily = api.get("/realms/" + REALM + "/consent/senders/audience?purpose=newsletter&channel=email"
                + "&frequency=daily", mailer);
        assertThat(daily.status()).as(daily.toString()).isEqualTo(400);
        assertThat(daily.body()).contains("daily", "weekly", "monthly");
        Api.Reply none = api.get("/realms/" + REALM + "/consent/senders/audience?purpose=sms-reminders"
                + "&frequency=weekly", mailer);
        assertThat(none.status()).as(none.toString()).isEqualTo(400);
        assertThat(none.body()).contains("offers no frequencies");
    }

    @Test
    @DisplayName("given frequencies that cannot work, then the catalog refuses them naming the problem and the"
            + " purpose stays as it was")
    void catalogRefusals() {
        String admin = api.adminToken();
        JsonNode before = api.get(ADMIN + "/consent/purposes/newsletter", admin).json();
        assertThat(before.get("frequencies")).hasSize(2);
        assertThat(before.at("/frequencies/0/translations/de").asText()).isEqualTo("Wöchentlich");
        record Bad(String purpose, Map<String, Object> body, String says) {
        }
        List<Bad> bad = List.of(
                new Bad("newsletter", Map.of("defaultFrequency", "daily"), "not one of the frequencies"),
                new Bad("newsletter", Map.of("frequencies", List.of(Map.of("key", "weekly", "label", "W"),
                        Map.of("key", "weekly", "label", "W2")), "defaultFrequency", "weekly"), "offered twice"),
                new Bad("newsletter", Map.of("frequencies", List.of(Map.of("key", "Every Day", "label", "Daily")),
                        "defaultFrequency", "Every Day"), "frequency key 'Every Day'"),
                new Bad("newsletter", Map.of("frequencies", List.of(Map.of("key", "weekly", "label", " "))),
                        "needs a label"),
                new Bad("analytics", FREQUENCIES, "only a purpose with channels"),
                new Bad("security-alerts", FREQUENCIES, "only an optional purpose"));
        for (Bad b : bad) {
            Api.Reply r = api.put(ADMIN + "/consent/purposes/" + b.purpose(), admin, b.body());
            assertThat(r.status()).as(b + ": " + r).isEqualTo(400);
            assertThat(r.body()).as(b.toString()).contains(b.says());
        }
        assertThat(api.get(ADMIN + "/consent/purposes/newsletter", admin).json()).isEqualTo(before);
        assertThat(api.get(ADMIN + "/consent/purposes/analytics", admin).json().has("frequencies")).isFalse();
    }

    static String appMappers() {
        String id = api.get(ADMIN + "/clients?clientId=" + Api.APP, api.adminToken()).json().get(0).get("id")
                .asText();
        return ADMIN + "/clients/" + id + "/protocol-mappers/models";
    }

    static String addDetailedMapper() {
        Api.Reply r = api.post(appMappers(), api.adminToken(), ClaimsIT.mapper("it-frequency-detail", Map.of(
                "claim.name", "consent_detail", "claim.form", "detailed")));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        String location = r.header("Location");
        return location.substring(location.lastIndexOf('/') + 1);
    }
}
