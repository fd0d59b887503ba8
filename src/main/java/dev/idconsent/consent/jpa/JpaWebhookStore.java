package dev.idconsent.consent.jpa;

import dev.idconsent.consent.Webhook;
import dev.idconsent.consent.WebhookStore;
import jakarta.persistence.EntityManager;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Webhook endpoints in {@code IDC_WEBHOOK}; the state updates of the deliverer are conditional single statements. */
public final class JpaWebhookStore implements WebhookStore {
    private final EntityManager em;

    /** The webhook store of the session's EntityManager. */
    public static JpaWebhookStore of(org.keycloak.models.KeycloakSession session) {
        return new JpaWebhookStore(ConsentEntityProviderFactory.em(session));
    }

    public JpaWebhookStore(EntityManager em) {
        this.em = em;
    }

    @Override
    public List<Webhook> list(String realmId) {
        return em.createNamedQuery("idcWebhooksOfRealm", WebhookEntity.class).setParameter("realmId", realmId)
                .getResultStream().map(JpaWebhookStore::toWebhook).toList();
    }

    @Override
    public Optional<Webhook> find(String realmId, String id) {
        return entity(id).filter(w -> w.realmId.equals(realmId)).map(JpaWebhookStore::toWebhook);
    }

    @Override
    public Optional<Webhook> find(String id) {
        return entity(id).map(JpaWebhookStore::toWebhook);
    }

    @Override
    public void create(Webhook w, String secret) {
        WebhookEntity e = new WebhookEntity();
        e.id = w.id();
        e.realmId = w.realmId();
        e.secret = secret;
        e.cursor = w.cursor();
        e.nextAttemptAt = w.nextAttemptAt().toEpochMilli();
        e.createdAt = w.createdAt().toEpochMilli();
        settings(e, w);
        em.persist(e);
        new JpaSenders(em, w.realmId()).webhookCreated(w.id(), w.cursor(), w.createdAt());
        em.flush();
    }

    @Override
    public void update(Webhook w) {
        WebhookEntity e = entity(w.id()).orElseThrow();
        if (!e.url.equals(w.url())) {
            e.nextAttemptAt = 0; // a new address: no reason to wait out the old one's backoff
        }
        settings(e, w);
        em.flush();
    }

    private static void settings(WebhookEntity e, Webhook w) {
        e.url = w.url();
        e.description = w.description();
        e.enabled = w.enabled();
        e.retryBaseSeconds = w.retryBaseSeconds();
        e.retryMaxSeconds = w.retryMaxSeconds();
    }

    @Override
    public void setSecret(String id, String secret) {
        entity(id).orElseThrow().secret = secret;
        em.flush();
    }

    @Override
    public boolean delete(String realmId, String id) {
        Optional<WebhookEntity> e = entity(id).filter(w -> w.realmId.equals(realmId));
        e.ifPresent(em::remove);
        e.ifPresent(w -> new JpaSenders(em, realmId).delete(w.id));
        em.flush();
        return e.isPresent();
    }

    @Override
    public long backlog(String realmId, long cursor) {
        return em.createNamedQuery("idcHistoryBacklog", Long.class).setParameter("realmId", realmId)
                .setParameter("cursor", cursor).getSingleResult();
    }

    @Override
    public void retryNow(String id, Instant now) {
        entity(id).orElseThrow().nextAttemptAt = now.toEpochMilli();
        em.flush();
    }

    @Override
    public List<String> due(Instant now) {
        return em.createNamedQuery("idcWebhooksDue", String.class).setParameter("now", now.toEpochMilli())
                .getResultList();
    }

    @Override
    public boolean claim(String id, Instant now, Instant leaseUntil) {
        return em.createNamedQuery("idcWebhookClaim").setParameter("id", id).setParameter("now", now.toEpochMilli())
                .setParameter("until", leaseUntil.toEpochMilli()).executeUpdate() == 1;
    }

    @Override
    public String secret(String id) {
        return entity(id).map(e -> e.secret).orElse(null);
    }

    @Override
    public void delivered(String id, long from, long to, int count, int status, Instant at, Instant next) {
        int updated = em.createNamedQuery("idcWebhookDelivered").setParameter("id", id).setParameter("from", from)
                .setParameter("to", to).setParameter("count", (long) count).setParameter("status", status)
                .setParameter("at", at.toEpochMilli()).setParameter("next", next.toEpochMilli()).executeUpdate();
        if (updated == 0) {
            release(id);
        } else {
            new JpaSenders(em, entity(id).orElseThrow().realmId).webhookAcknowledged(id, to, at);
        }
    }

    @Override
    public void failed(String id, long from, Integer status, String error, Instant at, Instant next) {
        int updated = em.createNamedQuery("idcWebhookFailed").setParameter("id", id).setParameter("from", from)
                .setParameter("status", status).setParameter("error", error).setParameter("at", at.toEpochMilli())
                .setParameter("next", next.toEpochMilli()).executeUpdate();
        if (updated == 0) {
            release(id);
        }
    }

    @Override
    public void idle(String id, Instant next) {
        em.createNamedQuery("idcWebhookIdle").setParameter("id", id).setParameter("next", next.toEpochMilli())
                .executeUpdate();
    }

    private void release(String id) {
        em.createNamedQuery("idcWebhookRelease").setParameter("id", id).executeUpdate();
    }

    /** Removes a realm's endpoints (realm removal). */
    void deleteRealm(String realmId) {
        em.createNamedQuery("idcDeleteWebhooksOfRealm").setParameter("realmId", realmId).executeUpdate();
    }

    private Optional<WebhookEntity> entity(String id) {
        return Optional.ofNullable(em.find(WebhookEntity.class, id));
    }

    private static Webhook toWebhook(WebhookEntity e) {
        return new Webhook(e.id, e.realmId, e.url, e.description, e.enabled, e.cursor, e.retryBaseSeconds,
                e.retryMaxSeconds, e.attempts, Instant.ofEpochMilli(e.nextAttemptAt), instant(e.lastAttemptAt),
                e.lastStatus, e.lastError, instant(e.lastErrorAt), instant(e.lastSuccessAt), e.delivered,
                Instant.ofEpochMilli(e.createdAt));
    }

    private static Instant instant(Long millis) {
        return millis == null ? null : Instant.ofEpochMilli(millis);
    }
}
