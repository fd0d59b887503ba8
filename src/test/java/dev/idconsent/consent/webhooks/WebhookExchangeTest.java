package dev.idconsent.consent.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idconsent.consent.it.HostileReceiver;
import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The exchange with one receiver, against receivers on sockets in this JVM (no Keycloak needed). */
@DisplayName("Webhook exchange: an answer is read up to 4 KiB, the whole exchange ends in time, its connection closed")
class WebhookExchangeTest {
    static final int TIMEOUT = 1500;

    final WebhookExchange exchange = new WebhookExchange(settings("127.0.0.1"));
    final List<AutoCloseable> receivers = new ArrayList<>();

    static WebhookSettings settings(String allowed) {
        return new WebhookSettings(1000, 100, 1000, TIMEOUT, 1, 1, 2, WebhookDestinations.parse(allowed));
    }

    @AfterEach
    void close() throws Exception {
        exchange.close();
        for (AutoCloseable r : receivers) {
            r.close();
        }
    }

    HostileReceiver hostile(HostileReceiver.Behaviour behaviour) throws Exception {
        HostileReceiver r = new HostileReceiver(behaviour);
        receivers.add(r);
        return r;
    }

    static HttpRequest post(String url) {
        return HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"changes\":[]}", StandardCharsets.UTF_8)).build();
    }

    /** Posts and waits; answers the outcome and how long it took. */
    record Timed(WebhookExchange.Outcome outcome, long millis) {
    }

    Timed timed(WebhookExchange with, String url) throws Exception {
        long start = System.nanoTime();
        WebhookExchange.Outcome outcome = with.post(post(url)).get(TIMEOUT + 5000, TimeUnit.MILLISECONDS);
        return new Timed(outcome, (System.nanoTime() - start) / 1_000_000);
    }

    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long end = System.currentTimeMillis() + 5000;
        while (!condition.getAsBoolean()) {
            assertThat(System.currentTimeMillis()).as("waited 5 s for " + what).isLessThan(end);
            Thread.sleep(20);
        }
    }

    @Test
    @DisplayName("given 200 and a body that never ends, then 4 KiB are read, it fails at once, its connection closed")
    void endlessBody() throws Exception {
        HostileReceiver receiver = hostile(HostileReceiver.Behaviour.ENDLESS_BODY);
        Timed t = timed(exchange, receiver.url());
        assertThat(t.outcome().status()).isEqualTo(200);
        assertThat(t.outcome().error()).isEqualTo("HTTP 200, but the answer's body is longer than 4096 bytes: not"
                + " read further, the connection was closed (answer with a short or empty body)");
        assertThat(t.millis()).isLessThan(TIMEOUT);
        await(() -> receiver.stats().closedBySender() == 1, "the receiver to notice the closed connection");
    }

    @Test
    @DisplayName("given 200 and a body dribbled a byte at a time, then it fails when the time is up and is closed")
    void dribble() throws Exception {
        HostileReceiver receiver = hostile(HostileReceiver.Behaviour.DRIBBLE);
        Timed t = timed(exchange, receiver.url());
        assertThat(t.outcome()).isEqualTo(new WebhookExchange.Outcome(200, "HTTP 200, but the answer did not end"
                + " within 1500 ms: the connection was closed"));
        assertThat(t.millis()).isBetween((long) TIMEOUT - 50, TIMEOUT + 1000L);
        await(() -> receiver.stats().closedBySender() == 1, "the receiver to notice the closed connection");
    }

    @Test
    @DisplayName("given a receiver that never answers, then it fails when the time is up and the connection is closed")
    void silent() throws Exception {
        HostileReceiver receiver = hostile(HostileReceiver.Behaviour.SILENT);
        Timed t = timed(exchange, receiver.url());
        assertThat(t.outcome()).isEqualTo(new WebhookExchange.Outcome(null, "no answer within 1500 ms"));
        assertThat(t.millis()).isBetween((long) TIMEOUT - 50, TIMEOUT + 1000L);
        await(() -> receiver.stats().closedBySender() == 1, "the receiver to notice the closed connection");
    }

    @Test
    @DisplayName("given many receivers that never answer, then a healthy one still answers at once: no thread waits")
    void noThreadHeld() throws Exception {
        HostileReceiver silent = hostile(HostileReceiver.Behaviour.SILENT);
        List<CompletableFuture<WebhookExchange.Outcome>> waiting = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            waiting.add(exchange.post(post(silent.url())));
        }
        HttpServer healthy = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        healthy.createContext("/hook", e -> {
            e.getRequestBody().readAllBytes();
            e.sendResponseHeaders(204, -1);
            e.close();
        });
        healthy.start();
        receivers.add(() -> healthy.stop(0));
        Timed t = timed(exchange, "http://127.0.0.1:" + healthy.getAddress().getPort() + "/hook");
        assertThat(t.outcome()).isEqualTo(new WebhookExchange.Outcome(204, null));
        assertThat(t.millis()).isLessThan(500);
        assertThat(waiting).noneMatch(CompletableFuture::isDone);
        for (CompletableFuture<WebhookExchange.Outcome> f : waiting) {
            assertThat(f.get(TIMEOUT + 5000, TimeUnit.MILLISECONDS).error()).isEqualTo("no answer within 1500 ms");
        }
        await(() -> silent.stats().closedBySender() == 20, "all 20 connections closed");
    }

    @Test
    @DisplayName("given a 500 with a long body, then the error keeps its status and the start of the body")
    void errorText() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/hook", e -> {
            e.getRequestBody().readAllBytes();
            byte[] page = ("Internal   error\n" + "y".repeat(100_000)).getBytes(StandardCharsets.UTF_8);
            e.sendResponseHeaders(500, page.length);
            try {
                e.getResponseBody().write(page);
            } catch (java.io.IOException closedEarly) {
                // the sender read what it wanted
            }
            e.close();
        });
        server.start();
        receivers.add(() -> server.stop(0));
        Timed t = timed(exchange, "http://127.0.0.1:" + server.getAddress().getPort() + "/hook");
        assertThat(t.outcome().status()).isEqualTo(500);
        assertThat(t.outcome().error()).startsWith("HTTP 500: Internal error yyyy").endsWith("y…").hasSize(211);
    }

    @Test
    @DisplayName("given a destination the allow-list does not name, then nothing is sent and the error says why")
    void refusedDestination() throws Exception {
        WebhookExchange strict = new WebhookExchange(settings(""));
        try (ServerSocket listening = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Timed t = timed(strict, "http://127.0.0.1:" + listening.getLocalPort() + "/hook");
            assertThat(t.outcome()).isEqualTo(new WebhookExchange.Outcome(null, "refused destination: 127.0.0.1, a"
                    + " loopback address; nothing was sent (allow it with"
                    + " --spi-idc-webhooks--default--allowed-destinations)"));
            listening.setSoTimeout(300);
            boolean connected;
            try (var ignored = listening.accept()) {
                connected = true;
            } catch (SocketTimeoutException expected) {
                connected = false;
            }
            assertThat(connected).as("no connection was made").isFalse();
        } finally {
            strict.close();
        }
    }

    @Test
    @DisplayName("given a host that does not resolve, then the error names it")
    void unknownHost() throws Exception {
        Timed t = timed(exchange, "http://no-such-host.invalid/hook");
        assertThat(t.outcome()).isEqualTo(new WebhookExchange.Outcome(null,
                "cannot resolve host 'no-such-host.invalid'"));
        assertThat(Duration.ofMillis(t.millis())).isLessThan(Duration.ofMillis(TIMEOUT + 1000));
    }
}
