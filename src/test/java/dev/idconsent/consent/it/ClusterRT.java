package dev.idconsent.consent.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Two Keycloak nodes as one cluster over one PostgreSQL (profile {@code reliability}: {@code bin/test --db postgres
 * -Preliability}). Not part of the shared-server suite: these tests start, kill and restart their own nodes.
 * Counts: {@code -Dit.cluster.iterations} (default 200), {@code -Dit.crash.writes} (default 1000).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@DisplayName("Cluster and crashes: no stale choices across nodes, no acknowledged write lost")
class ClusterRT {
    static final int ITERATIONS = Integer.getInteger("it.cluster.iterations", 200);
    static final int WRITES = Integer.getInteger("it.crash.writes", 1000);
    static TwoNodes cluster;
    static Database db;
    static ClusterNode a;
    static ClusterNode b;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = TwoNodes.start(null, "node");
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
    @Order(1)
    @DisplayName("given changes through node A's user and admin API, then node B's next refreshed token and its user"
            + " API show each one: 0 stale")
    void neverStale() {
        Stale stale = alternate(a, b, "cluster-carl", ITERATIONS, true);
        System.out.printf("CLUSTER iterations=%d staleTokens=%d staleApi=%d%n", ITERATIONS, stale.tokens, stale.api);
        assertThat(stale.tokens).as("stale tokens at node B").isZero();
        assertThat(stale.api).as("stale user API answers at node B").isZero();
    }

    @Test
    @Order(2)
    @DisplayName("given kill -9 of a node while clients write, then after restart every acknowledged write is there"
            + " with exactly one history row, state and history agree, the token summary equals the tables, and a"
            + " served notice recorded before the crash is still there")
    void killDuringWrites() throws Exception {
        Api api = new Api(a);
        int users = 16;
        List<String> ids = new ArrayList<>();
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < users; i++) {
            ids.add(api.createUser("crash-" + i));
            tokens.add(api.login("crash-" + i).access());
        }
        // a served notice (what the account page showed crash-0) before the crash: it must be there after it
        String page = api.loginAt("account-console", a.baseUrl() + "/realms/demo/account/", "crash-0", "openid")
                .access();
        int analytics = Api.purpose(api.get("/realms/demo/consent/me", page).json(), "analytics").get("version")
                .asInt();
        assertThat(api.post("/realms/demo/consent/me/notices", page, Map.of("locale", "en", "purposes",
                List.of(Map.of("purpose", "analytics", "version", analytics)))).status()).isEqualTo(204);
        Map<String, Boolean> lastAcked = new ConcurrentHashMap<>();
        Map<String, Boolean> inFlight = new ConcurrentHashMap<>(); // what an unanswered write asked for
        AtomicInteger answered = new AtomicInteger();
        List<Long> ackedIds = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<?>> workers = new ArrayList<>();
        for (int w = 0; w < 8; w++) {
            int worker = w;
            workers.add(pool.submit(() -> {
                Map<String, Boolean> state = new HashMap<>();
                for (int round = 0; ; round++) {
                    int u = worker + 8 * (round % (users / 8));
                    String id = ids.get(u);
                    boolean granted = !state.getOrDefault(id, true);
                    inFlight.put(id, granted);
                    Api.Reply reply;
                    try {
                        reply = api.choose(tokens.get(u), List.of(Api.choice("newsletter", granted)));
                    } catch (RuntimeException cutOff) {
                        return null; // the node died under this request: its outcome is unknown
                    }
                    if (reply.status() != 200) {
                        return null; // e.g. a 5xx while the node goes down: not acknowledged
                    }
                    inFlight.remove(id);
                    long historyId = reply.json().get("changes").get(0).get("id").asLong();
                    ackedIds.add(historyId);
                    lastAcked.put(id, granted);
                    state.put(id, granted);
                    answered.incrementAndGet();
                }
            }));
        }
        while (answered.get() < WRITES) {
            Thread.sleep(20);
        }
        a.kill();
        for (Future<?> f : workers) {
            f.get();
        }
        pool.shutdown();
        int acknowledged = ackedIds.size();
        a.start();

        int missing = RecordCheck.missing(db, ackedIds);
        long rows = 0;
        for (String id : ids) {
            rows += db.count("select count(*) from IDC_CHOICE_HISTORY where USER_ID = ?", id);
        }
        int disagreeing = RecordCheck.disagreeing(db, ids, lastAcked, inFlight.keySet(), "CRASH");
        System.out.printf("CRASH acknowledged=%d missing=%d historyRows=%d inFlightAtKill=%d disagreeing=%d%n",
                acknowledged, missing, rows, inFlight.size(), disagreeing);
        assertThat(missing).as("acknowledged writes missing after the crash").isZero();
        assertThat(rows).as("history rows: every acknowledged write, plus at most the in-flight ones")
                .isBetween((long) acknowledged, (long) acknowledged + inFlight.size());
        assertThat(disagreeing).as("users whose state, history and summary disagree").isZero();

        // and the restarted node serves the same as the other
        Api restarted = new Api(a);
        JsonNode view = restarted.get("/admin/realms/demo/consent/users/" + ids.get(0), restarted.adminToken()).json();
        assertThat(Api.purpose(view, "newsletter").get("states").get(0).get("state").asText())
                .isEqualTo(db.text("select STATE from IDC_CHOICE where USER_ID = ?", ids.get(0)));
        JsonNode notices = restarted.get("/admin/realms/demo/consent/users/" + ids.get(0) + "/notices",
                restarted.adminToken()).json().get("notices");
        assertThat(notices).as("served notices after kill -9 and restart").hasSize(1);
        assertThat(notices.get(0).get("purpose").asText()).isEqualTo("analytics");
        assertThat(notices.get(0).get("surface").asText()).isEqualTo("account");
    }

    @Test
    @Order(3)
    @DisplayName("given people pause a gating purpose at node A for seconds, then at the end each yes comes back by"
            + " itself exactly once although both nodes' timers look every second: one system row each, the role"
            + " back, node B's refreshed token has the scope")
    void pauseEndsOnce() throws Exception {
        Api atA = new Api(a);
        Api atB = new Api(b);
        String purposes = "/admin/realms/demo/consent/purposes/partner-sharing";
        assertThat(atA.put(purposes, atA.adminToken(), Map.of("pauseDays", List.of(new java.math.BigDecimal("0.00005"))))
                .status()).isEqualTo(200);
        String scopes = "openid partner-data " + Api.CONSENT_SCOPES;
        List<String> ids = new ArrayList<>();
        List<Api.Tokens> tokens = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            String id = atA.createUser("cluster-pause-" + i);
            atA.onBehalf(id, "partner-sharing", true);
            ids.add(id);
            tokens.add(atA.login(Api.REALM, "cluster-pause-" + i, "cluster-pause-" + i, scopes));
        }
        for (Api.Tokens t : tokens) {
            Api.Reply pause = atA.post("/realms/demo/consent/me/choices", t.access(), Map.of("choices", List.of(
                    Map.of("purpose", "partner-sharing", "pauseDays", new java.math.BigDecimal("0.00005")))));
            assertThat(pause.status()).as(pause.toString()).isEqualTo(200);
        }
        for (String id : ids) {
            atB.awaitNewestRow(id, "granted");
        }
        Thread.sleep(3000); // more runs on both nodes: nothing more to end
        for (int i = 0; i < ids.size(); i++) {
            List<String> rows = new ArrayList<>();
            atB.get("/admin/realms/demo/consent/users/" + ids.get(i) + "/history", atB.adminToken()).json()
                    .get("history").forEach(r -> rows.add(r.get("state").asText() + " " + r.get("via").asText()));
            assertThat(rows).as("history of cluster-pause-" + i).containsExactly("granted pause", "paused api",
                    "granted admin");
            assertThat(atB.get("/admin/realms/demo/users/" + ids.get(i) + "/role-mappings/realm", atB.adminToken())
                    .body()).contains("idc-consent-partner-sharing");
            assertThat(atB.refresh(tokens.get(i)).accessClaims().path("scope").asText()).contains("partner-data");
        }
        atA.put(purposes, atA.adminToken(), Map.of("pauseDays", List.of()));
    }

    @Test
    @Order(4)
    @DisplayName("given a realm without the user API's scopes (as realms from before them are), then a node's start-up"
            + " creates them and gives them to the account console")
    void scopesAddedAtStartUp() throws Exception {
        Api atB = new Api(b);
        String admin = atB.adminToken();
        String realm = "/admin/realms/cluster-old";
        assertThat(atB.post("/admin/realms", admin, Map.of("realm", "cluster-old", "enabled", true)).status())
                .isEqualTo(201);
        String console = atB.get(realm + "/clients?clientId=account-console", admin).json().get(0).get("id").asText();
        for (JsonNode scope : atB.get(realm + "/client-scopes", admin).json()) {
            if (scope.get("name").asText().startsWith("idc-choices-")) {
                String id = scope.get("id").asText();
                assertThat(atB.delete(realm + "/clients/" + console + "/default-client-scopes/" + id, admin).status())
                        .isEqualTo(204);
                assertThat(atB.delete(realm + "/client-scopes/" + id, admin).status()).isEqualTo(204);
            }
        }
        assertThat(names(atB.get(realm + "/client-scopes", admin).json())).noneMatch(n -> n.startsWith("idc-choices-"));

        a.kill();
        a.start();

        Api atA = new Api(a);
        admin = atA.adminToken();
        assertThat(names(atA.get(realm + "/client-scopes", admin).json()))
                .contains("idc-choices-read", "idc-choices-write");
        assertThat(names(atA.get(realm + "/clients/" + console + "/default-client-scopes", admin).json()))
                .contains("idc-choices-read", "idc-choices-write");
    }

    static List<String> names(JsonNode list) {
        List<String> names = new ArrayList<>();
        list.forEach(n -> names.add(n.get("name").asText()));
        return names;
    }

    @Test
    @Order(5)
    @DisplayName("given the nodes share the database but not their caches, then node B serves stale tokens: the"
            + " check above can fail")
    void localCachesAreStale() throws Exception {
        b.close();
        a.close();
        a.cache("local").start();
        b.cache("local").start();
        Stale stale = alternate(a, b, "cluster-lola", 50, false);
        System.out.printf("CLUSTER local caches: iterations=50 staleTokens=%d%n", stale.tokens);
        assertThat(stale.tokens).as("stale tokens at node B without cluster-wide invalidation").isPositive();
    }

    record Stale(int tokens, int api) {
    }

    /** Flips the newsletter through A (user API and admin API in turn) and reads it back at B each time. */
    static Stale alternate(ClusterNode writer, ClusterNode reader, String username, int iterations, boolean readApi) {
        Api atA = new Api(writer);
        Api atB = new Api(reader);
        String id = atA.createUser(username);
        Api.Tokens tokens = atA.login(username);
        tokens = atB.refresh(tokens); // B knows the user (cached) before the first change
        boolean granted = true;
        int staleTokens = 0;
        int staleApi = 0;
        for (int i = 0; i < iterations; i++) {
            granted = !granted;
            Api.Reply write = i % 2 == 0
                    ? atA.choose(tokens.access(), List.of(Api.choice("newsletter", granted)))
                    : atA.post("/admin/realms/demo/consent/users/" + id + "/choices", atA.adminToken(),
                            Map.of("reason", "cluster test", "choices", List.of(Api.choice("newsletter", granted))));
            assertThat(write.status()).as(write.toString()).isEqualTo(200);
            tokens = atB.refresh(tokens);
            if (Api.consent(tokens.accessClaims(), "newsletter") != granted) {
                staleTokens++;
            }
            if (readApi && Api.purpose(atB.get("/realms/demo/consent/me", tokens.access()).json(), "newsletter")
                    .get("granted").asBoolean() != granted) {
                staleApi++;
            }
        }
        return new Stale(staleTokens, staleApi);
    }
}
