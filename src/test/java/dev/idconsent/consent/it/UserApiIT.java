package dev.idconsent.consent.it;

import static dev.idconsent.consent.it.Api.choice;
import static dev.idconsent.consent.it.Api.purpose;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(KeycloakExtension.class)
@DisplayName("User API: a person reads and changes their own choices")
class UserApiIT {
    static Api api;
    static final String ME = "/realms/demo/consent/me";

    @BeforeAll
    static void setUp() {
        api = new Api(KeycloakExtension.server());
    }

    @Test
    @DisplayName("given alice switches the newsletter off, then the API, her tokens, userinfo and her history say so")
    void aliceOptsOutOfTheNewsletter() {
        Api.Tokens tokens = api.login("alice");
        assertThat(Api.consent(tokens.accessClaims(), "newsletter")).isTrue();

        Api.Reply reply = api.choose(tokens.access(), List.of(choice("newsletter", false)));

        assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
        JsonNode newsletter = purpose(reply.json(), "newsletter");
        assertThat(newsletter.get("granted").asBoolean()).isFalse();
        JsonNode state = newsletter.get("states").get(0);
        assertThat(state.get("channel").asText()).isEqualTo("email");
        assertThat(state.get("via").asText()).isEqualTo("api");
        assertThat(state.get("changedAt").asText()).isNotBlank();
        assertThat(reply.json().get("changes")).hasSize(1);

        JsonNode reread = api.get(ME, tokens.access()).json();
        assertThat(purpose(reread, "newsletter").get("granted").asBoolean()).isFalse();
        assertThat(purpose(reread, "newsletter").at("/states/0/changedAt").asText())
                .isEqualTo(state.get("changedAt").asText());

        Api.Tokens refreshed = api.refresh(tokens);
        assertThat(Api.consent(refreshed.accessClaims(), "newsletter")).isFalse();
        assertThat(Api.consent(refreshed.idClaims(), "newsletter")).isFalse();
        assertThat(Api.consent(api.userinfo(refreshed.access()), "newsletter")).isFalse();
        assertThat(Api.consent(api.introspect(refreshed.access()), "newsletter")).isFalse();
        assertThat(Api.consent(refreshed.accessClaims(), "product-updates")).isTrue();

        JsonNode history = api.get(ME + "/history", tokens.access()).json().get("history");
        assertThat(history).hasSize(1);
        JsonNode row = history.get(0);
        assertThat(row.get("purpose").asText()).isEqualTo("newsletter");
        assertThat(row.get("actor").get("username").asText()).isEqualTo("alice");
        assertThat(row.get("actor").get("kind").asText()).isEqualTo("user");
        assertThat(row.get("via").asText()).isEqualTo("api");
        assertThat(row.get("version").asInt()).isEqualTo(1);
        assertThat(row.get("clientId").asText()).isEqualTo("demo-app");
        assertThat(row.get("previous").isNull()).isTrue();
        assertThat(row.get("state").asText()).isEqualTo("denied");
    }

    @Test
    @DisplayName("given the same answer twice, then only one history row is written")
    void sameAnswerIsNotANewEvent() {
        api.createUser("idem");
        String token = api.login("idem").access();
        assertThat(api.choose(token, List.of(choice("analytics", true))).status()).isEqualTo(200);
        Api.Reply again = api.choose(token, List.of(choice("analytics", true)));
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json().has("changes")).isFalse();
        assertThat(api.get(ME + "/history", token).json().get("history")).hasSize(1);
    }

    @Test
    @DisplayName("given opt-out-all, then every optional purpose is off and required ones stay on")
    void optOutOfEverythingOptional() {
        api.createUser("carol");
        Api.Tokens tokens = api.login("carol");
        api.choose(tokens.access(), List.of(choice("analytics", true)));

        Api.Reply reply = api.post(ME + "/opt-out-all", tokens.access(), null);

        assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
        for (JsonNode p : reply.json().get("purposes")) {
            boolean required = p.get("mechanism").asText().equals("required");
            assertThat(p.get("granted").asBoolean()).as(p.get("key").asText()).isEqualTo(required);
        }
        JsonNode claim = api.refresh(tokens).accessClaims().get("consent");
        assertThat(claim.get("analytics").asBoolean()).isFalse();
        assertThat(claim.get("newsletter").asBoolean()).isFalse();
        assertThat(claim.get("security-alerts").asBoolean()).isTrue();
    }

    @Test
    @DisplayName("given many concurrent changes for one person, then every one is answered and the history is one chain")
    void concurrentWritesForOnePerson() throws Exception {
        api.createUser("quinn");
        String token = api.login("quinn").access();
        int threads = 6;
        int perThread = 8;
        var pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
        List<java.util.concurrent.Future<Integer>> statuses = new java.util.ArrayList<>();
        for (int t = 0; t < threads; t++) {
            boolean granted = t % 2 == 0;
            statuses.add(pool.submit(() -> {
                int ok = 0;
                for (int i = 0; i < perThread; i++) {
                    Api.Reply r = api.choose(token, List.of(choice("analytics", granted), choice("sms-reminders", !granted)));
                    assertThat(r.status()).as(r.toString()).isEqualTo(200);
                    ok++;
                }
                return ok;
            }));
        }
        int answered = 0;
        for (var f : statuses) {
            answered += f.get();
        }
        pool.shutdown();
        assertThat(answered).isEqualTo(threads * perThread);

        JsonNode history = api.get(ME + "/history?max=1000", token).json().get("history");
        for (String purpose : List.of("analytics", "sms-reminders")) {
            List<JsonNode> rows = new java.util.ArrayList<>();
            history.forEach(row -> {
                if (row.get("purpose").asText().equals(purpose)) {
                    rows.add(0, row); // oldest first
                }
            });
            assertThat(rows).isNotEmpty();
            assertThat(rows.get(0).get("previous").isNull()).isTrue();
            for (int i = 1; i < rows.size(); i++) {
                assertThat(rows.get(i).get("previous").asText()).as(purpose + " row " + i)
                        .isEqualTo(rows.get(i - 1).get("state").asText());
                assertThat(rows.get(i).get("state").asText()).isNotEqualTo(rows.get(i).get("previous").asText());
            }
            String last = rows.get(rows.size() - 1).get("state").asText();
            assertThat(purpose(api.get(ME, token).json(), purpose).get("granted").asBoolean())
                    .isEqualTo(last.equals("granted"));
        }
    }

    @Nested
    @DisplayName("given bad input, then a clear error and nothing changes")
    class Refusals {
        @Test
        @DisplayName("unknown purpose → 400 unknown_purpose")
        void unknownPurpose() {
            String token = api.login("bob").access();
            Api.Reply reply = api.choose(token, List.of(choice("carrier-pigeons", true)));
            assertThat(reply.status()).isEqualTo(400);
            assertThat(reply.json().get("error").asText()).isEqualTo("unknown_purpose");
            assertThat(reply.json().get("message").asText()).contains("carrier-pigeons");
        }

        @Test
        @DisplayName("switching a required purpose off → 409 required_purpose")
        void requiredPurpose() {
            String token = api.login("bob").access();
            Api.Reply reply = api.choose(token, List.of(choice("security-alerts", false)));
            assertThat(reply.status()).isEqualTo(409);
            assertThat(reply.json().get("error").asText()).isEqualTo("required_purpose");
        }

        @Test
        @DisplayName("a value that is not a boolean → 400 invalid_value; malformed JSON → 400 invalid_request")
        void badValues() {
            String token = api.login("bob").access();
            Api.Reply reply = api.choose(token, List.of(Map.of("purpose", "analytics", "granted", "yes")));
            assertThat(reply.status()).isEqualTo(400);
            assertThat(reply.json().get("error").asText()).isEqualTo("invalid_value");
            Api.Reply broken = api.post(ME + "/choices", token, "{\"choices\": [");
            assertThat(broken.status()).isEqualTo(400);
            assertThat(broken.json().get("error").asText()).isEqualTo("invalid_request");
        }

        @Test
        @DisplayName("a stale If-Match → 412 and the current ETag still works")
        void staleTag() {
            api.createUser("dave");
            String token = api.login("dave").access();
            Api.Reply read = api.get(ME, token);
            String tag = read.header("ETag");
            assertThat(tag).isNotBlank();
            assertThat(api.choose(token, List.of(choice("analytics", true)), "If-Match", tag).status())
                    .isEqualTo(200);

            Api.Reply stale = api.choose(token, List.of(choice("analytics", false)), "If-Match", tag);

            assertThat(stale.status()).isEqualTo(412);
            assertThat(stale.json().get("error").asText()).isEqualTo("precondition_failed");
            Api.Reply now = api.get(ME, token);
            assertThat(purpose(now.json(), "analytics").get("granted").asBoolean()).isTrue();
            assertThat(api.choose(token, List.of(choice("analytics", false)), "If-Match", now.header("ETag"))
                    .status()).isEqualTo(200);
        }

        @Test
        @DisplayName("a request with one bad entry among good ones changes nothing")
        void atomic() {
            api.createUser("erin");
            String token = api.login("erin").access();
            Api.Reply reply = api.choose(token, List.of(choice("analytics", true), choice("sms-reminders", true),
                    choice("security-alerts", false)));
            assertThat(reply.status()).isEqualTo(409);
            JsonNode after = api.get(ME, token).json();
            assertThat(purpose(after, "analytics").get("granted").asBoolean()).isFalse();
            assertThat(purpose(after, "sms-reminders").get("granted").asBoolean()).isFalse();
            assertThat(api.get(ME + "/history", token).json().get("history")).isEmpty();
        }
    }

    @Nested
    @DisplayName("given someone else's or no token, then no access")
    class Isolation {
        @Test
        @DisplayName("bob's token sees and changes only bob; bob cannot use the admin API on alice")
        void bobCannotTouchAlice() {
            String aliceId = api.userId("alice");
            String bob = api.login("bob").access();
            JsonNode view = api.get(ME, bob).json();
            assertThat(view.get("subject").asText()).isNotEqualTo(aliceId);
            assertThat(api.get("/admin/realms/demo/consent/users/" + aliceId, bob).status()).isEqualTo(403);
            assertThat(api.post("/admin/realms/demo/consent/users/" + aliceId + "/choices", bob,
                    Map.of("reason", "x", "choices", List.of(choice("analytics", true)))).status()).isEqualTo(403);
            assertThat(api.get("/admin/realms/demo/consent/users/" + aliceId + "/history", api.adminToken())
                    .json().get("history")).allSatisfy(row -> assertThat(row.get("actor").get("username").asText())
                    .isNotEqualTo("bob"));
        }

        @Test
        @DisplayName("no token → 401; a token of another realm → 401; a garbage token → 401")
        void unauthenticated() {
            Api.Reply none = api.get(ME, null);
            assertThat(none.status()).isEqualTo(401);
            assertThat(none.json().get("error").asText()).isEqualTo("not_authenticated");
            assertThat(api.get(ME, api.adminToken()).status()).isEqualTo(401);
            assertThat(api.get(ME, "not.a.token").status()).isEqualTo(401);
            assertThat(api.choose(null, List.of(choice("analytics", true))).status()).isEqualTo(401);
        }
    }

    @Nested
    @DisplayName("given a browser app, then CORS allows exactly the client's web origins")
    class Cors {
        @Test
        @DisplayName("preflight and a real request from the app's origin succeed")
        void allowedOrigin() {
            Api.Reply preflight = api.send("OPTIONS", ME + "/choices", null, null,
                    "Origin", Api.APP_ORIGIN, "Access-Control-Request-Method", "POST",
                    "Access-Control-Request-Headers", "authorization, content-type, if-match");
            assertThat(preflight.status()).isEqualTo(200);
            assertThat(preflight.header("Access-Control-Allow-Origin")).isEqualTo(Api.APP_ORIGIN);
            assertThat(preflight.header("Access-Control-Allow-Methods")).contains("POST");
            assertThat(preflight.header("Access-Control-Allow-Headers")).containsIgnoringCase("Authorization");

            String token = api.login("bob").access();
            Api.Reply real = api.get(ME, token, "Origin", Api.APP_ORIGIN);
            assertThat(real.status()).isEqualTo(200);
            assertThat(real.header("Access-Control-Allow-Origin")).isEqualTo(Api.APP_ORIGIN);
            assertThat(real.header("Access-Control-Expose-Headers")).contains("ETag");
        }

        @Test
        @DisplayName("a request from another origin is refused before anything changes")
        void otherOrigin() {
            api.createUser("frank");
            String token = api.login("frank").access();
            Api.Reply real = api.choose(token, List.of(choice("analytics", true)), "Origin", "https://evil.example");
            assertThat(real.status()).isEqualTo(403);
            assertThat(real.header("Access-Control-Allow-Origin")).isNull();
            assertThat(purpose(api.get(ME, token).json(), "analytics").get("granted").asBoolean()).isFalse();
        }
    }
}
