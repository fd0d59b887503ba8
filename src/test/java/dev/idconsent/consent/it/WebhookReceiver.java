package dev.idconsent.consent.it;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A webhook receiver in the test JVM: answers 500 to the next {@link #failNext} requests (like a receiver that is
 * down for maintenance), 204 after that, and keeps every request it got.
 */
final class WebhookReceiver implements AutoCloseable {
    /** One request as it arrived, and what it was answered. */
    record Request(String body, String signature, String deliveryId, String webhookId, String contentType,
                   int answered, long receivedAtMillis) {
    }

    private final HttpServer server;
    private final AtomicInteger failuresLeft = new AtomicInteger();
    private final List<Request> requests = new ArrayList<>();

    WebhookReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/hook", exchange -> {
            String body;
            try (InputStream in = exchange.getRequestBody()) {
                body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            int status = failuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0 ? 500 : 204;
            synchronized (requests) {
                requests.add(new Request(body, exchange.getRequestHeaders().getFirst("X-Idc-Signature"),
                        exchange.getRequestHeaders().getFirst("X-Idc-Delivery"),
                        exchange.getRequestHeaders().getFirst("X-Idc-Webhook"),
                        exchange.getRequestHeaders().getFirst("Content-Type"), status, System.currentTimeMillis()));
            }
            if (status == 500) {
                byte[] answer = "down for maintenance".getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(500, answer.length);
                exchange.getResponseBody().write(answer);
            } else {
                exchange.sendResponseHeaders(204, -1);
            }
            exchange.close();
        });
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    void failNext(int n) {
        failuresLeft.set(n);
    }

    int failuresLeft() {
        return failuresLeft.get();
    }

    List<Request> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    List<Request> accepted() {
        return requests().stream().filter(r -> r.answered() / 100 == 2).toList();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
