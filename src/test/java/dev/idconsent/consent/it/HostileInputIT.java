package dev.idconsent.consent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A seeded fuzz run against every JSON and link endpoint: each request is built from a body the endpoint would
 * accept, then broken in exactly one way that must make it refuse (bad JSON, wrong types, huge bodies, deep
 * nesting, control and unicode characters, overlong keys, duplicate keys, injection-shaped strings, unknown
 * fields, wrong content types, forged link tokens). Every answer must be a 4xx, and afterwards nothing may have
 * changed. {@code -Dit.fuzz.requests=N -Dit.fuzz.seed=S} reproduce or extend a run; the figures are printed.
 */
@ExtendWith(KeycloakExtension.class)
@DisplayName("Hostile input: malformed requests are refused with a 4xx and change nothing")
class HostileInputIT {
    static final int REQUESTS = Integer.getInteger("it.fuzz.requests", 10_000);
    static final long SEED = Long.getLong("it.fuzz.seed", 20261126L);
    static final String USER_API = "/realms/demo/consent";
    static final String ADMIN = "/admin/realms/demo/consent";

    /** A request that must be refused; {@code what} says how it was broken, for the failure message. */
    record Attack(String what, String method, String path, String token, String contentType, byte[] body,
                  Map<String, String> headers) {
    }

    @Test
    @DisplayName("given " + "thousands of malformed requests, then only 4xx answers and no state change")
    void fuzz() throws Exception {
        KeycloakServer server = KeycloakExtension.server();
        Api api = new Api(server);
        String userId = api.createUser("fuzz-fred");
        String user = api.login("fuzz-fred").access();
        String admin = api.adminToken();
        String sender = api.serviceToken("mailer", "mailer-secret");
        Map<String, String> before = snapshot(api, server, userId);

        Random random = new Random(SEED);
        Generator generator = new Generator(random, userId, user, admin, sender);
        List<Attack> attacks = new ArrayList<>();
        for (int i = 0; i < REQUESTS; i++) {
            attacks.add(generator.next());
        }

        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        Map<Integer, AtomicInteger> statuses = new TreeMap<>();
        Map<String, AtomicInteger> kinds = new ConcurrentHashMap<>();
        List<String> wrong = Collections.synchronizedList(new ArrayList<>());
        long started = System.nanoTime();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        List<java.util.concurrent.Future<?>> futures = new ArrayList<>();
        for (Attack attack : attacks) {
            futures.add(pool.submit(() -> {
                int status = send(http, server.baseUrl(), attack);
                synchronized (statuses) {
                    statuses.computeIfAbsent(status, s -> new AtomicInteger()).incrementAndGet();
                }
                kinds.computeIfAbsent(attack.what().replaceAll(":.*", ""), k -> new AtomicInteger()).incrementAndGet();
                if (status < 400 || status >= 500) {
                    wrong.add(status + " " + attack.method() + " " + attack.path() + " [" + attack.what() + "] "
                            + preview(attack.body()));
                }
                return null;
            }));
        }
        for (var f : futures) {
            f.get();
        }
        pool.shutdown();
        long millis = (System.nanoTime() - started) / 1_000_000;
        long fiveHundreds = statuses.entrySet().stream().filter(e -> e.getKey() >= 500)
                .mapToLong(e -> e.getValue().get()).sum();
        System.out.printf("FUZZ requests=%d seed=%d millis=%d statuses=%s 5xx=%d notRefused=%d kinds=%s%n",
                attacks.size(), SEED, millis, statuses, fiveHundreds, wrong.size(), new TreeMap<>(kinds));

        assertThat(wrong).as("answers other than 4xx (first 20)").hasSizeLessThanOrEqualTo(0)
                .withFailMessage(() -> String.join("\n", wrong.subList(0, Math.min(20, wrong.size()))));
        assertThat(snapshot(api, server, userId)).as("state after the fuzz run").isEqualTo(before);
    }

    static int send(HttpClient http, String base, Attack attack) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + attack.path()))
                .timeout(Duration.ofSeconds(30))
                .method(attack.method(), attack.body() == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(attack.body()));
        if (attack.token() != null) {
            request.header("Authorization", "Bearer " + attack.token());
        }
        if (attack.contentType() != null) {
            request.header("Content-Type", attack.contentType());
        }
        attack.headers().forEach(request::header);
        for (int attempt = 0; ; attempt++) {
            try {
                return http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
            } catch (java.io.IOException e) {
                // the server may close the connection on a body it will not read (413): that is a refusal too
                if (attack.body() != null && attack.body().length > 256 * 1024) {
                    return 413;
                }
                if (attempt == 2) {
                    throw new java.io.UncheckedIOException(attack.what(), e);
                }
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** Everything a fuzz request could have changed: the catalog, settings, role links, the user's state and all rows. */
    static Map<String, String> snapshot(Api api, KeycloakServer server, String userId) {
        String admin = api.adminToken();
        Map<String, String> state = new TreeMap<>();
        state.put("catalog", api.get(ADMIN + "/purposes", admin).body());
        state.put("settings", api.get(ADMIN + "/settings", admin).body());
        state.put("integrity", api.get(ADMIN + "/integrity", admin).body());
        state.put("scopes", api.get(ADMIN + "/purposes/partner-sharing/scopes", admin).body());
        state.put("user", api.get(ADMIN + "/users/" + userId, admin).body());
        state.put("history", api.get(ADMIN + "/users/" + userId + "/history", admin).body());
        server.database().ifPresent(db -> {
            for (String table : List.of("IDC_CHOICE", "IDC_CHOICE_HISTORY", "IDC_PURPOSE_TEXT")) {
                state.put(table, Long.toString(db.count("select count(*) from " + table)));
            }
        });
        return state;
    }

    static String preview(byte[] body) {
        if (body == null) {
            return "";
        }
        String text = new String(body, 0, Math.min(body.length, 160), StandardCharsets.UTF_8);
        return text.replaceAll("\\p{Cntrl}", "?") + (body.length > 160 ? "… (" + body.length + " bytes)" : "");
    }

    /** Builds the attacks; every one starts from a request the endpoint would accept. */
    static final class Generator {
        private final Random random;
        private final List<Supplier<Attack>> endpoints = new ArrayList<>();

        Generator(Random random, String userId, String user, String admin, String sender) {
            this.random = random;
            String choices = "{\"choices\": [{\"purpose\": \"newsletter\", \"channel\": \"email\", \"granted\": false,"
                    + " \"version\": 1}]}";
            endpoints.add(() -> json("POST", USER_API + "/me/choices", user, choices, "purpose"));
            endpoints.add(() -> json("POST", ADMIN + "/users/" + userId + "/choices", admin,
                    "{\"reason\": \"support ticket 7\", \"choices\": [{\"purpose\": \"analytics\", \"granted\": true}]}",
                    "purpose"));
            endpoints.add(() -> json("POST", ADMIN + "/purposes", admin, "{\"key\": \"fuzz-" + random.nextInt(1000)
                    + "\", \"label\": \"Fuzz\", \"description\": \"A purpose.\", \"mechanism\": \"opt-in\","
                    + " \"channels\": [\"email\"]}", "key"));
            endpoints.add(() -> json("PUT", ADMIN + "/purposes/newsletter", admin,
                    "{\"description\": \"Our monthly newsletter.\", \"change\": \"material\"}", "change"));
            endpoints.add(() -> json("PUT", ADMIN + "/settings", admin, "{\"confirmationEmails\": true}",
                    "confirmationEmails"));
            endpoints.add(() -> json("PUT", ADMIN + "/purposes/partner-sharing/scopes", admin,
                    "{\"scopes\": []}", "scopes"));
            endpoints.add(() -> json("POST", USER_API + "/senders/links", sender, "{\"user\": \"" + userId
                    + "\", \"purpose\": \"newsletter\", \"channel\": \"email\"}", "purpose"));
            endpoints.add(() -> optOutAll(user));
            endpoints.add(() -> query("GET", USER_API + "/me/history", user, "first", "max"));
            endpoints.add(() -> query("GET", USER_API + "/senders/audience", sender, "purpose", "max"));
            endpoints.add(() -> link("unsubscribe", "List-Unsubscribe=One-Click"));
            endpoints.add(() -> link("unsubscribe/undo", ""));
            endpoints.add(() -> link("confirm", ""));
            endpoints.add(() -> pathJunk(admin));
        }

        Attack next() {
            return endpoints.get(random.nextInt(endpoints.size())).get();
        }

        /** A valid JSON body broken one way; {@code field} is a string field the endpoint checks. */
        private Attack json(String method, String path, String token, String valid, String field) {
            String type = "application/json";
            String body;
            String what;
            switch (random.nextInt(13)) {
                case 0 -> {
                    body = valid.substring(0, 1 + random.nextInt(valid.length() - 1));
                    what = "truncated";
                }
                case 1 -> {
                    body = valid + pick("}", "]", " {}", "garbage", ",", valid);
                    what = "trailing";
                }
                case 2 -> {
                    body = valid.replaceFirst("\"" + field + "\": [^,}\\]]+", java.util.regex.Matcher.quoteReplacement(
                            "\"" + field + "\": " + pick("1", "true", "[]", "{}", "-0.5e308", "[\"a\"]", "{\"$gt\": \"\"}")));
                    what = "wrong type:" + field;
                    if (body.equals(valid)) {
                        body = "{\"" + field + "\": {}}";
                    }
                }
                case 3 -> {
                    body = valid.replaceFirst("\\{", "{\"" + pick("zzz", "__proto__", "constructor", "@type", "admin",
                            "choices ", "Choices", "\u0000") + "\": 1, ");
                    what = "unknown field";
                }
                case 4 -> {
                    // the same member twice: a lenient parser would silently take one of them
                    String member = valid.contains("\"choices\"")
                            ? "\"choices\": [{\"purpose\": \"analytics\", \"granted\": true}]"
                            : "\"" + field + "\": \"x\"";
                    body = valid.replaceFirst("\\{", java.util.regex.Matcher.quoteReplacement("{" + member + ", "));
                    what = "duplicate key";
                }
                case 5 -> {
                    int depth = 100 + random.nextInt(5000);
                    body = valid.replaceFirst("\\{", "{\"nest\": " + "[".repeat(depth) + "]".repeat(depth) + ", ");
                    what = "deep nesting";
                }
                case 6 -> {
                    int size = 300 * 1024 + random.nextInt(3 * 1024 * 1024);
                    body = valid.replaceFirst("\\{", "{\"pad\": \"" + "x".repeat(size) + "\", ");
                    what = "huge body";
                }
                case 7 -> {
                    body = replaceValue(valid, field, pick("\u0000", "\u0007bell", "a\u202eb", "\ud800",
                            "\\ud800", "\\u0000", "n\u00e9wsletter", "\ud83d\udce7", "\r\nX-Injected: 1", "\t"));
                    what = "control or unicode:" + field;
                }
                case 8 -> {
                    body = replaceValue(valid, field, "k".repeat(256 + random.nextInt(100_000)));
                    what = "overlong:" + field;
                }
                case 9 -> {
                    body = replaceValue(valid, field, pick("newsletter' OR '1'='1", "x\"; DROP TABLE IDC_CHOICE;--",
                            "<script>alert(1)</script>", "${jndi:ldap://127.0.0.1/a}", "../../../etc/passwd",
                            "%00", "{{7*7}}", "#{7*7}", "newsletter/../analytics"));
                    what = "injection:" + field;
                }
                case 10 -> {
                    body = valid;
                    type = pick("text/plain", "application/xml", "application/x-www-form-urlencoded",
                            "multipart/form-data; boundary=x", "application/octet-stream");
                    what = "content type:" + type;
                }
                case 11 -> {
                    body = pick("", " ", "null", "[]", "\"text\"", "42", "true", "[" + valid + "]", "{", "}", "\u0000");
                    what = "not an object";
                }
                default -> {
                    return new Attack("mangled bytes", method, path, token, type,
                            mangle(valid.getBytes(StandardCharsets.UTF_8)), Map.of());
                }
            }
            return new Attack(what, method, path, token, type, body.getBytes(StandardCharsets.UTF_8), Map.of());
        }

        /** Opting out of everything is only refused with a stale If-Match: a random or malformed one. */
        private Attack optOutAll(String user) {
            String tag = pick("\"" + Long.toHexString(random.nextLong()) + "\"", "W/\"x\"", "*x", "\"\"",
                    "\"" + "a".repeat(5000) + "\"", "garbage");
            return new Attack("stale if-match", "POST", USER_API + "/me/opt-out-all", user, null, null,
                    Map.of("If-Match", tag.replaceAll("\\p{Cntrl}", "")));
        }

        /** Paging and filters out of range or of the wrong type. */
        private Attack query(String method, String path, String token, String first, String second) {
            String bad = pick("-1", "abc", "1e3", "99999999999999999999", "0x10", "%00", "' OR 1=1 --", "",
                    "2000", "0");
            String name = random.nextBoolean() ? first : second;
            String q = name + "=" + URLEncoder.encode(bad, StandardCharsets.UTF_8);
            if (path.endsWith("audience") && !name.equals("purpose")) {
                q = "purpose=" + pick("nope", "newsletter%00", "NEWSLETTER", "newsletter%20")
                        + "&" + q.replace("max=0", "max=-1").replace("max=2000", "max=10001");
            } else if (path.endsWith("audience")) {
                q = "purpose=" + URLEncoder.encode(pick("nope", "newsletter\u0000", "<b>", "x".repeat(3000), ""),
                        StandardCharsets.UTF_8);
            } else if (bad.equals("0") || bad.isEmpty() || bad.equals("2000")) {
                q = name.equals("max") ? "max=" + pick("0", "2000", "-5") : "first=-" + (1 + random.nextInt(9));
            }
            return new Attack("query:" + q.replaceAll("=.*", ""), method, path + "?" + q, token, null, null, Map.of());
        }

        /** The link is the credential: random, truncated, re-signed, unsigned and algorithm-swapped tokens. */
        private Attack link(String path, String form) {
            String header = base64("{\"alg\":\"" + pick("none", "HS256", "RS256", "HS512", "") + "\",\"typ\":\"JWT\"}");
            String payload = base64("{\"typ\":\"idc-unsubscribe\",\"sub\":\"" + random.nextInt() + "\",\"exp\":"
                    + (System.currentTimeMillis() / 1000 + 3600) + ",\"idc.purpose\":\"newsletter\"}");
            String token = pick(header + "." + payload + ".", header + "." + payload + "." + base64("sig"),
                    header + "." + payload, "x".repeat(1 + random.nextInt(20_000)), "", "..", "a.b.c",
                    "%00", "eyJ", header);
            String q = token.isEmpty() && random.nextBoolean() ? "" : "?token=" + URLEncoder.encode(token,
                    StandardCharsets.UTF_8);
            return new Attack("link token:" + path, "POST", USER_API + "/" + path + q, null,
                    "application/x-www-form-urlencoded", form.getBytes(StandardCharsets.UTF_8), Map.of());
        }

        /** Purpose keys and user ids in the path that do not exist or are not keys at all. */
        private Attack pathJunk(String admin) {
            String junk = URLEncoder.encode(pick("NEWSLETTER", "newsletter ", "..", "%2e%2e", "<x>", "\u202e",
                    "a".repeat(2000), "' or 1=1", "news;letter"), StandardCharsets.UTF_8).replace("+", "%20");
            return pick(
                    new Attack("path:purpose", "PUT", ADMIN + "/purposes/" + junk, admin, "application/json",
                            "{\"label\": \"x\", \"change\": \"correction\"}".getBytes(StandardCharsets.UTF_8), Map.of()),
                    new Attack("path:retire", "POST", ADMIN + "/purposes/" + junk + "/retire", admin, null, null,
                            Map.of()),
                    new Attack("path:user", "POST", ADMIN + "/users/" + junk + "/choices", admin, "application/json",
                            "{\"reason\": \"r\", \"choices\": [{\"purpose\": \"analytics\", \"granted\": true}]}"
                                    .getBytes(StandardCharsets.UTF_8), Map.of()));
        }

        private String replaceValue(String valid, String field, String value) {
            String quoted = Api.JSON.valueToTree(value).toString();
            String body = valid.replaceFirst("\"" + field + "\": (\"[^\"]*\"|[^,}\\]]+)",
                    java.util.regex.Matcher.quoteReplacement("\"" + field + "\": " + quoted));
            // a raw control character or lone surrogate inside the JSON text, not escaped
            return random.nextInt(4) == 0 ? body.replace(quoted, "\"" + value + "\"") : body;
        }

        private byte[] mangle(byte[] valid) {
            byte[] out = valid.clone();
            int flips = 1 + random.nextInt(4);
            for (int i = 0; i < flips; i++) {
                int at = random.nextInt(out.length);
                out[at] = pick((byte) 0x00, (byte) 0xff, (byte) 0xc3, (byte) 0x22, (byte) 0x7b, (byte) 0x5c, (byte) 0x80);
            }
            // a flip that happened to leave valid JSON must still break it
            out[0] = (byte) 0xff;
            return out;
        }

        private static String base64(String s) {
            return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
        }

        @SafeVarargs
        private <T> T pick(T... options) {
            return options[random.nextInt(options.length)];
        }
    }
}
