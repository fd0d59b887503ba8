package dev.idconsent.consent.jpa;

import dev.idconsent.consent.ServedNotices;
import jakarta.persistence.EntityManager;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.utils.KeycloakModelUtils;

/**
 * Served notices in the plugin's table: a person's rows are read in one query, then each shown text raises its
 * row or adds one (one statement per purpose shown).
 */
public final class JpaServedNotices implements ServedNotices {
    private final EntityManager em;
    private final String realmId;

    public static JpaServedNotices of(KeycloakSession session, String realmId) {
        return new JpaServedNotices(ConsentEntityProviderFactory.em(session), realmId);
    }

    private JpaServedNotices(EntityManager em, String realmId) {
        this.em = em;
        this.realmId = realmId;
    }

    @Override
    public void served(String subjectId, Surface surface, String clientId, String userAgentHash, List<Shown> shown,
                       Instant at) {
        Map<String, ServedNoticeEntity> existing = new HashMap<>();
        for (ServedNoticeEntity n : rows(subjectId)) {
            existing.put(key(n.purposeKey, n.version, n.surface, n.locale), n);
        }
        long now = at.toEpochMilli();
        for (Shown s : shown) {
            String key = key(s.purpose(), s.version(), surface.value(), s.locale());
            ServedNoticeEntity n = existing.get(key);
            if (n == null) {
                n = new ServedNoticeEntity();
                n.id = KeycloakModelUtils.generateId();
                n.realmId = realmId;
                n.userId = subjectId;
                n.purposeKey = s.purpose();
                n.version = s.version();
                n.surface = surface.value();
                n.locale = s.locale();
                n.firstAt = now;
                em.persist(n);
                existing.put(key, n);
            }
            n.clientId = clientId;
            n.userAgentHash = userAgentHash;
            n.lastAt = now;
            n.times++;
        }
    }

    @Override
    public List<Notice> of(String subjectId) {
        return rows(subjectId).stream().map(n -> new Notice(n.purposeKey, n.version, n.surface, n.locale, n.clientId,
                Instant.ofEpochMilli(n.firstAt), Instant.ofEpochMilli(n.lastAt), n.times, n.userAgentHash)).toList();
    }

    /** When the person's account goes. */
    public void deleteUser(String subjectId) {
        em.createNamedQuery("idcDeleteNoticesOfUser").setParameter("realmId", realmId)
                .setParameter("userId", subjectId).executeUpdate();
    }

    /** Notices last shown before {@code epochMillis} (the realm's retention); answers how many went. */
    public int deleteShownBefore(long epochMillis) {
        return em.createNamedQuery("idcDeleteNoticesShownBefore").setParameter("realmId", realmId)
                .setParameter("before", epochMillis).executeUpdate();
    }

    void deleteRealm() {
        em.createNamedQuery("idcDeleteNoticesOfRealm").setParameter("realmId", realmId).executeUpdate();
    }

    private List<ServedNoticeEntity> rows(String subjectId) {
        return em.createNamedQuery("idcNoticesOfUser", ServedNoticeEntity.class).setParameter("realmId", realmId)
                .setParameter("userId", subjectId).getResultList();
    }

    private static String key(String purpose, int version, String surface, String locale) {
        return purpose + "|" + version + "|" + surface + "|" + locale;
    }
}
