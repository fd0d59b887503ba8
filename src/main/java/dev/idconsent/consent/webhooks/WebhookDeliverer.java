package dev.idconsent.consent.webhooks;

import dev.idconsent.consent.Webhook;
import dev.idconsent.consent.WebhookStore;
import dev.idconsent.consent.events.ConsentMetrics;
import dev.idconsent.consent.jpa.JpaChangeFeed;
import dev.idconsent.consent.jpa.JpaWebhookStore;
import dev.idconsent.consent.rest.ConsentJson;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.timer.ScheduledTask;
import org.keycloak.util.JsonSerialization;

/**
 * Delivers each realm's change feed to its webhook endpoints.
 *
 * <p>The feed is the outbox: every change's history row is written in the change's own transaction, and the feed
 * gives committed rows increasing positions. Each endpoint keeps the position its receiver last acknowledged; a
 * delivery POSTs the rows after it and moves it only on a 2xx. A receiver that is down therefore delays changes but
 * never loses one; a receiver that took a delivery but whose answer was lost gets it again (at least once: dedupe
 * on {@code position}).
 *
 * <p>Keycloak's timer runs {@link #tick} on one cluster node per interval. A tick only claims due endpoints (a
 * lease in the endpoint's row, taken with one conditional update, so two nodes or threads never deliver to one
 * endpoint at once) and hands them to this node's own threads: a slow receiver never holds up Keycloak's timer
 * thread, which runs Keycloak's own housekeeping too. Those threads only read batches and record outcomes; the
 * exchange with a receiver ({@link WebhookExchange}) is bounded in time and bytes and holds no thread while it waits,
 * so a receiver that never answers or never stops answering delays its own endpoint only.
 */
final class WebhookDeliverer {
    private static final Logger LOG = Logger.getLogger(WebhookDeliverer.class);
    static final String USER_AGENT = "idc-consent-webhooks";

    private final KeycloakSessionFactory factory;
    private final WebhookSettings settings;
    private final Clock clock;
    private final WebhookExchange exchange;
    private final ExecutorService workers;

    WebhookDeliverer(KeycloakSessionFactory factory, WebhookSettings settings, Clock clock) {
        this.factory = factory;
        this.settings = settings;
        this.clock = clock;
        AtomicInteger n = new AtomicInteger();
        this.workers = Executors.newFixedThreadPool(settings.threads(), r -> {
            Thread t = new Thread(r, "idc-webhooks-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.exchange = new WebhookExchange(settings);
    }

    /** The timer's task; its class name is the cluster-wide lock key of Keycloak's cluster-aware runner. */
    final class WebhookDeliveryTask implements ScheduledTask {
        @Override
        public void run(KeycloakSession session) {
            tick(session);
        }

        @Override
        public String getTaskName() {
            return "idc-webhook-delivery";
        }
    }

    ScheduledTask task() {
        return new WebhookDeliveryTask();
    }

    void tick(KeycloakSession session) {
        Instant now = clock.instant();
        List<String> due = store(session).due(now);
        for (String id : due) {
            Instant leaseUntil = now.plusMillis(settings.connectTimeoutMillis() + 2L * settings.requestTimeoutMillis()
                    + 60_000);
            boolean claimed = KeycloakModelUtils.runJobInTransactionWithResult(factory,
                    s -> store(s).claim(id, now, leaseUntil));
            if (claimed) {
                try {
                    workers.execute(() -> deliver(id));
                } catch (RejectedExecutionException shuttingDown) {
                    KeycloakModelUtils.runJobInTransaction(factory, s -> store(s).idle(id, now));
                }
            }
        }
    }

    private record Target(Webhook webhook, String secret, String realmName) {
    }

    /**
     * One delivery to a claimed endpoint: the next batch after its cursor, or nothing if there is none. Runs on this
     * node's threads only to read the batch; the exchange with the receiver holds no thread while it waits, and its
     * outcome is recorded on these threads again.
     */
    void deliver(String id) {
        try {
            Target target = KeycloakModelUtils.runJobInTransactionWithResult(factory, s -> {
                WebhookStore store = store(s);
                Webhook w = store.find(id).orElse(null);
                RealmModel realm = w == null ? null : s.realms().getRealm(w.realmId());
                return realm == null ? null : new Target(w, store.secret(id), realm.getName());
            });
            if (target == null) {
                return; // deleted meanwhile, with its realm or by an admin
            }
            Webhook w = target.webhook();
            List<JpaChangeFeed.Entry> batch = new JpaChangeFeed(factory, w.realmId()).after(w.cursor(),
                    settings.batchSize());
            if (batch.isEmpty()) {
                KeycloakModelUtils.runJobInTransaction(factory, s -> store(s).idle(id, clock.instant()));
                return;
            }
            String deliveryId = UUID.randomUUID().toString();
            String body = payload(deliveryId, w, target.realmName(), batch);
            Instant at = clock.instant();
            HttpRequest request;
            try {
                request = HttpRequest.newBuilder(URI.create(w.url()))
                        .header("Content-Type", "application/json")
                        .header("User-Agent", USER_AGENT)
                        .header("X-Idc-Delivery", deliveryId)
                        .header("X-Idc-Webhook", w.id())
                        .header(WebhookSignature.HEADER, WebhookSignature.header(target.secret(), at.getEpochSecond(),
                                body))
                        .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build();
            } catch (IllegalArgumentException e) {
                record(target, batch, new WebhookExchange.Outcome(null, "IllegalArgumentException: "
                        + e.getMessage()));
                return;
            }
            exchange.post(request).thenAcceptAsync(outcome -> record(target, batch, outcome), workers)
                    .exceptionally(e -> {
                        // the lease runs out by itself and the endpoint is tried again; nothing was acknowledged
                        Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
                        if (cause instanceof RejectedExecutionException) {
                            LOG.debugf("webhook %s: outcome not recorded, shutting down", id);
                        } else {
                            LOG.warnf(cause, "webhook %s: recording the outcome failed inside Keycloak", id);
                        }
                        return null;
                    });
        } catch (RuntimeException e) {
            // the lease runs out by itself and the endpoint is tried again; nothing was acknowledged
            LOG.warnf(e, "webhook %s: delivery failed inside Keycloak", id);
        }
    }

    /** Moves the cursor on an acknowledgement; otherwise records the failure and when to try again. */
    private void record(Target target, List<JpaChangeFeed.Entry> batch, WebhookExchange.Outcome outcome) {
        Webhook w = target.webhook();
        String id = w.id();
        long from = w.cursor();
        long to = batch.get(batch.size() - 1).position();
        Instant done = clock.instant();
        Integer status = outcome.status();
        if (outcome.error() == null) {
            KeycloakModelUtils.runJobInTransaction(factory, s -> store(s).delivered(id, from, to, batch.size(),
                    status, done, done));
            ConsentMetrics.delivery(target.realmName(), id, true, batch.size());
        } else {
            String error = outcome.error();
            String message = error.length() > 1000 ? error.substring(0, 1000) : error;
            Instant next = done.plusSeconds(Webhook.backoffSeconds(w.attempts() + 1, w.retryBaseSeconds(),
                    w.retryMaxSeconds()));
            KeycloakModelUtils.runJobInTransaction(factory, s -> store(s).failed(id, from, status, message, done,
                    next));
            ConsentMetrics.delivery(target.realmName(), id, false, 0);
            LOG.debugf("webhook %s of realm %s: delivery of %d changes failed (%s); next attempt at %s", id,
                    target.realmName(), batch.size(), message, next);
        }
    }

    /** A delivery: who sends it, then the feed's own page ({@code changes}, {@code next}). */
    record Payload(String delivery, String realm, String webhook, @JsonUnwrapped ConsentJson.FeedJson feed) {
    }

    /** {@code {"delivery", "realm", "webhook", "changes": [feed rows], "next"}}: the feed's own row shape. */
    static String payload(String deliveryId, Webhook w, String realmName, List<JpaChangeFeed.Entry> batch) {
        try {
            return JsonSerialization.writeValueAsString(new Payload(deliveryId, realmName, w.id(),
                    ConsentJson.feed(batch, w.cursor())));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    void close() {
        exchange.close();
        workers.shutdownNow();
        try {
            workers.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static WebhookStore store(KeycloakSession session) {
        return JpaWebhookStore.of(session);
    }
}
