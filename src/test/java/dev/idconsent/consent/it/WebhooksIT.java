package dev.idconsent.consent.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** What a webhook receiver and the admin who set it up observe. */
@ExtendWith(KeycloakExtension.class)
@DisplayName("Webhooks: every committed change reaches the receiver, signed, once and in order, also after it was down")
class WebhooksIT {
    static final String HOOKS = "/admin/realms/demo/consent/webhooks";
    static final Duration PATIENCE = Duration.ofSeconds(60);

    Api api;
    String admin;
    final List<String> created = new ArrayList<>();

    @BeforeEach
    void setUp() {
        // the receivers listen on this machine's loopback, which only a server started here can reach
        Assumptions.assumeTrue(KeycloakExtension.server() instanceof DistributionServer,
                "webhook receivers run in the test JVM on 127.0.0.1");
        api = new Api(KeycloakExtension.server());
        admin = api.adminToken();
    }

    @AfterEach
    void deleteEndpoints() {
        created.forEach(id -> api.delete(HOOKS + "/" + id, api.adminToken()));
    }

    JsonNode create(Map<String, Object> body) {
        Api.Reply r = api.post(HOOKS, admin, body);
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        created.add(r.json().get("id").asText());
        return r.json();
    }

    JsonNode status(String id) {
        Api.Reply r = api.get(HOOKS + "/" + id + "/status", api.adminToken());
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json();
    }

    /** Polls the endpoint's status until the condition holds; answers that status. */
    JsonNode awaitStatus(String id, Predicate<JsonNode> condition, String what) throws InterruptedException {
        Instant end = Instant.now().plus(PATIENCE);
        JsonNode last = null;
        while (Instant.now().isBefore(end)) {
            last = status(id);
            if (condition.test(last)) {
                return last;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("waited " + PATIENCE.toSeconds() + " s for " + what + "; last status " + last);
    }

    /** Changes {@code count} choices of new users through the user API; answers the history row ids, in order. */
    List<Long> makeChanges(String prefix, int count) {
        List<Long> ids = new ArrayList<>();
        Map<String, String> tokens = new LinkedHashMap<>();
        for (int u = 0; u < 2; u++) {
            api.createUser(prefix + u);
            tokens.put(prefix + u, api.login(prefix + u).access());
        }
        Map<String, Boolean> state = new HashMap<>();
        List<String> users = List.copyOf(tokens.keySet());
        for (int i = 0; i < count; i++) {
            String user = users.get(i % users.size());
            String purpose = (i / 2) % 2 == 0 ? "newsletter" : "analytics";
            boolean granted = !state.getOrDefault(user + purpose, purpose.equals("newsletter")); // always a change
            state.put(user + purpose, granted);
            Api.Reply r = api.choose(tokens.get(user), List.of(Api.choice(purpose, granted)));
            assertThat(r.status()).as(r.toString()).isEqualTo(200);
            r.json().get("changes").forEach(c -> ids.add(c.get("id").asLong()));
        }
        return ids;
    }

    @Test
    @DisplayName("given a receiver that answers 500 to its first 4 requests while people change choices, then the"
            + " admin status shows the failures, and after it recovers every change arrived exactly once, in order,"
            + " with a valid signature, and the backlog is 0")
    void outageThenRecovery() throws Exception {
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            receiver.failNext(4);
            JsonNode hook = create(Map.of("url", receiver.url(), "description", "CRM sync",
                    "retryBaseSeconds", 1, "retryMaxSeconds", 2));
            String id = hook.get("id").asText();
            String secret = hook.get("secret").asText();
            assertThat(secret).matches("[0-9a-f]{64}");
            assertThat(hook.at("/status/backlog").asLong()).as("starts at the end of the feed").isZero();

            List<Long> changes = makeChanges("hook-", 6);
            assertThat(changes).hasSize(6);

            JsonNode failing = awaitStatus(id, s -> s.get("attempts").asInt() >= 2, "two failed attempts");
            assertThat(failing.get("lastStatus").asInt()).isEqualTo(500);
            assertThat(failing.get("lastError").asText()).isEqualTo("HTTP 500: down for maintenance");
            assertThat(failing.get("lastErrorAt").isTextual()).isTrue();
            assertThat(failing.get("failing").asBoolean()).isTrue();
            assertThat(failing.get("backlog").asLong()).isEqualTo(6);
            assertThat(failing.get("cursor").asLong()).isEqualTo(hook.at("/status/cursor").asLong());
            assertThat(Instant.parse(failing.get("nextAttemptAt").asText()))
                    .isAfter(Instant.parse(failing.get("lastAttemptAt").asText()));

            JsonNode healthy = awaitStatus(id, s -> s.get("backlog").asLong() == 0 && s.get("attempts").asInt() == 0,
                    "the backlog delivered");
            assertThat(healthy.get("lastStatus").asInt()).isEqualTo(204);
            assertThat(healthy.get("delivered").asLong()).isEqualTo(6);
            assertThat(healthy.get("failing").asBoolean()).isFalse();
            assertThat(healthy.get("lastError").asText()).as("the last error stays visible")
                    .isEqualTo("HTTP 500: down for maintenance");
            assertThat(receiver.failuresLeft()).isZero();

            // what the receiver observed
            List<WebhookReceiver.Request> all = receiver.requests();
            assertThat(all).filteredOn(r -> r.answered() == 500).hasSize(4);
            // backoff as configured: 1 s after the first failure, then 2 s (the maximum); the tick is 1 s, so late
            // by up to a second, never early
            assertThat(all.get(1).receivedAtMillis() - all.get(0).receivedAtMillis()).isBetween(900L, 3000L);
            for (int i = 2; i <= 4; i++) {
                assertThat(all.get(i).receivedAtMillis() - all.get(i - 1).receivedAtMillis()).as("wait before %d", i)
                        .isBetween(1900L, 4000L);
            }
            Set<String> deliveryIds = new HashSet<>();
            List<Long> received = new ArrayList<>();
            List<Long> positions = new ArrayList<>();
            for (WebhookReceiver.Request r : all) {
                assertThat(verify(secret, r.signature(), r.body())).as("signature of %s", r.signature()).isTrue();
                assertThat(verify(secret + "x", r.signature(), r.body())).as("another secret does not verify")
                        .isFalse();
                assertThat(r.contentType()).startsWith("application/json");
                assertThat(r.webhookId()).isEqualTo(id);
                JsonNode body = Api.JSON.readTree(r.body());
                assertThat(body.get("realm").asText()).isEqualTo("demo");
                assertThat(body.get("webhook").asText()).isEqualTo(id);
                assertThat(body.get("delivery").asText()).isEqualTo(r.deliveryId());
                assertThat(deliveryIds.add(r.deliveryId())).as("a new delivery id per attempt").isTrue();
                if (received.isEmpty()) { // every attempt until the first success starts with the first change
                    assertThat(body.get("changes").get(0).get("id").asLong()).isEqualTo(changes.get(0));
                }
                if (r.answered() == 204) {
                    for (JsonNode c : body.get("changes")) {
                        received.add(c.get("id").asLong());
                        positions.add(c.get("position").asLong());
                        assertThat(c.get("purpose").isTextual()).isTrue();
                        assertThat(c.get("state").isTextual()).isTrue();
                        assertThat(c.get("via").asText()).isEqualTo("api");
                    }
                    assertThat(body.get("next").asLong()).isEqualTo(positions.get(positions.size() - 1));
                }
            }
            assertThat(received).as("every change exactly once, in commit order").containsExactlyElementsOf(changes);
            assertThat(positions).isSorted().doesNotHaveDuplicates();
            assertThat(healthy.get("cursor").asLong()).isEqualTo(positions.get(positions.size() - 1));

            // the operator's view: delivery outcomes on Keycloak's /metrics
            String metrics = MetricsIT.scrape();
            assertThat(MetricsIT.value(metrics, "idc_webhook_deliveries_total", MetricsIT.labels("realm", "demo",
                    "webhook", id, "outcome", "failure"))).isEqualTo(4.0);
            assertThat(MetricsIT.value(metrics, "idc_webhook_deliveries_total", MetricsIT.labels("realm", "demo",
                    "webhook", id, "outcome", "success"))).isEqualTo(receiver.accepted().size());
            assertThat(MetricsIT.value(metrics, "idc_webhook_changes_delivered_total", MetricsIT.labels("realm",
                    "demo", "webhook", id))).isEqualTo(6.0);

            // nothing more arrives once everything is acknowledged
            int before = receiver.requests().size();
            Thread.sleep(3000);
            assertThat(receiver.requests()).hasSize(before);
        }
    }

    @Test
    @DisplayName("given an endpoint whose receiver is not running, then its status says it cannot connect; pointed at a"
            + " running receiver it then gets everything it missed")
    void receiverNotRunning() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        JsonNode hook = create(Map.of("url", "http://127.0.0.1:" + closedPort + "/hook", "retryBaseSeconds", 1,
                "retryMaxSeconds", 1));
        String id = hook.get("id").asText();
        List<Long> changes = makeChanges("hook-down-", 3);
        JsonNode down = awaitStatus(id, s -> s.get("attempts").asInt() >= 1, "a failed attempt");
        assertThat(down.get("lastStatus").isNull()).isTrue();
        assertThat(down.get("lastError").asText()).startsWith("cannot connect");
        assertThat(down.get("backlog").asLong()).isEqualTo(3);

        try (WebhookReceiver receiver = new WebhookReceiver()) {
            Api.Reply moved = api.put(HOOKS + "/" + id, admin, Map.of("url", receiver.url()));
            assertThat(moved.status()).as(moved.toString()).isEqualTo(200);
            assertThat(moved.json().has("secret")).isFalse();
            awaitStatus(id, s -> s.get("backlog").asLong() == 0, "the backlog delivered");
            List<Long> received = new ArrayList<>();
            for (WebhookReceiver.Request r : receiver.accepted()) {
                assertThat(verify(hook.get("secret").asText(), r.signature(), r.body())).isTrue();
                Api.JSON.readTree(r.body()).get("changes").forEach(c -> received.add(c.get("id").asLong()));
            }
            assertThat(received).containsExactlyElementsOf(changes);
        }
    }

    @Test
    @DisplayName("given an endpoint with a one-hour backoff that failed once, then nothing is sent during the wait,"
            + " and retry-now delivers at once")
    void retryNow() throws Exception {
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            receiver.failNext(1);
            JsonNode hook = create(Map.of("url", receiver.url(), "retryBaseSeconds", 3600));
            String id = hook.get("id").asText();
            List<Long> changes = makeChanges("hook-retry-", 1);
            JsonNode failed = awaitStatus(id, s -> s.get("attempts").asInt() == 1, "one failed attempt");
            assertThat(Duration.between(Instant.parse(failed.get("lastAttemptAt").asText()),
                    Instant.parse(failed.get("nextAttemptAt").asText())).toSeconds()).isBetween(3590L, 3600L);
            Thread.sleep(3000);
            assertThat(receiver.requests()).hasSize(1);

            Api.Reply r = api.post(HOOKS + "/" + id + "/retry-now", admin, null);
            assertThat(r.status()).as(r.toString()).isEqualTo(200);
            awaitStatus(id, s -> s.get("backlog").asLong() == 0, "the change delivered");
            assertThat(receiver.requests()).hasSize(2);
            assertThat(Api.JSON.readTree(receiver.accepted().get(0).body()).at("/changes/0/id").asLong())
                    .isEqualTo(changes.get(0));
        }
    }

    @Test
    // HTTP behaviour of the deliverer, the same on every database (30 s of receivers)
    @EnabledIfSystemProperty(named = "it.db", matches = "h2",
            disabledReason = "database-agnostic; runs on H2 only to keep .ci/run short")
    @DisplayName("given receivers that stream an endless body, dribble a body or never answer (five, more than the"
            + " deliverer's threads) beside a healthy one while users change choices, then the healthy one gets every"
            + " change within five intervals, the hostile ones fail with a clear lastError, each of their connections"
            + " is closed, and the server's heap stays flat")
    void hostileReceivers() throws Exception {
        HostileReceiver.Behaviour[] kinds = {HostileReceiver.Behaviour.ENDLESS_BODY, HostileReceiver.Behaviour.DRIBBLE,
                HostileReceiver.Behaviour.SILENT, HostileReceiver.Behaviour.SILENT, HostileReceiver.Behaviour.SILENT};
        List<HostileReceiver> hostiles = new ArrayList<>();
        try (WebhookReceiver healthy = new WebhookReceiver()) {
            for (HostileReceiver.Behaviour kind : kinds) {
                hostiles.add(new HostileReceiver(kind));
            }
            Map<String, Object> pressing = Map.of("retryBaseSeconds", 1, "retryMaxSeconds", 1); // retry every second
            String healthyId = create(Map.of("url", healthy.url(), "retryBaseSeconds", 1, "retryMaxSeconds", 1))
                    .get("id").asText();
            List<String> hostileIds = new ArrayList<>();
            for (int i = 0; i < kinds.length; i++) {
                Map<String, Object> body = new HashMap<>(pressing);
                body.put("url", hostiles.get(i).url());
                body.put("description", "hostile: " + kinds[i]);
                hostileIds.add(create(body).get("id").asText());
            }

            api.createUser("hostile-0");
            String token = api.login("hostile-0").access();
            List<Double> heap = new ArrayList<>();
            heap.add(heapUsed());
            Map<Long, Long> committedAt = new LinkedHashMap<>(); // history id -> when the API answered
            boolean granted = false;
            for (int i = 0; i < 12; i++) {
                granted = !granted;
                Api.Reply r = api.choose(token, List.of(Api.choice("analytics", granted)));
                assertThat(r.status()).as(r.toString()).isEqualTo(200);
                long now = System.currentTimeMillis();
                r.json().get("changes").forEach(c -> committedAt.put(c.get("id").asLong(), now));
                Thread.sleep(2500);
                heap.add(heapUsed());
            }
            awaitStatus(healthyId, s -> s.get("backlog").asLong() == 0, "the healthy endpoint's backlog delivered");

            // the healthy receiver: every change, once, in order, each within five intervals of its commit
            Map<Long, Long> arrivedAt = new LinkedHashMap<>();
            for (WebhookReceiver.Request r : healthy.accepted()) {
                Api.JSON.readTree(r.body()).get("changes").forEach(c -> arrivedAt.put(c.get("id").asLong(),
                        r.receivedAtMillis()));
            }
            assertThat(arrivedAt.keySet()).containsExactlyElementsOf(committedAt.keySet());
            List<Long> latencies = committedAt.keySet().stream().map(id -> arrivedAt.get(id) - committedAt.get(id))
                    .toList();
            assertThat(latencies).as("ms from commit to arrival").allMatch(ms -> ms <= 5000);
            assertThat(healthy.requests()).as("never a failure").allMatch(r -> r.answered() == 204);

            // the hostile ones: failing, nothing acknowledged, a message that says what happened
            Map<HostileReceiver.Behaviour, String> errors = Map.of(
                    HostileReceiver.Behaviour.ENDLESS_BODY, "HTTP 200, but the answer's body is longer than 4096 bytes:"
                            + " not read further, the connection was closed (answer with a short or empty body)",
                    HostileReceiver.Behaviour.DRIBBLE, "HTTP 200, but the answer did not end within 10000 ms: the"
                            + " connection was closed",
                    HostileReceiver.Behaviour.SILENT, "no answer within 10000 ms");
            List<String> figures = new ArrayList<>();
            for (int i = 0; i < hostiles.size(); i++) {
                HostileReceiver.Behaviour kind = kinds[i];
                JsonNode st = awaitStatus(hostileIds.get(i), s -> s.get("attempts").asInt() >= 2, kind
                        + " failing twice");
                assertThat(st.get("lastError").asText()).as(kind.name()).isEqualTo(errors.get(kind));
                assertThat(st.get("lastStatus").isNull()).as(kind.name()).isEqualTo(kind
                        == HostileReceiver.Behaviour.SILENT);
                assertThat(st.get("delivered").asLong()).isZero();
                assertThat(st.get("backlog").asLong()).isEqualTo(committedAt.size());
                HostileReceiver.Stats stats = hostiles.get(i).stats();
                assertThat(stats.connections()).as(kind.name()).isGreaterThanOrEqualTo(2);
                // the one in flight may still be open; every earlier one the server closed
                assertThat(stats.closedBySender()).as(kind.name()).isGreaterThanOrEqualTo(stats.connections() - 1);
                assertThat(stats.longestConnectionMillis()).as(kind.name()).isLessThan(12_000);
                if (kind == HostileReceiver.Behaviour.ENDLESS_BODY) {
                    // what it got out before the server closed: the 4 KiB read plus what the sockets buffer
                    assertThat(stats.bytesSent() / stats.connections()).isLessThan(32L << 20);
                }
                figures.add(kind + " " + stats + " attempts=" + st.get("attempts").asInt());
            }
            double before = heap.get(0);
            double most = heap.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
            double max = heapMax();
            System.out.printf("hostileReceivers figures: latency ms %s (max %d); heap MiB before %.0f, max %.0f,"
                    + " after %.0f, samples %s of max %.0f; %s%n", latencies, latencies.stream()
                    .mapToLong(Long::longValue).max().orElseThrow(), before / MIB, most / MIB,
                    heap.get(heap.size() - 1) / MIB, heap.stream().map(h -> Math.round(h / MIB)).toList(), max / MIB,
                    figures);
            // buffering an endless body would exhaust the 512 MiB heap within seconds (and the server would exit)
            assertThat(most).as("heap used, bytes").isLessThan(0.8 * max);
        } finally {
            for (HostileReceiver h : hostiles) {
                h.close();
            }
        }
    }

    static final double MIB = 1024 * 1024;

    /** Keycloak's heap in use now, from its /metrics (all heap pools). */
    static double heapUsed() throws Exception {
        return MetricsIT.samples(MetricsIT.scrape(), "jvm_memory_used_bytes").entrySet().stream()
                .filter(e -> "heap".equals(e.getKey().get("area"))).mapToDouble(Map.Entry::getValue).sum();
    }

    static double heapMax() throws Exception {
        return MetricsIT.samples(MetricsIT.scrape(), "jvm_memory_max_bytes").entrySet().stream()
                .filter(e -> "heap".equals(e.getKey().get("area")) && e.getValue() > 0)
                .mapToDouble(Map.Entry::getValue).sum();
    }

    @Nested
    @DisplayName("Admin API")
    class AdminApi {
        @Test
        @DisplayName("given a receiver inside the server's network (private, cloud metadata, IPv6 loopback), then 400"
                + " invalid_webhook on url names the address class and the option, and nothing is stored; a loopback"
                + " receiver the server's allow-list names is accepted")
        void destinations() throws Exception {
            int before = api.get(HOOKS, admin).json().size();
            Map<String, String> refused = Map.of(
                    "http://10.1.2.3/x", "10.1.2.3, a private address",
                    "http://169.254.169.254/latest/meta-data/", "169.254.169.254, a link-local address",
                    "http://[::1]:8080/hook", "0:0:0:0:0:0:0:1, a loopback address",
                    "https://[fd00:ec2::254]/", "fd00:ec2:0:0:0:0:0:254, a private address",
                    "http://0.0.0.0:8080/", "0.0.0.0, an any-local address");
            for (Map.Entry<String, String> e : refused.entrySet()) {
                Api.Reply r = api.post(HOOKS, admin, Map.of("url", e.getKey()));
                assertThat(r.status()).as(r.toString()).isEqualTo(400);
                assertThat(r.json().get("error").asText()).isEqualTo("invalid_webhook");
                assertThat(r.json().get("field").asText()).isEqualTo("url");
                assertThat(r.json().get("message").asText()).isEqualTo("\"url\" points at " + e.getValue()
                        + ": the server sends no webhooks into its own network unless the server option"
                        + " --spi-idc-webhooks--default--allowed-destinations names the host, the address or its"
                        + " range");
            }
            assertThat(api.get(HOOKS, admin).json()).as("nothing stored").hasSize(before);

            try (WebhookReceiver receiver = new WebhookReceiver()) {
                JsonNode hook = create(Map.of("url", receiver.url(), "enabled", false));
                String id = hook.get("id").asText();
                assertThat(api.get(HOOKS, admin).json()).hasSize(before + 1);
                // pointing it inward later is refused the same way, and the url stays
                Api.Reply moved = api.put(HOOKS + "/" + id, admin, Map.of("url", "http://192.168.0.10/hook"));
                assertThat(moved.status()).as(moved.toString()).isEqualTo(400);
                assertThat(moved.json().get("field").asText()).isEqualTo("url");
                assertThat(moved.json().get("message").asText()).contains("192.168.0.10, a private address");
                assertThat(api.get(HOOKS + "/" + id, admin).json().get("url").asText()).isEqualTo(receiver.url());
                // an unchanged url is not checked again (the allow-list may have changed since)
                assertThat(api.put(HOOKS + "/" + id, admin, Map.of("url", receiver.url(), "description", "same"))
                        .status()).isEqualTo(200);
            }
        }

        @Test
        @DisplayName("given invalid settings, then 400 invalid_webhook names the field and nothing is created")
        void validation() {
            int before = api.get(HOOKS, admin).json().size();
            assertInvalid(Map.of("description", "no url"), "url");
            assertInvalid(Map.of("url", "ftp://example.com/hook"), "url");
            assertInvalid(Map.of("url", "javascript:alert(1)"), "url");
            assertInvalid(Map.of("url", "/relative/hook"), "url");
            assertInvalid(Map.of("url", "https://user:pw@example.com/hook"), "url");
            assertInvalid(Map.of("url", "https://example.com/hook", "secret", "short"), "secret");
            assertInvalid(Map.of("url", "https://example.com/hook", "retryBaseSeconds", 0), "retryBaseSeconds");
            assertInvalid(Map.of("url", "https://example.com/hook", "retryBaseSeconds", 60, "retryMaxSeconds", 10),
                    "retryMaxSeconds");
            assertInvalid(Map.of("url", "https://example.com/hook", "start", "yesterday"), "start");
            assertInvalid(Map.of("url", "https://example.com/hook", "enabled", "yes"), "enabled");
            Api.Reply unknown = api.post(HOOKS, admin, Map.of("url", "https://example.com/hook", "cursor", 5));
            assertThat(unknown.status()).isEqualTo(400);
            assertThat(unknown.json().get("error").asText()).isEqualTo("invalid_request");
            assertThat(api.get(HOOKS, admin).json()).hasSize(before);
        }

        void assertInvalid(Map<String, Object> body, String field) {
            Api.Reply r = api.post(HOOKS, admin, body);
            assertThat(r.status()).as(r.toString()).isEqualTo(400);
            assertThat(r.json().get("error").asText()).isEqualTo("invalid_webhook");
            assertThat(r.json().get("field").asText()).isEqualTo(field);
            assertThat(r.json().get("message").asText()).contains("\"" + field + "\"");
        }

        @Test
        @DisplayName("given an endpoint, then the secret is shown once, list and get never show it, updates keep"
                + " what is left out, start=beginning backs up to the first change, and delete removes it")
        void lifecycle() {
            Api.Reply events = api.put("/admin/realms/demo/events/config", admin, Map.of("adminEventsEnabled", true,
                    "adminEventsDetailsEnabled", true));
            assertThat(events.status()).as(events.toString()).isEqualTo(204);
            JsonNode hook = create(Map.of("url", "https://receiver.example.com/hook", "secret",
                    "a-secret-of-my-own-choosing", "enabled", false, "start", "beginning"));
            String id = hook.get("id").asText();
            assertThat(hook.get("secret").asText()).isEqualTo("a-secret-of-my-own-choosing");
            assertThat(hook.at("/status/cursor").asLong()).isZero();
            assertThat(hook.at("/status/nextAttemptAt").isNull()).as("disabled: no attempt planned").isTrue();

            JsonNode listed = null;
            for (JsonNode h : api.get(HOOKS, admin).json()) {
                assertThat(h.has("secret")).isFalse();
                if (h.get("id").asText().equals(id)) {
                    listed = h;
                }
            }
            assertThat(listed).isNotNull();
            assertThat(listed.get("url").asText()).isEqualTo("https://receiver.example.com/hook");
            Api.Reply one = api.get(HOOKS + "/" + id, admin);
            assertThat(one.json().has("secret")).isFalse();
            assertThat(one.json().get("enabled").asBoolean()).isFalse();

            Api.Reply updated = api.put(HOOKS + "/" + id, admin, Map.of("description", "renamed",
                    "retryMaxSeconds", 600));
            assertThat(updated.status()).as(updated.toString()).isEqualTo(200);
            assertThat(updated.json().get("description").asText()).isEqualTo("renamed");
            assertThat(updated.json().get("retryMaxSeconds").asInt()).isEqualTo(600);
            assertThat(updated.json().get("url").asText()).isEqualTo("https://receiver.example.com/hook");
            assertThat(updated.json().get("enabled").asBoolean()).isFalse();

            assertThat(api.post(HOOKS + "/" + id + "/retry-now", admin, null).status()).isEqualTo(200);
            assertThat(api.delete(HOOKS + "/" + id, admin).status()).isEqualTo(204);

            // Events → Admin events: each change, with its representation, never with the secret
            JsonNode audit = api.get("/admin/realms/demo/admin-events?resourceTypes=CUSTOM&resourcePath=consent/webhooks/"
                    + id + "*&max=20", admin).json();
            assertThat(audit).extracting(e -> e.get("operationType").asText() + " " + e.get("resourcePath").asText())
                    .containsExactlyInAnyOrder("CREATE consent/webhooks/" + id, "UPDATE consent/webhooks/" + id,
                            "ACTION consent/webhooks/" + id + "/retry-now", "DELETE consent/webhooks/" + id);
            audit.forEach(e -> {
                assertThat(e.at("/details/idc_resource").asText()).isEqualTo("webhook");
                assertThat(e.get("representation").asText()).doesNotContain("a-secret-of-my-own-choosing");
            });
            assertThat(api.put("/admin/realms/demo/events/config", admin, Map.of("adminEventsEnabled", false,
                    "adminEventsDetailsEnabled", false)).status()).isEqualTo(204);
            Api.Reply gone = api.get(HOOKS + "/" + id, admin);
            assertThat(gone.status()).isEqualTo(404);
            assertThat(gone.json().get("error").asText()).isEqualTo("not_found");
        }

        @Test
        @DisplayName("given a user's token instead of an admin's, then the webhooks can be neither read nor created")
        void permissions() {
            api.createUser("hook-nobody");
            String user = api.login("hook-nobody").access();
            assertThat(api.get(HOOKS, user).status()).isEqualTo(403);
            assertThat(api.post(HOOKS, user, Map.of("url", "https://evil.example.com/")).status()).isEqualTo(403);
        }
    }

    /** The receiver's side, written from the README's description, not from the plugin's code. */
    static boolean verify(String secret, String header, String body) throws Exception {
        Map<String, String> parts = new HashMap<>();
        for (String part : header.split(",")) {
            String[] kv = part.split("=", 2);
            parts.put(kv[0], kv[1]);
        }
        long t = Long.parseLong(parts.get("t"));
        if (Math.abs(Instant.now().getEpochSecond() - t) > 300) {
            return false; // stale: a replay
        }
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String expected = HexFormat.of().formatHex(mac.doFinal((t + "." + body).getBytes(StandardCharsets.UTF_8)));
        return java.security.MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                parts.get("v1").getBytes(StandardCharsets.US_ASCII));
    }
}
