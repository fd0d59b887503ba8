package dev.idconsent.consent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The database goes away while people change their choices (profile {@code reliability}): a PostgreSQL of the
 * test's own is stopped hard under load and started again; Keycloak keeps running.
 */
@DisplayName("Database loss: clear 503s while the database is gone, nothing half-written, recovery without restart")
class OutageRT {
    static PrivatePostgres postgres;
    static Database db;
    static ClusterNode node;

    @BeforeAll
    static void start() throws Exception {
        postgres = new PrivatePostgres("idc_outage");
        db = Database.postgres(postgres.hostUrl() + "idc_outage");
        node = new ClusterNode("outage", db).cache("local").importRealm().start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (node != null) {
            node.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    @DisplayName("given PostgreSQL stops while clients write, then failed writes answer 503 (500 when the commit itself"
            + " fails) with a JSON error body and no stack trace, acknowledged writes are complete, and writes succeed"
            + " again once it is back")
    void databaseLost() throws Exception {
        Api api = new Api(node);
        int users = 8;
        List<String> ids = new ArrayList<>();
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < users; i++) {
            ids.add(api.createUser("outage-" + i));
            tokens.add(api.login("outage-" + i).access());
        }
        // the text version a yes names (the app read it before; no read in the loop, so the outage hits writes)
        int version = api.get("/admin/realms/demo/consent/purposes/newsletter", api.adminToken()).json()
                .get("version").asInt();
        String link = api.post("/realms/demo/consent/senders/links", api.serviceToken("mailer", "mailer-secret"),
                java.util.Map.of("user", ids.get(0), "purpose", "product-updates")).json().get("url").asText();
        List<Long> acked = Collections.synchronizedList(new ArrayList<>());
        Map<String, Boolean> lastAcked = new ConcurrentHashMap<>();
        Map<String, Boolean> unknown = new ConcurrentHashMap<>();
        Map<String, AtomicInteger> outcomes = new TreeMap<>();
        List<String> unclear = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger afterRecovery = new AtomicInteger();
        AtomicBoolean down = new AtomicBoolean();
        AtomicBoolean recovered = new AtomicBoolean();
        AtomicBoolean stop = new AtomicBoolean();

        ExecutorService pool = Executors.newFixedThreadPool(users);
        List<Future<?>> workers = new ArrayList<>();
        for (int w = 0; w < users; w++) {
            int u = w;
            workers.add(pool.submit(() -> {
                String id = ids.get(u);
                boolean current = true; // newsletter is opt-out: on until the first answer
                while (!stop.get()) {
                    boolean granted = !current;
                    Api.Reply reply;
                    try {
                        reply = api.choose(tokens.get(u), List.of(java.util.Map.of("purpose", "newsletter",
                                "granted", granted, "version", version)));
                    } catch (RuntimeException e) {
                        unclear.add("no answer: " + e);
                        unknown.put(id, granted);
                        continue;
                    }
                    synchronized (outcomes) {
                        outcomes.computeIfAbsent((down.get() ? "down " : recovered.get() ? "after " : "before ")
                                + reply.status(), k -> new AtomicInteger()).incrementAndGet();
                    }
                    if (reply.status() == 200) {
                        var changes = reply.json().path("changes");
                        if (changes.isEmpty()) {
                            // nothing to change: only possible when an earlier write of this same answer had an
                            // unknown outcome (no reply, or a failed commit that did commit) and did take effect
                            if (!unknown.containsKey(id)) {
                                unclear.add("200 without a change, though the last answer was acknowledged: "
                                        + reply.body());
                            }
                        } else {
                            acked.add(changes.get(0).get("id").asLong());
                        }
                        lastAcked.put(id, granted);
                        unknown.remove(id);
                        current = granted;
                        if (recovered.get()) {
                            afterRecovery.incrementAndGet();
                        }
                    } else {
                        String body = reply.body();
                        // ours: 503 with {"error", "message"}; if the database goes away between the writes and
                        // the commit, Keycloak's commit fails after our code and it answers 500 {"error": …}
                        boolean clear = reply.status() >= 500 && body.contains("\"error\"")
                                && (reply.status() != 503 || body.contains("\"message\""))
                                && !body.contains("Exception") && !body.contains("\tat ");
                        if (!clear) {
                            unclear.add(reply.status() + " " + body.substring(0, Math.min(300, body.length())));
                        }
                        // a refused write may still have committed if the answer was lost: only 503 says it did not
                        if (reply.status() != 503) {
                            unknown.put(id, granted);
                        }
                    }
                }
                return null;
            }));
        }
        while (acked.size() < 200) {
            Thread.sleep(20);
        }
        down.set(true);
        postgres.stop();
        Thread.sleep(3_000);
        // the link pages too: a clear 503 that says nothing changed, not Keycloak's 500
        Api.Reply oneClick = api.send("POST", link, null, "List-Unsubscribe=One-Click",
                "Content-Type", "application/x-www-form-urlencoded");
        Api.Reply page = api.get(link, null, "Accept", "text/html");
        System.out.printf("OUTAGE link pages: one-click %d %s; page %d%n", oneClick.status(),
                oneClick.body().strip(), page.status());
        Thread.sleep(7_000);
        postgres.start();
        down.set(false);
        recovered.set(true);
        long deadline = System.currentTimeMillis() + 120_000;
        while (afterRecovery.get() < 100 && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        stop.set(true);
        for (Future<?> f : workers) {
            f.get();
        }
        pool.shutdown();

        int missing = RecordCheck.missing(db, acked);
        int disagreeing = RecordCheck.disagreeing(db, ids, lastAcked, unknown.keySet(), "OUTAGE");
        System.out.printf("OUTAGE outcomes=%s acknowledged=%d missing=%d disagreeing=%d unclear=%d%n", outcomes,
                acked.size(), missing, disagreeing, unclear.size());
        unclear.stream().limit(10).forEach(u -> System.out.println("OUTAGE unclear: " + u));

        assertThat(outcomes).as("the outage was seen").containsKey("down 503");
        assertThat(oneClick.status()).as(oneClick.toString()).isEqualTo(503);
        assertThat(oneClick.body()).startsWith("unavailable:").contains("nothing was changed");
        assertThat(page.status()).isEqualTo(503);
        assertThat(page.body()).contains("nothing was changed");
        assertThat(api.send("POST", link, null, "List-Unsubscribe=One-Click", "Content-Type",
                "application/x-www-form-urlencoded").status()).as("the link works again").isEqualTo(200);
        assertThat(unclear).as("answers during the outage that were not a clear 5xx JSON error").isEmpty();
        assertThat(afterRecovery.get()).as("writes after PostgreSQL came back, without restarting Keycloak")
                .isGreaterThanOrEqualTo(100);
        assertThat(missing).as("acknowledged writes missing").isZero();
        assertThat(disagreeing).as("users whose state, history and summary disagree").isZero();
    }
}
