package dev.idconsent.consent.model;

import dev.idconsent.consent.CatalogService;
import dev.idconsent.consent.ConsentService;
import dev.idconsent.consent.catalog.PurposeComponents;
import dev.idconsent.consent.jpa.JpaChoiceStore;
import dev.idconsent.consent.jpa.JpaPurposeTexts;
import jakarta.persistence.EntityManager;
import java.time.Clock;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

/** Wires the domain services to a realm, in the request's session and transaction. */
public final class ConsentModels {
    private ConsentModels() {
    }

    public static ConsentService consent(KeycloakSession session, RealmModel realm) {
        EntityManager em = em(session);
        return new ConsentService(new PurposeComponents(realm), new JpaChoiceStore(em, realm.getId()),
                new JpaPurposeTexts(em, realm.getId()), Clock.systemUTC());
    }

    public static CatalogService catalog(KeycloakSession session, RealmModel realm) {
        return new CatalogService(new PurposeComponents(realm), new JpaPurposeTexts(em(session), realm.getId()),
                Clock.systemUTC());
    }

    public static JpaPurposeTexts texts(KeycloakSession session, RealmModel realm) {
        return new JpaPurposeTexts(em(session), realm.getId());
    }

    private static EntityManager em(KeycloakSession session) {
        return session.getProvider(JpaConnectionProvider.class).getEntityManager();
    }
}
