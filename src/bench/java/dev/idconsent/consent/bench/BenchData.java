package dev.idconsent.consent.bench;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** What {@link Benchmark} hands to the next Gatling run in the same JVM: where, how long, and the prepared data. */
final class BenchData {
    static final String REALM = "demo";
    static final String CONSENT_CLIENT = "bench-consent";
    static final String PLAIN_CLIENT = "bench-plain";

    static volatile BenchData current;

    /**
     * A user with an access token whose writes alternate, so every write is a real change; a yes names the text
     * version (the user API requires it).
     */
    record Writer(String username, String token, AtomicBoolean state, int version) {
        boolean flip() {
            boolean now;
            do {
                now = state.get();
            } while (!state.compareAndSet(now, !now));
            return !now;
        }
    }

    final String baseUrl;
    final List<String> consentRefreshTokens;
    final List<String> plainRefreshTokens;
    final List<Writer> writers;
    final List<String> links;
    final AtomicInteger nextLink = new AtomicInteger();
    /** Posts of a link already used (an unsubscribe that changes nothing): counted, never expected. */
    final AtomicLong reusedLinks = new AtomicLong();
    String phase;
    int seconds;
    int concurrency;
    /** The links this phase may use: [from, to); warm-up posts a few links again and again. */
    int linksFrom;
    int linksTo;

    void useLinks(int from, int to) {
        linksFrom = from;
        linksTo = to;
        nextLink.set(from);
        reusedLinks.set(0);
    }

    BenchData(String baseUrl, List<String> consentRefreshTokens, List<String> plainRefreshTokens,
              List<Writer> writers, List<String> links) {
        this.baseUrl = baseUrl;
        this.consentRefreshTokens = consentRefreshTokens;
        this.plainRefreshTokens = plainRefreshTokens;
        this.writers = writers;
        this.links = links;
    }

    private static final AtomicInteger ROUND_ROBIN = new AtomicInteger();

    static <T> T next(List<T> items) {
        return items.get(Math.floorMod(ROUND_ROBIN.getAndIncrement(), items.size()));
    }

    String nextLink() {
        int i = nextLink.getAndIncrement();
        if (i < linksTo) {
            return links.get(i);
        }
        reusedLinks.incrementAndGet();
        return links.get(linksFrom + (i - linksFrom) % (linksTo - linksFrom));
    }
}
