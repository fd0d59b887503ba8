package dev.idconsent.consent.jpa;

import dev.idconsent.consent.LegalBasis;
import dev.idconsent.consent.PurposeTexts;
import jakarta.persistence.EntityManager;
import java.time.Instant;
import java.util.List;
import org.keycloak.models.AbstractKeycloakTransaction;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.utils.KeycloakModelUtils;

/**
 * The archive of purpose texts in the plugin's table. Archived texts are only ever removed with their realm, so
 * what {@link #has} once found committed stays true: this node remembers it (every write asks).
 */
public final class JpaPurposeTexts implements PurposeTexts {
    /** realm id | purpose | version of texts known to be archived (committed). */
    private static final java.util.Set<String> ARCHIVED = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private final KeycloakSession session;
    private final EntityManager em;
    private final String realmId;

    /** The archive of the session's EntityManager. */
    public static JpaPurposeTexts of(KeycloakSession session, String realmId) {
        return new JpaPurposeTexts(session, realmId);
    }

    private JpaPurposeTexts(KeycloakSession session, String realmId) {
        this.session = session;
        this.em = ConsentEntityProviderFactory.em(session);
        this.realmId = realmId;
    }

    /**
     * Called when the realm is removed. Another node may still remember texts of the removed realm; that cannot
     * matter, since a realm created again with the same id archives its purposes' texts when it is created.
     */
    static void forgetRealm(String realmId) {
        ARCHIVED.removeIf(key -> key.startsWith(realmId + "|"));
    }

    @Override
    public void append(Text text) {
        PurposeTextEntity t = new PurposeTextEntity();
        t.id = KeycloakModelUtils.generateId();
        t.realmId = realmId;
        t.purposeKey = text.purpose();
        t.version = text.version();
        t.label = text.label();
        t.description = text.description();
        t.recipients = text.recipients().isEmpty() ? null : String.join("\n", text.recipients());
        t.legalBasis = text.legalBasis() == null ? null : text.legalBasis().value();
        t.translations = TranslationsColumn.write(text.translations());
        t.kind = text.kind().value();
        t.actorId = text.actorId();
        t.createdAt = text.at().toEpochMilli();
        em.persist(t);
    }

    @Override
    public boolean has(String purpose, int version) {
        String key = realmId + "|" + purpose + "|" + version;
        if (ARCHIVED.contains(key)) {
            return true;
        }
        boolean found = em.createNamedQuery("idcCountTextsOfVersion", Long.class).setParameter("realmId", realmId)
                .setParameter("purposeKey", purpose).setParameter("version", version).getSingleResult() > 0;
        if (found) {
            // the row may be this transaction's own insert: remembered once it is committed
            session.getTransactionManager().enlistAfterCompletion(new AbstractKeycloakTransaction() {
                @Override
                protected void commitImpl() {
                    ARCHIVED.add(key);
                }

                @Override
                protected void rollbackImpl() {
                }
            });
        }
        return found;
    }

    @Override
    public List<Text> of(String purpose) {
        return em.createNamedQuery("idcTextsOfPurpose", PurposeTextEntity.class).setParameter("realmId", realmId)
                .setParameter("purposeKey", purpose).getResultStream()
                .map(t -> new Text(t.purposeKey, t.version, t.label, t.description == null ? "" : t.description,
                        t.recipients == null ? List.of() : List.of(t.recipients.split("\n")),
                        t.legalBasis == null ? null : LegalBasis.fromValue(t.legalBasis),
                        TranslationsColumn.read(t.translations), Kind.valueOf(t.kind.toUpperCase(java.util.Locale.ROOT)),
                        t.actorId,
                        Instant.ofEpochMilli(t.createdAt)))
                .toList();
    }
}
