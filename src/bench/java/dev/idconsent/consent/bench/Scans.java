package dev.idconsent.consent.bench;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.idconsent.consent.it.Api;
import java.util.List;

/**
 * Sequential cursor loops, as a mail sender or a feed consumer runs them: time to the first page, time to the end
 * (or to the scan limit), rows read. One request at a time, pages of 1000 (the APIs' maximum); an audience is read
 * as a mailer that wants its first recipients at once and then the rest fast: a first page of 1000, then pages of
 * 10,000 (the audience's maximum).
 */
final class Scans {
    static final int PAGE = 1000;
    static final int AUDIENCE_PAGE = 10_000;
    static final String AUDIENCE = "/realms/" + BenchData.REALM
            + "/consent/senders/audience?purpose=newsletter&channel=email&max=";

    /** complete: the scan reached the end before the limit. memory: null when not sampled. */
    record Scan(String what, long firstPageMillis, long millis, long rows, boolean complete, Sampler.Memory memory) {
        double rowsPerSecond() {
            return millis == 0 ? Double.NaN : rows * 1000.0 / millis;
        }
    }

    private Scans() {
    }

    /** Unsubscribe links of the first {@code count} users in the newsletter audience. */
    static List<String> links(Api api, String mailerToken, int count) {
        Api.Reply r = api.get(AUDIENCE + count, mailerToken);
        Benchmark.check(r, 200, "audience");
        List<String> links = new java.util.ArrayList<>();
        r.json().get("users").forEach(u -> links.add(u.get("unsubscribe").asText()));
        return links;
    }

    /**
     * Everyone who may get the newsletter by email now; keeps up to {@code keep} unsubscribe links.
     *
     * @param withLinks false: {@code links=false}, pages without unsubscribe links (what minting them costs is
     *                  the difference)
     */
    static Scan audience(Api api, String mailerToken, Sampler sampler, int limitSeconds, List<String> links,
                         int keep, boolean withLinks) throws Exception {
        Sampler.Memory[] memory = new Sampler.Memory[1];
        String what = withLinks ? "audience" : "audience, no links";
        Scan scan = sampler.during(() -> loop(what, limitSeconds, cursor -> {
            Api.Reply r = api.get(audiencePage("purpose=newsletter&channel=email" + (withLinks ? "" : "&links=false"),
                    cursor), mailerToken);
            Benchmark.check(r, 200, "audience page");
            return readAudiencePage(r.body(), withLinks && links.size() < keep ? links : null, keep);
        }), m -> memory[0] = m);
        return withMemory(scan, memory[0]);
    }

    /** The audience of {@code bench-ads}, whose mechanism differs by region (three regions and a default), no links. */
    static Scan regionalAudience(Api api, String mailerToken, Sampler sampler, int limitSeconds) throws Exception {
        Sampler.Memory[] memory = new Sampler.Memory[1];
        Scan scan = sampler.during(() -> loop("regional audience", limitSeconds, cursor -> {
            Api.Reply r = api.get(audiencePage("purpose=bench-ads&links=false", cursor), mailerToken);
            Benchmark.check(r, 200, "regional audience page");
            return readAudiencePage(r.body(), null, 0);
        }), m -> memory[0] = m);
        return withMemory(scan, memory[0]);
    }

    /** A page of the {@code bench-digest} audience with one frequency, no links. */
    static String digest(String frequency, String cursor) {
        return audiencePage("purpose=bench-digest&channel=email&links=false&frequency=" + frequency, cursor);
    }

    /**
     * A page of the audience {@code query} asks for: the first ({@code cursor} null) of 1000 people, the figure
     * compared with Keycloak's search; the others of 10,000 from {@code cursor}.
     */
    static String audiencePage(String query, String cursor) {
        return "/realms/" + BenchData.REALM + "/consent/senders/audience?" + query + "&max="
                + (cursor == null ? PAGE + "" : AUDIENCE_PAGE + "&cursor=" + cursor);
    }

    /**
     * The audience of {@code bench-digest} (opt-in, frequencies daily, weekly — the default — and monthly) with a
     * frequency filter: {@code daily} is chosen explicitly, {@code weekly} also holds everyone who chose none.
     */
    static Scan frequencyAudience(Api api, String mailerToken, Sampler sampler, int limitSeconds, String frequency)
            throws Exception {
        Sampler.Memory[] memory = new Sampler.Memory[1];
        Scan scan = sampler.during(() -> loop("audience, frequency=" + frequency, limitSeconds, cursor -> {
            Api.Reply r = api.get(digest(frequency, cursor), mailerToken);
            Benchmark.check(r, 200, "digest audience page");
            return readAudiencePage(r.body(), null, 0);
        }), m -> memory[0] = m);
        return withMemory(scan, memory[0]);
    }

    /**
     * The same question asked of Keycloak's admin API: users with the attribute {@code bench-newsletter=subscribed}
     * (the seeder gives it to exactly the seeded users who did not opt out), paged by {@code first}/{@code max}.
     */
    static Scan adminSearch(Api api, Benchmark.Admin admin, Sampler sampler, int limitSeconds) throws Exception {
        Sampler.Memory[] memory = new Sampler.Memory[1];
        long[] first = {0};
        Scan scan = sampler.during(() -> loop("admin search", limitSeconds, cursor -> {
            Api.Reply r = api.get("/admin/realms/" + BenchData.REALM + "/users?briefRepresentation=true"
                    + "&q=bench-newsletter%3Asubscribed&first=" + first[0] + "&max=" + PAGE, admin.token());
            Benchmark.check(r, 200, "admin user search");
            int n = r.json().size();
            first[0] += n;
            return new Page(n, n < PAGE ? null : String.valueOf(first[0]));
        }), m -> memory[0] = m);
        return withMemory(scan, memory[0]);
    }

    /** The whole change feed from the start. */
    static Scan feed(Api api, Benchmark.Admin admin, int limitSeconds) throws Exception {
        return loop("feed", limitSeconds, cursor -> {
            Api.Reply r = api.get("/admin/realms/" + BenchData.REALM + "/consent/feed?max=" + PAGE + "&after="
                    + (cursor == null ? "0" : cursor), admin.token());
            Benchmark.check(r, 200, "feed page");
            int n = r.json().get("changes").size();
            return new Page(n, n == 0 ? null : r.json().get("next").asText());
        });
    }

    private record Page(int rows, String next) {
    }

    /**
     * Reads a page as a sender with a large audience would: streamed, counting users and keeping their links,
     * without a tree of the whole page (on this machine the load generator shares the server's two cores).
     */
    private static Page readAudiencePage(String body, List<String> links, int keep) throws java.io.IOException {
        int users = 0;
        String next = null;
        try (JsonParser p = Api.JSON.getFactory().createParser(body)) {
            int depth = 0; // objects: 1 the page, 2 a user
            String field = null;
            for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
                switch (t) {
                    case START_OBJECT -> users += ++depth == 2 ? 1 : 0;
                    case END_OBJECT -> depth--;
                    case FIELD_NAME -> field = p.currentName();
                    case VALUE_STRING, VALUE_NULL -> {
                        if (depth == 1 && "next".equals(field)) {
                            next = t == JsonToken.VALUE_NULL ? null : p.getText();
                        } else if (depth == 2 && "unsubscribe".equals(field) && t == JsonToken.VALUE_STRING
                                && links != null && links.size() < keep) {
                            links.add(p.getText());
                        }
                    }
                    default -> {
                    }
                }
            }
        }
        return new Page(users, next);
    }

    private interface PageReader {
        Page read(String cursor) throws Exception;
    }

    private static Scan loop(String what, int limitSeconds, PageReader reader) throws Exception {
        long start = System.nanoTime();
        long deadline = start + limitSeconds * 1_000_000_000L;
        long first = -1;
        long rows = 0;
        String cursor = null;
        boolean complete = false;
        while (System.nanoTime() < deadline) {
            Page page = reader.read(cursor);
            if (first < 0) {
                first = (System.nanoTime() - start) / 1_000_000;
            }
            rows += page.rows();
            if (page.next() == null) {
                complete = true;
                break;
            }
            cursor = page.next();
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        Report.log(String.format(java.util.Locale.ROOT, "%-16s %8d rows in %7.1f s, first page %5d ms%s", what, rows,
                millis / 1000.0, first, complete ? "" : " (stopped at the scan limit)"));
        return new Scan(what, first, millis, rows, complete, null);
    }

    private static Scan withMemory(Scan s, Sampler.Memory m) {
        return new Scan(s.what(), s.firstPageMillis(), s.millis(), s.rows(), s.complete(), m);
    }
}
