package dev.idconsent.consent.jpa;

import dev.idconsent.consent.PurposeTexts;
import jakarta.persistence.EntityManager;
import java.time.Instant;
import java.util.List;
import org.keycloak.models.utils.KeycloakModelUtils;

/** The archive of purpose texts in the plugin's table. */
public final class JpaPurposeTexts implements PurposeTexts {
    private final EntityManager em;
    private final String realmId;

    /** The archive of the session's EntityManager. */
    public static JpaPurposeTexts of(org.keycloak.models.KeycloakSession session, String realmId) {
        return new JpaPurposeTexts(ConsentEntityProviderFactory.em(session), realmId);
    }

    public JpaPurposeTexts(EntityManager em, String realmId) {
        this.em = em;
        this.realmId = realmId;
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
        t.kind = text.kind().value();
        t.actorId = text.actorId();
        t.createdAt = text.at().toEpochMilli();
        em.persist(t);
    }

    @Override
    public boolean has(String purpose, int version) {
        return em.createNamedQuery("idcCountTextsOfVersion", Long.class).setParameter("realmId", realmId)
                .setParameter("purposeKey", purpose).setParameter("version", version).getSingleResult() > 0;
    }

    @Override
    public List<Text> of(String purpose) {
        return em.createNamedQuery("idcTextsOfPurpose", PurposeTextEntity.class).setParameter("realmId", realmId)
                .setParameter("purposeKey", purpose).getResultStream()
                .map(t -> new Text(t.purposeKey, t.version, t.label, t.description == null ? "" : t.description,
                        Kind.valueOf(t.kind.toUpperCase(java.util.Locale.ROOT)), t.actorId,
                        Instant.ofEpochMilli(t.createdAt)))
                .toList();
    }
}
