package dev.idconsent.consent.webhooks;

import java.io.ByteArrayOutputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One POST to a receiver, bounded in bytes and in time, that holds no thread while it waits.
 *
 * <p>{@link HttpClient}'s request timeout ends when the headers arrive and {@code BodyHandlers.ofString()} keeps
 * the whole body, so a receiver that answers 200 and then streams forever, or never answers at all, would hold a
 * delivery thread and memory for good. Here the answer's body is read up to {@value #MAX_ANSWER_BYTES} bytes, and
 * the whole exchange — look-up of the host, the destination rule, connect, request, the answer to its last byte —
 * must end within {@code request-timeout-millis}; otherwise it is cancelled, which closes its connection (HTTP/1.1:
 * an exchange owns its connection while it runs).
 */
final class WebhookExchange {
    /** How much of an answer is read: enough for an error message; a receiver should answer 2xx with no body. */
    static final int MAX_ANSWER_BYTES = 4096;

    /** What came of the exchange: the status, if any, and the error, {@code null} if the receiver acknowledged. */
    record Outcome(Integer status, String error) {
    }

    private final WebhookSettings settings;
    private final HttpClient http;
    private final ExecutorService lookups;

    WebhookExchange(WebhookSettings settings) {
        this.settings = settings;
        AtomicInteger n = new AtomicInteger();
        // a DNS look-up blocks (as long as the system resolver's own timeouts allow); at most one per endpoint runs
        this.lookups = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "idc-webhooks-lookup-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(settings.connectTimeoutMillis()))
                .version(HttpClient.Version.HTTP_1_1).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /**
     * Sends the request to its URL if the destination rule allows the addresses its host resolves to. The answer
     * always completes normally, at the latest {@code request-timeout-millis} after the call.
     */
    CompletableFuture<Outcome> post(HttpRequest request) {
        URI url = request.uri();
        int timeout = settings.requestTimeoutMillis();
        CappedAnswer answer = new CappedAnswer();
        CompletableFuture<Outcome> exchange = CompletableFuture.supplyAsync(() -> admit(url.getHost()), lookups)
                .thenCompose(refused -> {
                    if (refused != null) {
                        return CompletableFuture.completedFuture(new Outcome(null, refused));
                    }
                    return answer.track(http.sendAsync(request, answer))
                            .thenApply(r -> judge(r.statusCode(), r.body()));
                });
        return exchange.orTimeout(timeout, TimeUnit.MILLISECONDS).handle((outcome, failure) -> {
            if (failure == null) {
                return outcome;
            }
            answer.abandon(); // whatever still runs: the connection is closed, nothing more is read
            return failed(unwrap(failure), answer.status(), url.getHost());
        });
    }

    /** Resolves the host and applies the destination rule: the reason to send nothing, or {@code null}. */
    private String admit(String host) {
        try {
            WebhookDestinations.Refusal refusal = settings.allowedDestinations().check(host);
            return refusal == null ? null : "refused destination: " + refusal.describe()
                    + "; nothing was sent (allow it with " + WebhookDestinations.OPTION + ")";
        } catch (UnknownHostException e) {
            throw new CompletionException(e);
        }
    }

    private Outcome judge(int status, CappedAnswer.Body body) {
        if (status / 100 != 2) {
            return new Outcome(status, "HTTP " + status + snippet(body));
        }
        if (body.cut()) {
            return new Outcome(status, "HTTP " + status + ", but the answer's body is longer than "
                    + MAX_ANSWER_BYTES + " bytes: not read further, the connection was closed (answer with a short"
                    + " or empty body)");
        }
        return new Outcome(status, null);
    }

    private Outcome failed(Throwable e, int status, String host) {
        int timeout = settings.requestTimeoutMillis();
        if (e instanceof HttpConnectTimeoutException) {
            return new Outcome(null, "cannot connect: no connection within " + settings.connectTimeoutMillis()
                    + " ms");
        }
        if (e instanceof TimeoutException || e instanceof HttpTimeoutException) {
            return status == 0 ? new Outcome(null, "no answer within " + timeout + " ms")
                    : new Outcome(status, "HTTP " + status + ", but the answer did not end within " + timeout
                    + " ms: the connection was closed");
        }
        if (e instanceof UnknownHostException) {
            return new Outcome(null, "cannot resolve host '" + host + "'");
        }
        if (e instanceof ConnectException) {
            return new Outcome(null, "cannot connect: " + (e.getMessage() == null ? e.getClass().getSimpleName()
                    : e.getMessage()));
        }
        String message = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        return new Outcome(status == 0 ? null : status, message);
    }

    private static Throwable unwrap(Throwable e) {
        Throwable t = e;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    private static String snippet(CappedAnswer.Body body) {
        String text = new String(body.bytes(), StandardCharsets.UTF_8);
        if (text.isBlank()) {
            return "";
        }
        String oneLine = text.strip().replaceAll("\\s+", " ");
        return ": " + (oneLine.length() > 200 || body.cut() ? oneLine.substring(0, Math.min(200, oneLine.length()))
                + "…" : oneLine);
    }

    void close() {
        http.shutdownNow(); // in-flight exchanges end; their endpoints' leases run out and they are tried again
        lookups.shutdownNow();
    }

    /**
     * Keeps the first {@value #MAX_ANSWER_BYTES} bytes of an answer; with more, cancels the subscription, which
     * closes the connection. {@link #abandon} does the same from outside when time is up.
     */
    static final class CappedAnswer implements HttpResponse.BodyHandler<CappedAnswer.Body>,
            HttpResponse.BodySubscriber<CappedAnswer.Body> {
        record Body(byte[] bytes, boolean cut) {
        }

        private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
        private final CompletableFuture<Body> body = new CompletableFuture<>();
        private volatile int status;
        private volatile Flow.Subscription subscription;
        private volatile CompletableFuture<?> call;
        private volatile boolean abandoned;

        /** The status line's code once the headers arrived, else 0. */
        int status() {
            return status;
        }

        <T> CompletableFuture<T> track(CompletableFuture<T> sent) {
            call = sent;
            if (abandoned) {
                sent.cancel(true);
            }
            return sent;
        }

        void abandon() {
            abandoned = true;
            CompletableFuture<?> c = call;
            if (c != null) {
                c.cancel(true); // cancels the exchange in the client: its connection is closed
            }
            Flow.Subscription s = subscription;
            if (s != null) {
                s.cancel();
            }
            body.completeExceptionally(new CancellationException("abandoned"));
        }

        @Override
        public HttpResponse.BodySubscriber<Body> apply(HttpResponse.ResponseInfo info) {
            status = info.statusCode();
            return this;
        }

        @Override
        public CompletionStage<Body> getBody() {
            return body;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            if (abandoned) {
                s.cancel();
            } else {
                s.request(1);
            }
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            for (ByteBuffer item : items) {
                int room = MAX_ANSWER_BYTES - kept.size();
                if (item.remaining() > room) {
                    byte[] part = new byte[room];
                    item.get(part);
                    kept.write(part, 0, part.length);
                    body.complete(new Body(kept.toByteArray(), true));
                    subscription.cancel(); // the rest is never read: the client closes the connection
                    return;
                }
                byte[] all = new byte[item.remaining()];
                item.get(all);
                kept.write(all, 0, all.length);
            }
            subscription.request(1);
        }

        @Override
        public void onError(Throwable e) {
            body.completeExceptionally(e);
        }

        @Override
        public void onComplete() {
            body.complete(new Body(kept.toByteArray(), false));
        }
    }
}
