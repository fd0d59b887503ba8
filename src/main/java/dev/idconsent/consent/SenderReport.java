package dev.idconsent.consent;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * How fast opt-outs reach the apps that act on them, so that an operator sees a sender drifting towards the 48 hours
 * mailbox providers allow (Gmail, Yahoo) before it gets there.
 *
 * <p>A <em>sender</em> is a client that reads the change feed (its token's client) or a webhook endpoint. An
 * <em>opt-out</em> is a history row that leaves the answer {@link ChoiceState#DENIED}, {@link ChoiceState#EXPIRED} or
 * {@link ChoiceState#PAUSED} (a pause must stop the mail as fast as a no).
 * It has <em>reached</em> a feed reader when that reader asks for the feed after it (its next read passes a cursor at
 * or past the row: it has taken the row in), and a webhook when the receiver acknowledged a delivery holding it (2xx).
 * A sender is held to the opt-outs made since it first read (or since the webhook was created).
 *
 * <p>Delays are counted per day in fixed buckets, as a Prometheus histogram is; a percentile is the upper bound of
 * the bucket it falls in (never more than the largest delay seen), the maximum is exact.
 */
public final class SenderReport {
    /** Upper bounds of the delay buckets, in seconds; a last bucket holds everything longer. */
    static final long[] BOUNDS = {1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600, 2 * 3600, 4 * 3600, 8 * 3600,
            12 * 3600, 18 * 3600, 24 * 3600, 36 * 3600, 48 * 3600, 72 * 3600, 7 * 86400};
    /** The states that make an opt-out. */
    public static final List<String> OPT_OUT_STATES = List.of(ChoiceState.DENIED.value(), ChoiceState.EXPIRED.value(),
            ChoiceState.PAUSED.value());
    /** The delays shown are those of the opt-outs that reached a sender in this many days, today included. */
    public static final int WINDOW_DAYS = 7;

    public enum Kind {
        FEED("feed"), WEBHOOK("webhook"),
        /** A client reading the audience of one purpose (and channel): one sender per purpose and channel it reads. */
        AUDIENCE("audience");

        private final String value;

        Kind(String value) {
            this.value = value;
        }

        public String value() {
            return value;
        }

        public static Kind of(String value) {
            for (Kind k : values()) {
                if (k.value.equals(value)) {
                    return k;
                }
            }
            throw new IllegalArgumentException("no sender kind " + value);
        }
    }

    private SenderReport() {
    }

    /** How many buckets there are: one per bound and one past them all. */
    public static int bucketCount() {
        return BOUNDS.length + 1;
    }

    /** The bucket of a delay: the index of the first bound it does not exceed, {@code BOUNDS.length} past them all. */
    public static int bucket(long delayMillis) {
        for (int i = 0; i < BOUNDS.length; i++) {
            if (delayMillis <= BOUNDS[i] * 1000) {
                return i;
            }
        }
        return BOUNDS.length;
    }

    /**
     * Delays of the opt-outs that reached a sender: how many, and their p50, p99 and maximum (all {@code null} when
     * there were none).
     */
    public record Delays(long optOuts, Duration p50, Duration p99, Duration max) {
        public static final Delays NONE = new Delays(0, null, null, null);

        /**
         * @param counts     opt-outs per bucket (index as {@link #bucket}), at least {@code BOUNDS.length + 1} long
         * @param maxMillis  the largest delay seen
         */
        public static Delays of(long[] counts, long maxMillis) {
            long total = 0;
            for (long c : counts) {
                total += c;
            }
            if (total == 0) {
                return NONE;
            }
            Duration max = Duration.ofMillis(maxMillis);
            return new Delays(total, quantile(counts, total, 50, max), quantile(counts, total, 99, max), max);
        }

        private static Duration quantile(long[] counts, long total, int percent, Duration max) {
            long rank = (total * percent + 99) / 100; // the rank-th smallest delay, 1-based: ceil, without floats
            long seen = 0;
            for (int i = 0; i < counts.length; i++) {
                seen += counts[i];
                if (seen >= rank) {
                    if (i >= BOUNDS.length) {
                        return max; // past the last bound: only the maximum is known
                    }
                    Duration bound = Duration.ofSeconds(BOUNDS[i]);
                    return bound.compareTo(max) < 0 ? bound : max;
                }
            }
            return max;
        }
    }

    /** The oldest opt-out a sender has not taken in yet: when it was made, and of which purpose. */
    public record Waiting(Instant at, String purpose, String channel) {
        public Duration age(Instant now) {
            return Duration.between(at, now);
        }
    }

    /**
     * One sender as the report shows it.
     *
     * @param name     the client id of a feed reader; the webhook's id for a webhook
     * @param since    it is held to the opt-outs made from then on
     * @param lastSeen its last feed read (to the minute while it takes in nothing new), or the webhook's last
     *                 acknowledged delivery ({@code null}: none yet)
     * @param reached  the feed position up to which it has taken everything in
     * @param waiting  the oldest opt-out it has not taken in; {@code null} when it is up to date
     * @param warnedAt when the warning admin event was raised for the delay now running; {@code null}: none
     */
    public record Sender(String id, Kind kind, String name, Instant since, Instant lastSeen, long reached,
                         Delays delays, Waiting waiting, Instant warnedAt) {
        /** Whether its oldest waiting opt-out is at least {@code threshold} old. */
        public boolean late(Instant now, Duration threshold) {
            return waiting != null && waiting.age(now).compareTo(threshold) >= 0;
        }
    }
}
