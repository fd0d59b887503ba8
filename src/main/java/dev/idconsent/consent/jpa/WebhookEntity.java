package dev.idconsent.consent.jpa;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQueries;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;

/** A webhook endpoint with its delivery cursor and retry state. */
@Entity(name = "IdcWebhook")
@Table(name = "IDC_WEBHOOK")
@NamedQueries({
    @NamedQuery(name = "idcWebhooksOfRealm",
            query = "select w from IdcWebhook w where w.realmId = :realmId order by w.createdAt, w.id"),
    // due: enabled, past its backoff, not leased, and with something to do (a committed change after its cursor,
    // numbered or not yet, or failures to clear); an idle endpoint costs this one query per tick
    @NamedQuery(name = "idcWebhooksDue", query = "select w.id from IdcWebhook w where w.enabled = true"
            + " and w.nextAttemptAt <= :now and (w.leaseUntil is null or w.leaseUntil < :now)"
            + " and (w.attempts > 0 or exists (select h.id from IdcHistory h where h.realmId = w.realmId"
            + " and (h.feedSeq is null or h.feedSeq > w.cursor))) order by w.nextAttemptAt"),
    @NamedQuery(name = "idcWebhookClaim", query = "update IdcWebhook w set w.leaseUntil = :until where w.id = :id"
            + " and w.enabled = true and w.nextAttemptAt <= :now and (w.leaseUntil is null or w.leaseUntil < :now)"),
    @NamedQuery(name = "idcWebhookDelivered", query = "update IdcWebhook w set w.cursor = :to,"
            + " w.delivered = w.delivered + :count, w.attempts = 0, w.lastAttemptAt = :at, w.lastStatus = :status,"
            + " w.lastSuccessAt = :at, w.nextAttemptAt = :next, w.leaseUntil = null"
            + " where w.id = :id and w.cursor = :from"),
    @NamedQuery(name = "idcWebhookFailed", query = "update IdcWebhook w set w.attempts = w.attempts + 1,"
            + " w.lastAttemptAt = :at, w.lastStatus = :status, w.lastError = :error, w.lastErrorAt = :at,"
            + " w.nextAttemptAt = :next, w.leaseUntil = null where w.id = :id and w.cursor = :from"),
    @NamedQuery(name = "idcWebhookIdle", query = "update IdcWebhook w set w.nextAttemptAt = :next,"
            + " w.attempts = 0, w.leaseUntil = null where w.id = :id"),
    @NamedQuery(name = "idcWebhookRelease", query = "update IdcWebhook w set w.leaseUntil = null where w.id = :id"),
    @NamedQuery(name = "idcHistoryBacklog", query = "select count(h) from IdcHistory h where h.realmId = :realmId"
            + " and (h.feedSeq is null or h.feedSeq > :cursor)"),
    @NamedQuery(name = "idcDeleteWebhooksOfRealm", query = "delete from IdcWebhook w where w.realmId = :realmId")
})
class WebhookEntity {
    @Id
    @Column(name = "ID", length = 36)
    String id;
    @Column(name = "REALM_ID", length = 36, nullable = false)
    String realmId;
    @Column(name = "URL", length = 2000, nullable = false)
    String url;
    @Column(name = "DESCRIPTION", length = 255)
    String description;
    @Column(name = "SECRET", length = 255, nullable = false)
    String secret;
    @Column(name = "ENABLED", nullable = false)
    boolean enabled;
    @Column(name = "CURSOR_POS", nullable = false)
    long cursor;
    @Column(name = "RETRY_BASE_SECONDS", nullable = false)
    int retryBaseSeconds;
    @Column(name = "RETRY_MAX_SECONDS", nullable = false)
    int retryMaxSeconds;
    @Column(name = "ATTEMPTS", nullable = false)
    int attempts;
    @Column(name = "NEXT_ATTEMPT_AT", nullable = false)
    long nextAttemptAt;
    @Column(name = "LAST_ATTEMPT_AT")
    Long lastAttemptAt;
    @Column(name = "LAST_STATUS")
    Integer lastStatus;
    @Column(name = "LAST_ERROR", length = 1000)
    String lastError;
    @Column(name = "LAST_ERROR_AT")
    Long lastErrorAt;
    @Column(name = "LAST_SUCCESS_AT")
    Long lastSuccessAt;
    @Column(name = "DELIVERED", nullable = false)
    long delivered;
    /** Until when one deliverer holds the endpoint; null when free. */
    @Column(name = "LEASE_UNTIL")
    Long leaseUntil;
    @Column(name = "CREATED_AT", nullable = false)
    long createdAt;
}
