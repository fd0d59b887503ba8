package dev.idconsent.consent.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Webhook delivery on a two-node cluster over one PostgreSQL (profile {@code reliability}). The receiver takes
 * longer to answer than the deliverer's interval (5 s, the default), so while one delivery is in flight the next
 * ticks run on either node: the endpoint's lease must keep them from sending anything a second time.
 * Own nodes ({@code target/kc-hook-a}, {@code kc-hook-b}) and own database ({@code idc_hooks_cluster}).
 */
@DisplayName("Webhooks on a cluster: one delivery at a time per endpoint, every change exactly once")
class WebhooksClusterRT {
    static final Duration SLOW_ANSWER = Duration.ofSeconds(7);
    static TwoNodes cluster;
    static Database db;
    static ClusterNode a;
    static ClusterNode b;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = TwoNodes.start("idc_hooks_cluster", "hook");
        db = cluster.db;
        a = cluster.a;
        b = cluster.b;
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @DisplayName("given changes through both nodes and a receiver slower than the interval, then it never gets two"
            + " deliveries at once and receives every change once, in order")
    void oneAtATime() throws Exception {
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger mostAtOnce = new AtomicInteger();
        List<Long> received = Collections.synchronizedList(new ArrayList<>());
        HttpServer receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        receiver.setExecutor(java.util.concurrent.Executors.newCachedThreadPool()); // would take parallel requests
        receiver.createContext("/hook", exchange -> {
            int now = inFlight.incrementAndGet();
            mostAtOnce.accumulateAndGet(now, Math::max);
            try (InputStream in = exchange.getRequestBody()) {
                JsonNode body = Api.JSON.readTree(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                Thread.sleep(SLOW_ANSWER.toMillis());
                body.get("changes").forEach(c -> received.add(c.get("id").asLong()));
                exchange.sendResponseHeaders(204, -1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                inFlight.decrementAndGet();
                exchange.close();
            }
        });
        receiver.start();
        try {
            Api atA = new Api(a);
            Api atB = new Api(b);
            String admin = atA.adminToken();
            Api.Reply created = atA.post(WebhooksIT.HOOKS, admin, Map.of("url", "http://127.0.0.1:"
                    + receiver.getAddress().getPort() + "/hook"));
            assertThat(created.status()).as(created.toString()).isEqualTo(201);
            String id = created.json().get("id").asText();

            List<String> tokensA = new ArrayList<>();
            List<String> tokensB = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                atA.createUser("hook-cluster-" + i);
                tokensA.add(atA.login("hook-cluster-" + i).access());
                tokensB.add(atB.login("hook-cluster-" + i).access());
            }
            List<Long> written = new ArrayList<>();
            Instant writeUntil = Instant.now().plus(SLOW_ANSWER.multipliedBy(3)); // across several deliveries
            boolean granted = false;
            for (int i = 0; Instant.now().isBefore(writeUntil) || i < 30; i++) {
                int user = i % 3;
                if (user == 0) {
                    granted = !granted;
                }
                Api api = i % 2 == 0 ? atA : atB;
                String token = (i % 2 == 0 ? tokensA : tokensB).get(user);
                Api.Reply r = api.choose(token, List.of(Api.choice("analytics", granted)));
                assertThat(r.status()).as(r.toString()).isEqualTo(200);
                r.json().get("changes").forEach(c -> written.add(c.get("id").asLong()));
                Thread.sleep(200);
            }

            Instant end = Instant.now().plus(Duration.ofMinutes(3));
            JsonNode status = null;
            while (Instant.now().isBefore(end)) {
                status = atB.get(WebhooksIT.HOOKS + "/" + id + "/status", atB.adminToken()).json();
                if (status.get("backlog").asLong() == 0 && received.size() >= written.size()) {
                    break;
                }
                Thread.sleep(1000);
            }
            System.out.printf("WEBHOOK-CLUSTER changes=%d received=%d mostAtOnce=%d status=%s%n", written.size(),
                    received.size(), mostAtOnce.get(), status);
            assertThat(status.get("backlog").asLong()).isZero();
            assertThat(mostAtOnce.get()).as("deliveries in flight at once to one endpoint").isEqualTo(1);
            assertThat(received).as("every change once, in order").containsExactlyElementsOf(written);
            atA.delete(WebhooksIT.HOOKS + "/" + id, atA.adminToken());
        } finally {
            receiver.stop(0);
        }
    }
}
