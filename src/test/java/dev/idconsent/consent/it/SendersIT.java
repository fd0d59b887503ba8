package dev.idconsent.consent.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What an operator sees of the apps that act on opt-outs: how long each opt-out took to reach each client reading the
 * feed and each webhook, the oldest one still waiting, and a warning before a sender nears the 48 hours mailbox
 * providers allow. Realm {@code it-senders} (a copy of demo), so no other test's feed reads count here.
 */
@ExtendWith(KeycloakExtension.class)
@DisplayName("Senders held to 48 hours: opt-out delays per feed reader, audience reader and webhook, the oldest"
        + " waiting, a warning")
class SendersIT {
    static final String REALM = "it-senders";
    static final String ADMIN = "/admin/realms/" + REALM;
    static final String FEED = ADMIN + "/consent/feed";
    static final String SENDERS = ADMIN + "/consent/senders";
    static Api api;

    @BeforeAll
    static void realm() throws Exception {
        api = new Api(KeycloakExtension.server());
        api.copyDemoRealm(REALM);
        Api.Reply events = api.put(ADMIN, api.adminToken(), Map.of("adminEventsEnabled", true,
                "adminEventsDetailsEnabled", true));
        assertThat(events.status()).as(events.toString()).isEqualTo(204);
        // the mailer follows the feed: Keycloak's view-users, nothing else of realm management
        String client = api.get(ADMIN + "/clients?clientId=realm-management", api.adminToken()).json().get(0)
                .get("id").asText();
        String account = api.get(ADMIN + "/users?exact=true&username=service-account-mailer", api.adminToken())
                .json().get(0).get("id").asText();
        JsonNode viewUsers = api.get(ADMIN + "/clients/" + client + "/roles/view-users", api.adminToken()).json();
        Api.Reply r = api.post(ADMIN + "/users/" + account + "/role-mappings/clients/" + client, api.adminToken(),
                List.of(viewUsers));
        assertThat(r.status()).as(r.toString()).isEqualTo(204);
    }

    @AfterAll
    static void removeRealm() {
        api.delete(ADMIN, api.adminToken());
    }

    static String mailer() {
        return api.serviceToken(REALM, "mailer", "mailer-secret");
    }

    /** Reads the feed from {@code after} as the token's client; the cursor for the next read. */
    static long read(String token, long after) {
        Api.Reply r = api.get(FEED + "?after=" + after, token);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json().get("next").asLong();
    }

    /** Reads until the end; the end's cursor. */
    static long drain(String token, long after) {
        long cursor = after;
        while (true) {
            long next = read(token, cursor);
            if (next == cursor) {
                return cursor;
            }
            cursor = next;
        }
    }

    /** The person says no to the newsletter (an admin on their behalf): an opt-out. */
    static void optOut(String userId, boolean granted) {
        Api.Reply r = api.post(ADMIN + "/consent/users/" + userId + "/choices", api.adminToken(), Map.of(
                "reason", "asked by phone", "choices", List.of(Map.of("purpose", "newsletter", "channel", "email",
                        "granted", granted))));
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
    }

    static JsonNode senders() {
        Api.Reply r = api.get(SENDERS, api.adminToken());
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json();
    }

    static JsonNode sender(String kind, String name) {
        for (JsonNode s : senders().get("senders")) {
            if (s.get("kind").asText().equals(kind) && s.get("name").asText().equals(name)) {
                return s;
            }
        }
        return null;
    }

    static JsonNode await(String kind, String name, Predicate<JsonNode> until) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 30_000;
        while (true) {
            JsonNode s = sender(kind, name);
            if (s != null && until.test(s)) {
                return s;
            }
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError(kind + " sender " + name + " did not get there: " + s);
            }
            Thread.sleep(200);
        }
    }

    @Test
    @DisplayName("given a mailer that follows the feed, then an opt-out waits until its next read passes it, its delay"
            + " is counted once, and a cursor past the end acknowledges nothing that comes later")
    void feedReader() throws Exception {
        String token = mailer();
        String person = api.createUserIn(REALM, "senders-feed");
        long start = drain(token, 0);
        JsonNode fresh = sender("feed", "mailer");
        assertThat(fresh).as("the first read makes the client a sender").isNotNull();
        assertThat(fresh.get("oldestWaiting").isNull()).isTrue();
        assertThat(fresh.get("reached").asLong()).isEqualTo(start);

        long before = System.currentTimeMillis();
        optOut(person, false);
        JsonNode waiting = sender("feed", "mailer");
        assertThat(waiting.at("/oldestWaiting/purpose").asText()).isEqualTo("newsletter");
        assertThat(waiting.at("/oldestWaiting/channel").asText()).isEqualTo("email");
        assertThat(waiting.get("late").asBoolean()).isFalse();
        long optOuts = waiting.get("optOuts").asLong();

        // the read that hands the row over does not say the mailer has acted on it; the next one does
        long next = read(token, start);
        assertThat(next).isGreaterThan(start);
        assertThat(sender("feed", "mailer").at("/oldestWaiting/purpose").asText()).isEqualTo("newsletter");
        Thread.sleep(1500);
        read(token, next);
        long elapsed = System.currentTimeMillis() - before;
        JsonNode reached = sender("feed", "mailer");
        assertThat(reached.get("oldestWaiting").isNull()).as(reached.toString()).isTrue();
        assertThat(reached.get("optOuts").asLong()).isEqualTo(optOuts + 1);
        assertThat(reached.get("maxSeconds").asDouble()).isBetween(1.5, elapsed / 1000.0);
        if (optOuts == 0) { // this test's opt-out alone: every percentile is it
            assertThat(reached.get("p50Seconds").asDouble()).isEqualTo(reached.get("maxSeconds").asDouble());
            assertThat(reached.get("p99Seconds").asDouble()).isEqualTo(reached.get("maxSeconds").asDouble());
        }

        read(token, next); // the same cursor again: counted once
        assertThat(sender("feed", "mailer").get("optOuts").asLong()).isEqualTo(optOuts + 1);

        // a cursor past the end takes in what there is, not what comes later
        read(token, 1_000_000_000L);
        optOut(person, true);
        optOut(person, false);
        JsonNode later = sender("feed", "mailer");
        assertThat(later.at("/oldestWaiting/purpose").asText()).as(later.toString()).isEqualTo("newsletter");
        drain(token, read(token, next));
        assertThat(sender("feed", "mailer").get("oldestWaiting").isNull()).isTrue();
    }

    /** One page of the newsletter's email audience as the mailer; {@code cursor} null: from the first page. */
    static JsonNode audience(String token, String cursor) {
        Api.Reply r = api.get("/realms/" + REALM + "/consent/senders/audience?purpose=newsletter&channel=email"
                + "&links=false&max=1" + (cursor == null ? "" : "&cursor=" + cursor), token);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json();
    }

    @Test
    @DisplayName("given a mailer that reads the audience, then an opt-out waits until its next read from the first"
            + " page, which counts its delay once; a later page takes in nothing")
    void audienceReader() throws Exception {
        String token = mailer();
        String person = api.createUserIn(REALM, "senders-audience");
        String name = "mailer: newsletter/email";
        JsonNode first = audience(token, null);
        JsonNode fresh = sender("audience", name);
        assertThat(fresh).as("the first read makes the client a sender of this purpose and channel").isNotNull();
        assertThat(fresh.get("oldestWaiting").isNull()).isTrue();
        long optOuts = fresh.get("optOuts").asLong();

        long before = System.currentTimeMillis();
        optOut(person, false);
        JsonNode waiting = sender("audience", name);
        assertThat(waiting.at("/oldestWaiting/purpose").asText()).isEqualTo("newsletter");
        assertThat(waiting.at("/oldestWaiting/channel").asText()).isEqualTo("email");
        // a later page of a walk that began before the opt-out does not take it in
        audience(token, first.get("next").asText());
        assertThat(sender("audience", name).get("oldestWaiting").isNull()).isFalse();

        Thread.sleep(1500);
        audience(token, null);
        long elapsed = System.currentTimeMillis() - before;
        JsonNode reached = sender("audience", name);
        assertThat(reached.get("oldestWaiting").isNull()).as(reached.toString()).isTrue();
        assertThat(reached.get("optOuts").asLong()).isEqualTo(optOuts + 1);
        assertThat(reached.get("maxSeconds").asDouble()).isBetween(1.5, elapsed / 1000.0);
        audience(token, null); // read again: counted once
        assertThat(sender("audience", name).get("optOuts").asLong()).isEqualTo(optOuts + 1);
        // an admin forgets it: it starts again with its next read
        String id = sender("audience", name).get("id").asText();
        assertThat(api.delete(SENDERS + "/" + id, api.adminToken()).status()).isEqualTo(204);
        assertThat(sender("audience", name)).isNull();
    }

    @Test
    @DisplayName("given a reader that stops, then it shows late on the admin API and /metrics, one admin event is raised"
            + " however often the watch looks, and catching up clears it")
    void lateSender() throws Exception {
        String admin = api.adminToken();
        String name = "master/admin-cli"; // the admin's own token: a client of another realm, named with it
        String person = api.createUserIn(REALM, "senders-late");
        long end = drain(admin, 0);
        Api.Reply set = api.put(ADMIN + "/consent/settings", admin, Map.of("senderWarningHours", 0.0005)); // 1.8 s
        assertThat(set.status()).as(set.toString()).isEqualTo(200);
        try {
            optOut(person, false);
            JsonNode late = await("feed", name, s -> s.get("late").asBoolean() && !s.get("warnedAt").isNull());
            assertThat(late.at("/oldestWaiting/ageSeconds").asDouble()).isGreaterThanOrEqualTo(1.8);
            String id = late.get("id").asText();
            Thread.sleep(3000); // three more looks of the watch (one a second here)
            List<JsonNode> events = lateEvents(id);
            assertThat(events).as("one warning per delay").hasSize(1);
            JsonNode event = events.get(0);
            assertThat(event.at("/details/idc_sender").asText()).isEqualTo(name);
            assertThat(event.at("/details/idc_kind").asText()).isEqualTo("feed");
            assertThat(event.at("/details/idc_oldest_waiting_purpose").asText()).isEqualTo("newsletter");
            assertThat(event.at("/details/idc_warning_hours").asText()).isEqualTo("0.0005");
            assertThat(event.at("/authDetails/userId").isMissingNode() || event.at("/authDetails/userId").isNull())
                    .as("raised by the plugin, not by an admin: " + event).isTrue();

            String metrics = awaitMetric("idc_sender_late", name, 1.0);
            assertThat(MetricsIT.value(metrics, "idc_sender_oldest_waiting_opt_out_seconds", labels(name)))
                    .isGreaterThanOrEqualTo(1.8);

            drain(admin, end); // catches up
            JsonNode caughtUp = await("feed", name, s -> s.get("warnedAt").isNull());
            assertThat(caughtUp.get("late").asBoolean()).isFalse();
            assertThat(caughtUp.get("oldestWaiting").isNull()).isTrue();
            String after = awaitMetric("idc_sender_late", name, 0.0);
            assertThat(MetricsIT.value(after, "idc_sender_oldest_waiting_opt_out_seconds", labels(name))).isZero();
            assertThat(MetricsIT.value(after, "idc_sender_opt_out_delay_seconds", withQuantile(name, "1")))
                    .isGreaterThanOrEqualTo(1.8);
            assertThat(lateEvents(id)).hasSize(1);
        } finally {
            api.put(ADMIN + "/consent/settings", api.adminToken(), Map.of("senderWarningHours", 24));
        }
    }

    static List<JsonNode> lateEvents(String senderId) {
        Api.Reply r = api.get(ADMIN + "/admin-events?resourceTypes=CUSTOM&operationTypes=ACTION&resourcePath=consent"
                + "/senders/" + senderId + "&max=100", api.adminToken());
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        List<JsonNode> out = new ArrayList<>();
        r.json().forEach(out::add);
        return out;
    }

    static Map<String, String> labels(String name) {
        return MetricsIT.labels("realm", REALM, "kind", "feed", "sender", name);
    }

    static Map<String, String> withQuantile(String name, String quantile) {
        return MetricsIT.labels("realm", REALM, "kind", "feed", "sender", name, "quantile", quantile);
    }

    static String awaitMetric(String metric, String name, double value) throws Exception {
        long deadline = System.currentTimeMillis() + 30_000;
        while (true) {
            String metrics = MetricsIT.scrape();
            Double seen = MetricsIT.samples(metrics, metric).get(labels(name));
            if (seen != null && seen == value) {
                return metrics;
            }
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError(metric + " of " + name + " is " + seen + ", not " + value);
            }
            Thread.sleep(300);
        }
    }

    @Test
    @DisplayName("given a webhook whose receiver fails, then the opt-out waits for it; once the receiver acknowledges,"
            + " the delay is counted and nothing waits")
    void webhook() throws Exception {
        Assumptions.assumeTrue(KeycloakExtension.server() instanceof DistributionServer,
                "webhook receivers run in the test JVM on 127.0.0.1");
        String person = api.createUserIn(REALM, "senders-hook");
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            receiver.failNext(1_000);
            Api.Reply created = api.post(ADMIN + "/consent/webhooks", api.adminToken(), Map.of("url", receiver.url(),
                    "retryBaseSeconds", 1, "retryMaxSeconds", 1));
            assertThat(created.status()).as(created.toString()).isEqualTo(201);
            String id = created.json().get("id").asText();
            try {
                JsonNode fresh = sender("webhook", id);
                assertThat(fresh).as("a webhook is a sender from its creation").isNotNull();
                assertThat(fresh.get("id").asText()).isEqualTo(id);
                optOut(person, false);
                while (receiver.requests().size() < 2) { // it was offered the opt-out and said no, twice
                    Thread.sleep(200);
                }
                JsonNode waiting = sender("webhook", id);
                assertThat(waiting.at("/oldestWaiting/purpose").asText()).as(waiting.toString())
                        .isEqualTo("newsletter");
                assertThat(waiting.get("optOuts").asLong()).isZero();

                receiver.failNext(0);
                JsonNode reached = await("webhook", id, s -> s.get("oldestWaiting").isNull());
                assertThat(reached.get("optOuts").asLong()).isEqualTo(1);
                assertThat(reached.get("maxSeconds").asDouble()).isGreaterThan(0);
                assertThat(receiver.accepted()).isNotEmpty();

                // refusals: a webhook is forgotten only with its endpoint
                Api.Reply refused = api.delete(SENDERS + "/" + id, api.adminToken());
                assertThat(refused.status()).as(refused.toString()).isEqualTo(409);
                assertThat(refused.json().get("error").asText()).isEqualTo("conflict");
                assertThat(sender("webhook", id)).isNotNull();
            } finally {
                api.delete(ADMIN + "/consent/webhooks/" + id, api.adminToken());
            }
            assertThat(sender("webhook", id)).as("gone with its endpoint").isNull();
        }
    }

    @Test
    @DisplayName("given callers without the rights or with bad input, then nothing is shown, changed or forgotten")
    void refusals() throws Exception {
        String token = mailer();
        drain(token, 0);
        int count = senders().get("senders").size();
        String id = sender("feed", "mailer").get("id").asText();

        // the mailer may read the feed (view-users) but not the report (view-realm), nor forget itself
        Api.Reply read = api.get(SENDERS, token);
        assertThat(read.status()).as(read.toString()).isEqualTo(403);
        Api.Reply forget = api.delete(SENDERS + "/" + id, token);
        assertThat(forget.status()).as(forget.toString()).isEqualTo(403);
        Api.Reply unknown = api.delete(SENDERS + "/no-such-sender", api.adminToken());
        assertThat(unknown.status()).as(unknown.toString()).isEqualTo(404);
        assertThat(unknown.json().get("error").asText()).isEqualTo("not_found");
        Api.Reply otherRealm = api.delete("/admin/realms/demo/consent/senders/" + id, api.adminToken());
        assertThat(otherRealm.status()).as("a sender of another realm").isEqualTo(404);
        assertThat(senders().get("senders").size()).isEqualTo(count);

        for (Object bad : List.of(0, -1, 721, 0.0001, "soon")) {
            Api.Reply r = api.put(ADMIN + "/consent/settings", api.adminToken(), Map.of("senderWarningHours", bad));
            assertThat(r.status()).as(bad + ": " + r).isEqualTo(400);
            assertThat(r.body()).contains("senderWarningHours");
        }
        Api.Reply settings = api.get(ADMIN + "/consent/settings", api.adminToken());
        assertThat(settings.json().get("senderWarningHours").decimalValue()).isEqualByComparingTo("24");

        // an admin forgets a reader that stopped for good: audited; its next read starts it anew
        Api.Reply gone = api.delete(SENDERS + "/" + id, api.adminToken());
        assertThat(gone.status()).as(gone.toString()).isEqualTo(204);
        assertThat(senders().get("senders").size()).isEqualTo(count - 1);
        JsonNode audit = api.get(ADMIN + "/admin-events?resourceTypes=CUSTOM&operationTypes=DELETE&resourcePath="
                + "consent/senders/" + id, api.adminToken()).json();
        assertThat(audit).hasSize(1);
        read(token, 0);
        assertThat(senders().get("senders").size()).isEqualTo(count);
    }
}
