package dev.idconsent.consent.jpa;

import dev.idconsent.consent.Suppressions;
import jakarta.persistence.EntityManager;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.utils.KeycloakModelUtils;

/** The suppression list in {@code IDC_SUPPRESSION}, and each realm's hash key in {@code IDC_SUPPRESSION_KEY}. */
public final class JpaSuppressions implements Suppressions.Store {
    /** A realm's key never changes once made: each node keeps the ones it has read. */
    private static final Map<String, byte[]> KEYS = new ConcurrentHashMap<>();

    private final EntityManager em;
    private final String realmId;

    public static JpaSuppressions of(KeycloakSession session, String realmId) {
        return new JpaSuppressions(ConsentEntityProviderFactory.em(session), realmId);
    }

    JpaSuppressions(EntityManager em, String realmId) {
        this.em = em;
        this.realmId = realmId;
    }

    /**
     * The realm's key, made on first use in a transaction of its own (two nodes making one at once: the second
     * insert fails on the primary key and both then read the first).
     */
    public static byte[] key(KeycloakSessionFactory factory, String realmId) {
        return KEYS.computeIfAbsent(realmId, id -> {
            byte[] existing = read(factory, id);
            if (existing != null) {
                return existing;
            }
            try {
                KeycloakModelUtils.runJobInTransaction(factory, s -> {
                    SuppressionKeyEntity k = new SuppressionKeyEntity();
                    k.realmId = id;
                    byte[] secret = new byte[32];
                    new SecureRandom().nextBytes(secret);
                    k.secret = Base64.getEncoder().encodeToString(secret);
                    k.createdAt = System.currentTimeMillis();
                    s.getProvider(JpaConnectionProvider.class).getEntityManager().persist(k);
                });
            } catch (RuntimeException raced) {
                // another node or thread made it first: read theirs below
            }
            byte[] made = read(factory, id);
            if (made == null) {
                throw new IllegalStateException("the suppression key of realm " + id + " could not be made");
            }
            return made;
        });
    }

    private static byte[] read(KeycloakSessionFactory factory, String realmId) {
        return KeycloakModelUtils.runJobInTransactionWithResult(factory, s -> {
            SuppressionKeyEntity k = s.getProvider(JpaConnectionProvider.class).getEntityManager()
                    .find(SuppressionKeyEntity.class, realmId);
            return k == null ? null : Base64.getDecoder().decode(k.secret);
        });
    }

    @Override
    public void put(String addressHash, String purpose, String channel, Instant at) {
        SuppressionEntity existing = em.createQuery("select s from IdcSuppression s where s.realmId = :realmId and"
                        + " s.addressHash = :hash and s.purposeKey = :purposeKey and s.channel = :channel",
                        SuppressionEntity.class)
                .setParameter("realmId", realmId).setParameter("hash", addressHash).setParameter("purposeKey", purpose)
                .setParameter("channel", channel).getResultStream().findFirst().orElse(null);
        if (existing != null) {
            existing.createdAt = at.toEpochMilli();
            return;
        }
        SuppressionEntity s = new SuppressionEntity();
        s.id = KeycloakModelUtils.generateId();
        s.realmId = realmId;
        s.addressHash = addressHash;
        s.purposeKey = purpose;
        s.channel = channel;
        s.createdAt = at.toEpochMilli();
        em.persist(s);
    }

    @Override
    public int remove(String addressHash, String purpose, String channel) {
        var delete = em.createQuery("delete from IdcSuppression s where s.realmId = :realmId and s.addressHash = :hash"
                + (purpose == null ? "" : " and s.purposeKey = :purposeKey")
                + (channel == null ? "" : " and s.channel = :channel"))
                .setParameter("realmId", realmId).setParameter("hash", addressHash);
        if (purpose != null) {
            delete.setParameter("purposeKey", purpose);
        }
        if (channel != null) {
            delete.setParameter("channel", channel);
        }
        return delete.executeUpdate();
    }

    @Override
    public List<Suppressions.Entry> of(String addressHash) {
        return em.createNamedQuery("idcSuppressionsOf", SuppressionEntity.class).setParameter("realmId", realmId)
                .setParameter("hash", addressHash).getResultStream()
                .map(s -> new Suppressions.Entry(s.purposeKey, s.channel, Instant.ofEpochMilli(s.createdAt))).toList();
    }

    @Override
    public List<Suppressions.Count> counts() {
        return em.createNamedQuery("idcSuppressionCounts", Object[].class).setParameter("realmId", realmId)
                .getResultStream().map(r -> new Suppressions.Count((String) r[0], (String) r[1],
                        ((Number) r[2]).longValue())).toList();
    }

    /** With the realm: its entries and its key. */
    void deleteRealm() {
        em.createNamedQuery("idcDeleteSuppressionsOfRealm").setParameter("realmId", realmId).executeUpdate();
        em.createNamedQuery("idcDeleteSuppressionKeyOfRealm").setParameter("realmId", realmId).executeUpdate();
        KEYS.remove(realmId);
    }
}
