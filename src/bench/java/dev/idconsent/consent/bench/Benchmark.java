package dev.idconsent.consent.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.idconsent.consent.it.Api;
import dev.idconsent.consent.it.Database;
import dev.idconsent.consent.it.DistributionServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The benchmark behind {@code bin/bench} (docs/BENCHMARKS.md). One run, one server: starts Keycloak 26.7.3 from the
 * distribution with the built JAR (the integration tests' harness), prepares two clients of the same kind (one with
 * the consent claim mapper and a consent-gated scope, one without), seeds users in bulk by SQL, warms the server
 * up, then measures and prints a table. Throughput figures come from Gatling; scans (audience, admin search, change
 * feed) are sequential cursor loops timed here. It prints what it measured and asserts nothing about speed.
 */
public final class Benchmark {
    private final Settings settings;
    private final DistributionServer server;
    private final Api api;
    private final Database db;
    private final Admin admin;
    private final Report report = new Report();

    /**
     * @param scansOnly  only the audience and feed scans (5, 6): the scaling points, without the load phases
     * @param importOnly only the receipt (8) and the import (7): one row per seeded user, without the load phases
     *                   and scans
     * @param receiptRows history rows of the person whose signed receipt is read (8, with the scans)
     */
    record Settings(String db, int users, int warmup, int duration, int rounds, int concurrency, int scanLimit,
                    Path dir, boolean scansOnly, boolean importOnly, int receiptRows) {
        static Settings fromSystemProperties() {
            return new Settings(System.getProperty("it.db", "postgres"), Integer.getInteger("bench.users", 100_000),
                    Integer.getInteger("bench.warmup", 120), Integer.getInteger("bench.duration", 30),
                    Integer.getInteger("bench.rounds", 2), Integer.getInteger("bench.concurrency", 4),
                    Integer.getInteger("bench.scan-limit", 120),
                    Path.of(System.getProperty("bench.dir", "target/bench")), Boolean.getBoolean("bench.scans-only"),
                    Boolean.getBoolean("bench.import-only"), Integer.getInteger("bench.receipt-rows", 100_000));
        }

        /** Users who get password tokens for the token and write phases (besides the seeded ones). */
        int tokenUsers() {
            return Math.max(2, Math.min(40, concurrency * 10));
        }
    }

    public static void main(String[] args) throws Exception {
        Gatling.CONSOLE.install();
        Settings settings = Settings.fromSystemProperties();
        Files.createDirectories(settings.dir());
        // Gatling reads these as overrides of gatling.conf; set here too in case another gatling.conf wins
        System.setProperty("gatling.data.enableAnalytics", "false");
        System.setProperty("gatling.http.warmUpUrl", "");
        Report.log("settings: " + settings);
        long start = System.nanoTime();
        DistributionServer server = new DistributionServer(List.of()); // it enables metrics itself
        Report.log(String.format(Locale.ROOT, "Keycloak ready after %.0f s at %s (log: %s)",
                (System.nanoTime() - start) / 1e9, server.baseUrl(), server.log()));
        // Ctrl+C: stop Keycloak too (kc.sh's JVM would outlive this one)
        Thread hook = new Thread(server::close);
        Runtime.getRuntime().addShutdownHook(hook);
        int status;
        try {
            status = new Benchmark(settings, server).run();
        } finally {
            Runtime.getRuntime().removeShutdownHook(hook);
            server.close();
        }
        System.exit(status);
    }

    private Benchmark(Settings settings, DistributionServer server) {
        this.settings = settings;
        this.server = server;
        this.api = new Api(server);
        this.db = server.database().orElseThrow();
        this.admin = new Admin(api);
    }

    private int run() throws Exception {
        report.environment(settings, db.kind());
        Setup.Prepared prepared = new Setup(api, admin, settings).prepare();
        Seeder.Result seeded = new Seeder(db).seed(BenchData.REALM, settings.users());
        report.seeded(seeded);

        BenchData data = new BenchData(server.baseUrl(), prepared.consentRefreshTokens(),
                prepared.plainRefreshTokens(), prepared.writers(), new ArrayList<>());

        Sampler sampler = new Sampler(server);
        if (settings.importOnly()) {
            report.receipt(ReceiptRun.run(server.baseUrl(), admin, db, sampler, settings.receiptRows()));
            report.imported(new ImportRun(api, admin, db, sampler).run(settings.users()));
            report.print(settings.dir().resolve("results.md"));
            return 0;
        }
        if (settings.scansOnly()) {
            scans(prepared, sampler, new ArrayList<>(), false);
            report.print(settings.dir().resolve("results.md"));
            return 0;
        }

        // Warm-up: the JIT and Keycloak's caches, with every kind of request at once (throughput nearly doubles
        // during the first minutes on a fresh server). Unsubscribes in the warm-up post a few links again and again.
        List<String> warmupLinks = Scans.links(api, prepared.mailerToken(), 50);
        data.links.addAll(warmupLinks);
        data.useLinks(0, warmupLinks.size());
        Report.log("warming up for " + settings.warmup() + " s");
        Gatling.run(data, "warmup", settings.warmup(), settings.concurrency(), settings.dir());
        scans(prepared, sampler, data.links, true);

        // 1, 3, 4: the scans above leave garbage and cold request paths behind: warm up again briefly, then A and B
        // alternate, in the order A B in odd rounds and B A in even ones, so neither side always comes first
        data.useLinks(0, warmupLinks.size());
        Gatling.run(data, "warmup", Math.min(30, settings.warmup()), settings.concurrency(), settings.dir());
        int linkCursor = warmupLinks.size();
        for (int round = 1; round <= settings.rounds(); round++) {
            List<String> order = round % 2 == 1
                    ? List.of("refresh-plain", "refresh-consent", "write-account", "write-consent", "unsubscribe")
                    : List.of("refresh-consent", "refresh-plain", "write-consent", "write-account", "unsubscribe");
            for (String phase : order) {
                if (phase.equals("unsubscribe")) {
                    data.useLinks(Math.min(linkCursor, data.links.size() - 1), data.links.size());
                }
                Gatling.Stats stats = Gatling.run(data, phase, settings.duration(), settings.concurrency(),
                        settings.dir());
                if (phase.equals("unsubscribe")) {
                    linkCursor = Math.min(data.nextLink.get(), data.links.size());
                    stats = stats.withNote(data.reusedLinks.get() == 0 ? null
                            : data.reusedLinks.get() + " posts reused a link (no change)");
                }
                report.throughput(round, phase, stats);
            }
        }

        // 2: SQL statements per refresh, from the server's SQL log, after the load (steady state)
        report.sql(SqlCount.perRefresh(api, server.log(), prepared, 50));

        // 7: last, as it adds an answer for every seeded user
        report.imported(new ImportRun(api, admin, db, sampler).run(settings.users()));

        report.print(settings.dir().resolve("results.md"));
        return 0;
    }

    /**
     * 5: the audience with and without unsubscribe links, and Keycloak's own search by attribute, with the
     * server's memory sampled meanwhile; 6: the change feed twice (the first pass also numbers the seeded rows).
     */
    private void scans(Setup.Prepared prepared, Sampler sampler, List<String> links, boolean search) throws Exception {
        // the JIT and caches of the audience's path, as the load phases get theirs (the first page measured is
        // then a new scan on a running server, not the server's first audience page); the feed is not read
        // before: its first pass numbers the seeded rows
        for (int i = 0; i < 30; i++) {
            Scans.links(api, prepared.mailerToken(), Scans.PAGE);
        }
        Scans.Scan audience = Scans.audience(api, prepared.mailerToken(), sampler, settings.scanLimit(), links,
                60_000, true);
        Scans.Scan bare = Scans.audience(api, prepared.mailerToken(), sampler, settings.scanLimit(), links, 0, false);
        report.scans(audience, bare, search ? Scans.adminSearch(api, admin, sampler, settings.scanLimit()) : null);
        for (int i = 0; i < 30; i++) { // its query's JIT and plan cache, as for the audience above
            check(api.get(Scans.audiencePage("purpose=bench-ads&links=false", null), prepared.mailerToken()), 200,
                    "regional audience warm-up");
        }
        report.regional(Scans.regionalAudience(api, prepared.mailerToken(), sampler, settings.scanLimit()));
        for (int i = 0; i < 30; i++) { // the same for the frequency filter's two query shapes
            for (String frequency : List.of("daily", "weekly")) {
                check(api.get(Scans.digest(frequency, null), prepared.mailerToken()), 200, "digest warm-up");
            }
        }
        report.frequencies(Scans.frequencyAudience(api, prepared.mailerToken(), sampler, settings.scanLimit(),
                "daily"), Scans.frequencyAudience(api, prepared.mailerToken(), sampler, settings.scanLimit(),
                "weekly"));
        Scans.Scan feed1 = Scans.feed(api, admin, settings.scanLimit());
        Scans.Scan feed2 = Scans.feed(api, admin, settings.scanLimit());
        report.feed(feed1, feed2);
        report.receipt(ReceiptRun.run(server.baseUrl(), admin, db, sampler, settings.receiptRows()));
        report.page(AccountPageRun.run(api, server.baseUrl(), 20));
    }

    /** An admin token of the master realm, fetched again before it expires (60 s there by default). */
    static final class Admin {
        private final Api api;
        private String token;
        private Instant fetched = Instant.EPOCH;

        Admin(Api api) {
            this.api = api;
        }

        synchronized String token() {
            if (Duration.between(fetched, Instant.now()).toSeconds() > 30) {
                token = api.adminToken();
                fetched = Instant.now();
            }
            return token;
        }
    }

    /** The realm, clients, users and tokens the load uses. */
    static final class Setup {
        record Prepared(List<String> consentRefreshTokens, List<String> plainRefreshTokens,
                        List<BenchData.Writer> writers, String mailerToken, String consentUser) {
        }

        private final Api api;
        private final Admin admin;
        private final Settings settings;

        Setup(Api api, Admin admin, Settings settings) {
            this.api = api;
            this.admin = admin;
            this.settings = settings;
        }

        Prepared prepare() {
            // tokens that outlive the run, so the load never meets an expired one
            check(api.put("/admin/realms/" + BenchData.REALM, admin.token(), Map.of("accessTokenLifespan", 7200,
                    "ssoSessionIdleTimeout", 36_000, "ssoSessionMaxLifespan", 72_000)), 204, "realm settings");
            List<String> base = List.of("profile", "email", "roles", "web-origins", "acr", "basic");
            List<String> optional = List.of("offline_access", "address", "phone", "microprofile-jwt", "organization");
            createClient(BenchData.CONSENT_CLIENT, concat(base, "consent"), concat(concat(concat(optional,
                    "partner-data"), "idc-choices-read"), "idc-choices-write"));
            int analytics = api.get("/admin/realms/" + BenchData.REALM + "/consent/purposes/analytics", admin.token())
                    .json().get("version").asInt();
            // regional rules for the regional audience (5): EU opt-in, California opt-out, the rest of the US required
            check(api.put("/admin/realms/" + BenchData.REALM + "/consent/settings", admin.token(), Map.of(
                    "regionAttribute", "country", "regions", new java.util.LinkedHashMap<>(Map.of(
                            "california", List.of("US-CA"), "us", List.of("US"))), "defaultRegion", "EU")), 200,
                    "regions");
            check(api.post("/admin/realms/" + BenchData.REALM + "/consent/purposes", admin.token(), Map.of(
                    "key", "bench-ads", "label", "Personalised advertising", "mechanism", "opt-out",
                    "includeInToken", false, "regions", Map.of("EU", "opt-in", "california", "opt-out",
                            "us", "required"))), 201, "regional purpose");
            // frequencies for the filtered audience (5): opt-in by email, daily / weekly (the default) / monthly
            check(api.post("/admin/realms/" + BenchData.REALM + "/consent/purposes", admin.token(), Map.of(
                    "key", "bench-digest", "label", "Digest", "mechanism", "opt-in", "channels", List.of("email"),
                    "includeInToken", false, "frequencies", List.of(Map.of("key", "daily", "label", "Daily"),
                            Map.of("key", "weekly", "label", "Weekly"), Map.of("key", "monthly", "label", "Monthly")),
                    "defaultFrequency", "weekly")), 201, "purpose with frequencies");
            createClient(BenchData.PLAIN_CLIENT, base, optional);

            List<String> consentTokens = new ArrayList<>();
            List<String> plainTokens = new ArrayList<>();
            List<BenchData.Writer> writers = new ArrayList<>();
            for (int i = 1; i <= settings.tokenUsers(); i++) {
                String username = "bench-token-" + i;
                String userId = api.createUser(username);
                JsonNode plain = password(BenchData.PLAIN_CLIENT, username, "openid");
                // consent to the purpose that gates the scope, so the consent client's tokens carry it: recorded by an
                // admin on the person's behalf (an app can never say yes to a purpose that unlocks access)
                check(api.post("/admin/realms/" + BenchData.REALM + "/consent/users/" + userId + "/choices",
                        admin.token(), Map.of("reason", "benchmark set-up", "choices",
                                List.of(Api.choice("partner-sharing", true)))), 200, "consent of " + username);
                // the writers' token holds the user API's write capability
                String writer = password(BenchData.CONSENT_CLIENT, username, "openid " + Api.CONSENT_SCOPES)
                        .get("access_token").asText();
                check(api.choose(writer, List.of(Api.choice("analytics", true))), 200, "choices of " + username);
                JsonNode consent = password(BenchData.CONSENT_CLIENT, username, "openid partner-data");
                if (i == 1) {
                    verifyClients(consent, plain);
                }
                consentTokens.add(consent.get("refresh_token").asText());
                plainTokens.add(plain.get("refresh_token").asText());
                writers.add(new BenchData.Writer(username, writer, new AtomicBoolean(true), analytics));
            }
            String mailer = api.serviceToken("mailer", "mailer-secret");
            Report.log("prepared 2 clients and " + settings.tokenUsers() + " users with tokens");
            return new Prepared(consentTokens, plainTokens, writers, mailer, "bench-token-1");
        }

        /** The comparison is only fair if the two clients differ in exactly the consent parts. */
        private static void verifyClients(JsonNode consent, JsonNode plain) {
            JsonNode withClaims = Api.claims(consent.get("access_token").asText());
            JsonNode without = Api.claims(plain.get("access_token").asText());
            if (!withClaims.has("consent") || !withClaims.path("scope").asText().contains("partner-data")) {
                throw new IllegalStateException("the consent client's token lacks the claim or the gated scope: "
                        + withClaims);
            }
            if (without.has("consent") || without.path("scope").asText().contains("partner-data")) {
                throw new IllegalStateException("the plain client's token has consent parts: " + without);
            }
        }

        private void createClient(String clientId, List<String> defaultScopes, List<String> optionalScopes) {
            check(api.post("/admin/realms/" + BenchData.REALM + "/clients", admin.token(), Map.of(
                    "clientId", clientId, "enabled", true, "publicClient", true, "standardFlowEnabled", false,
                    "directAccessGrantsEnabled", true, "defaultClientScopes", defaultScopes,
                    "optionalClientScopes", optionalScopes)), 201, "client " + clientId);
        }

        JsonNode password(String clientId, String username, String scope) {
            return tokenRequest(api, Map.of("grant_type", "password", "client_id", clientId, "username", username,
                    "password", username, "scope", scope));
        }

        private static List<String> concat(List<String> list, String more) {
            List<String> all = new ArrayList<>(list);
            all.add(more);
            return all;
        }
    }

    static JsonNode tokenRequest(Api api, Map<String, String> form) {
        Api.Reply r = api.send("POST", BenchSimulation.TOKEN_PATH, null, Api.form(form),
                "Content-Type", "application/x-www-form-urlencoded");
        check(r, 200, "token request " + form.get("grant_type"));
        return r.json();
    }

    static void check(Api.Reply r, int status, String what) {
        if (r.status() != status) {
            throw new IllegalStateException(what + ": expected " + status + ", got " + r);
        }
    }
}
