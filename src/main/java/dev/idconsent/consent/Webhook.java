package dev.idconsent.consent;

import java.time.Instant;

/**
 * A realm's webhook endpoint and where its delivery stands. The secret is not part of it: it is shown once when
 * the endpoint is created and otherwise only read by the deliverer ({@link WebhookStore#secret}).
 *
 * @param cursor        the last change-feed position the receiver acknowledged with a 2xx
 * @param attempts      failed attempts since the last success (0 when healthy)
 * @param nextAttemptAt when the deliverer tries again (or looks for new changes)
 * @param lastStatus    HTTP status of the last attempt; {@code null} if it got no answer or none was made
 */
public record Webhook(String id, String realmId, String url, String description, boolean enabled, long cursor,
                      int retryBaseSeconds, int retryMaxSeconds, int attempts, Instant nextAttemptAt,
                      Instant lastAttemptAt, Integer lastStatus, String lastError, Instant lastErrorAt,
                      Instant lastSuccessAt, long delivered, Instant createdAt) {

    /** The wait before the next attempt after {@code attempts} failures in a row: base·2^(n−1), at most max. */
    public static long backoffSeconds(int attempts, int baseSeconds, int maxSeconds) {
        if (attempts <= 0) {
            return 0;
        }
        long delay = baseSeconds;
        for (int i = 1; i < attempts && delay < maxSeconds; i++) {
            delay *= 2;
        }
        return Math.min(delay, maxSeconds);
    }

    public Webhook withSettings(String url, String description, boolean enabled, int retryBaseSeconds,
                                int retryMaxSeconds) {
        return new Webhook(id, realmId, url, description, enabled, cursor, retryBaseSeconds, retryMaxSeconds,
                attempts, nextAttemptAt, lastAttemptAt, lastStatus, lastError, lastErrorAt, lastSuccessAt, delivered,
                createdAt);
    }
}
