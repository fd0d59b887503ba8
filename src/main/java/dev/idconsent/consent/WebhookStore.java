package dev.idconsent.consent;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Where webhook endpoints and their delivery state are kept. */
public interface WebhookStore {
    List<Webhook> list(String realmId);

    Optional<Webhook> find(String realmId, String id);

    void create(Webhook webhook, String secret);

    /** Writes url, description, enabled and the retry settings; a changed url starts retrying at once. */
    void update(Webhook webhook);

    void setSecret(String id, String secret);

    boolean delete(String realmId, String id);

    /** Changes of the realm after the cursor that the receiver has not acknowledged yet. */
    long backlog(String realmId, long cursor);

    /** Asks the deliverer to try now, whatever the backoff said. */
    void retryNow(String id, Instant now);

    // ---- for the deliverer ----

    /**
     * Enabled endpoints, of every realm, that are due, not being delivered by anyone now, and have committed changes
     * after their cursor (or failures to clear).
     */
    List<String> due(Instant now);

    /**
     * Takes the endpoint for one delivery until {@code leaseUntil}, if it is still due and free: of several nodes
     * or threads, exactly one wins. Answers false if someone else has it.
     */
    boolean claim(String id, Instant now, Instant leaseUntil);

    String secret(String id);

    Optional<Webhook> find(String id);

    /**
     * The receiver acknowledged {@code count} changes up to position {@code to}: moves the cursor from {@code from}
     * (only if it is still there: an endpoint reset or deleted meanwhile is left alone), clears the failures and
     * the lease.
     */
    void delivered(String id, long from, long to, int count, int status, Instant at, Instant next);

    /** The attempt failed: the cursor stays, the failure is recorded, the lease ends, the next try is at next. */
    void failed(String id, long from, Integer status, String error, Instant at, Instant next);

    /**
     * Nothing to deliver (any rows a failing delivery held were deleted with their user): not failing any more, the
     * lease ends, the next look is at next.
     */
    void idle(String id, Instant next);
}
