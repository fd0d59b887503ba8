package dev.idconsent.consent;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class SenderReportTest {
    static long[] counts() {
        return new long[SenderReport.bucketCount()];
    }

    @Nested
    @DisplayName("given delays, then each falls in the first bucket whose bound it does not exceed")
    class Buckets {
        @Test
        void bounds() {
            assertThat(SenderReport.bucket(0)).isZero();
            assertThat(SenderReport.bucket(1000)).isZero();
            assertThat(SenderReport.bucket(1001)).isEqualTo(1);
            assertThat(SenderReport.bucket(Duration.ofHours(24).toMillis())).isEqualTo(16);
            assertThat(SenderReport.bucket(Duration.ofHours(24).toMillis() + 1)).isEqualTo(17);
            assertThat(SenderReport.bucket(Duration.ofDays(30).toMillis())).isEqualTo(SenderReport.bucketCount() - 1);
        }
    }

    @Nested
    @DisplayName("given counted delays, then p50 and p99 are the upper bounds of their buckets, never above the max")
    class Percentiles {
        @Test
        @DisplayName("none: no figures")
        void none() {
            assertThat(SenderReport.Delays.of(counts(), 0)).isEqualTo(SenderReport.Delays.NONE);
        }

        @Test
        @DisplayName("one delay: every figure is that delay")
        void one() {
            long[] c = counts();
            c[SenderReport.bucket(1600)]++;
            SenderReport.Delays d = SenderReport.Delays.of(c, 1600);
            assertThat(d.optOuts()).isEqualTo(1);
            assertThat(d.p50()).isEqualTo(Duration.ofMillis(1600));
            assertThat(d.p99()).isEqualTo(Duration.ofMillis(1600));
            assertThat(d.max()).isEqualTo(Duration.ofMillis(1600));
        }

        @Test
        @DisplayName("99 fast and 1 slow: p50 is the fast bucket's bound, p99 too, the max is the slow one")
        void skewed() {
            long[] c = counts();
            c[SenderReport.bucket(3_000)] += 99; // bucket (2 s, 5 s]
            c[SenderReport.bucket(Duration.ofHours(30).toMillis())]++;
            SenderReport.Delays d = SenderReport.Delays.of(c, Duration.ofHours(30).toMillis());
            assertThat(d.p50()).isEqualTo(Duration.ofSeconds(5));
            assertThat(d.p99()).isEqualTo(Duration.ofSeconds(5));
            assertThat(d.max()).isEqualTo(Duration.ofHours(30));
            c[SenderReport.bucket(Duration.ofHours(30).toMillis())]++; // 2 of 101 slow: p99 moves to their bucket,
            // whose bound (36 h) is above the largest delay seen: the max it is
            assertThat(SenderReport.Delays.of(c, Duration.ofHours(30).toMillis()).p99()).isEqualTo(Duration.ofHours(30));
            assertThat(SenderReport.Delays.of(c, Duration.ofHours(40).toMillis()).p99()).isEqualTo(Duration.ofHours(36));
        }

        @Test
        @DisplayName("past the last bound only the max is known")
        void beyond() {
            long[] c = counts();
            c[SenderReport.bucketCount() - 1] = 3;
            SenderReport.Delays d = SenderReport.Delays.of(c, Duration.ofDays(20).toMillis());
            assertThat(d.p50()).isEqualTo(Duration.ofDays(20));
        }
    }

    @Test
    @DisplayName("given a waiting opt-out, then the sender is late from the threshold on, not before")
    void late() {
        Instant made = Instant.parse("2026-12-01T00:00:00Z");
        SenderReport.Sender s = new SenderReport.Sender("id", SenderReport.Kind.FEED, "mailer", made, null, 0,
                SenderReport.Delays.NONE, new SenderReport.Waiting(made, "newsletter", "email"), null);
        assertThat(s.late(made.plus(Duration.ofHours(24)).minusMillis(1), Duration.ofHours(24))).isFalse();
        assertThat(s.late(made.plus(Duration.ofHours(24)), Duration.ofHours(24))).isTrue();
        SenderReport.Sender upToDate = new SenderReport.Sender("id", SenderReport.Kind.FEED, "mailer", made, null, 0,
                SenderReport.Delays.NONE, null, null);
        assertThat(upToDate.late(made.plus(Duration.ofDays(9)), Duration.ofHours(24))).isFalse();
    }
}
