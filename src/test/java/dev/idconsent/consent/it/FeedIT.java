package dev.idconsent.consent.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** What a consumer of the change feed sees while many people change their choices at once. */
@ExtendWith(KeycloakExtension.class)
@DisplayName("Change feed: every change once, in order, while many people write concurrently")
class FeedIT {
    static final String FEED = "/admin/realms/demo/consent/feed";
    static final int WRITERS = 8;
    static final int WRITES_EACH = Integer.getInteger("it.feed.writes", 40);

    @Test
    @DisplayName("given 8 people writing concurrently and a consumer polling with its last cursor, then the"
            + " consumer sees every acknowledged change exactly once and positions only grow")
    void concurrentWriters() throws Exception {
        Api api = new Api(KeycloakExtension.server());
        long start = drain(api, 0, new ArrayList<>()); // rows of earlier tests are not this test's business
        List<String> users = new ArrayList<>();
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < WRITERS; i++) {
            users.add(api.createUser("feed-" + i));
            tokens.add(api.login("feed-" + i).access());
        }
        // A slow writer: its history row gets an id before all the others but commits after the consumer has read
        // past them. Paging by id would never show it; the feed must.
        String realmId = api.get("/admin/realms/demo", api.adminToken()).json().get("id").asText();
        Database db = KeycloakExtension.server().database().orElseThrow();
        Database.Held slow = db.hold("insert into IDC_CHOICE_HISTORY (REALM_ID, USER_ID, PURPOSE_KEY, CHANNEL,"
                + " PURPOSE_VERSION, PREVIOUS_STATE, STATE, VIA, ACTOR_ID, ACTOR_USERNAME, ACTOR_KIND, CLIENT_ID,"
                + " CREATED_AT) values (?, ?, 'sms-reminders', 'sms', 1, null, 'granted', 'api', ?, 'feed-0', 'user',"
                + " 'slow-app', ?)", realmId, users.get(0), users.get(0), System.currentTimeMillis());
        List<Long> acknowledged = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean writing = new AtomicBoolean(true);
        List<JsonNode> seen = Collections.synchronizedList(new ArrayList<>());

        ExecutorService pool = Executors.newFixedThreadPool(WRITERS + 1);
        Future<Long> consumer = pool.submit(() -> {
            long cursor = start;
            while (writing.get()) {
                cursor = poll(api, cursor, seen);
                Thread.sleep(10);
            }
            return drain(api, cursor, seen);
        });
        List<Future<?>> writers = new ArrayList<>();
        long cursor;
        try {
            for (int w = 0; w < WRITERS; w++) {
                int u = w;
                writers.add(pool.submit(() -> {
                    java.util.Map<String, Boolean> state = new java.util.HashMap<>(
                            java.util.Map.of("newsletter", true, "analytics", false)); // the defaults
                    for (int i = 0; i < WRITES_EACH; i++) {
                        String purpose = i % 2 == 0 ? "newsletter" : "analytics";
                        boolean granted = !state.get(purpose); // always a change: one history row each
                        state.put(purpose, granted);
                        Api.Reply r = api.choose(tokens.get(u), List.of(Api.choice(purpose, granted)));
                        assertThat(r.status()).as(r.toString()).isEqualTo(200);
                        r.json().get("changes").forEach(c -> acknowledged.add(c.get("id").asLong()));
                    }
                    return null;
                }));
            }
            for (Future<?> f : writers) {
                f.get();
            }
            writing.set(false);
            cursor = consumer.get();
        } finally {
            writing.set(false); // a failed writer must not leave the consumer polling into the next tests
            pool.shutdownNow();
        }
        slow.commit();
        drain(api, cursor, seen);
        long slowId = seen.stream().filter(c -> "slow-app".equals(c.path("clientId").asText()))
                .mapToLong(c -> c.get("id").asLong()).findFirst()
                .orElseThrow(() -> new AssertionError("the slow writer's change never appeared in the feed"));
        assertThat(slowId).as("the slow row's id came before the others").isLessThan(
                acknowledged.stream().mapToLong(Long::longValue).min().orElseThrow());
        acknowledged.add(slowId);

        List<Long> ids = seen.stream().map(c -> c.get("id").asLong()).toList();
        List<Long> positions = seen.stream().map(c -> c.get("position").asLong()).toList();
        System.out.printf("FEED writers=%d acknowledged=%d seen=%d distinct=%d%n", WRITERS, acknowledged.size(),
                ids.size(), new HashSet<>(ids).size());
        assertThat(acknowledged).hasSize(WRITERS * WRITES_EACH + 1);
        assertThat(ids).as("no change seen twice").doesNotHaveDuplicates();
        assertThat(new HashSet<>(ids)).as("every acknowledged change seen, nothing else")
                .isEqualTo(new HashSet<>(acknowledged));
        assertThat(positions).as("positions only grow").isSorted().doesNotHaveDuplicates();
        assertThat(seen).allSatisfy(c -> assertThat(users).contains(c.get("subject").asText()));
    }

    /** One read after {@code cursor}; adds what it got and answers the next cursor. */
    static long poll(Api api, long cursor, List<JsonNode> seen) {
        Api.Reply r = api.get(FEED + "?after=" + cursor + "&max=25", api.adminToken());
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        r.json().get("changes").forEach(seen::add);
        return r.json().get("next").asLong();
    }

    /** Reads until two reads in a row bring nothing. */
    static long drain(Api api, long cursor, List<JsonNode> seen) {
        int empty = 0;
        while (empty < 2) {
            int before = seen.size();
            cursor = poll(api, cursor, seen);
            empty = seen.size() == before ? empty + 1 : 0;
        }
        return cursor;
    }
}
