package dev.idconsent.consent.model;

import dev.idconsent.consent.CatalogService;
import dev.idconsent.consent.ConsentEvents;
import dev.idconsent.consent.ConsentReports;
import dev.idconsent.consent.ConsentService;
import dev.idconsent.consent.Purpose;
import dev.idconsent.consent.PurposeCatalog;
import dev.idconsent.consent.catalog.ConsentRoles;
import dev.idconsent.consent.catalog.PurposeComponents;
import dev.idconsent.consent.events.ConsentMetrics;
import dev.idconsent.consent.events.KeycloakUserEvents;
import dev.idconsent.consent.jpa.JpaChoiceStore;
import dev.idconsent.consent.jpa.JpaPurposeTexts;
import dev.idconsent.consent.mail.ConfirmationMails;
import jakarta.persistence.EntityManager;
import java.time.Clock;
import java.util.List;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/** Wires the domain services to a realm, in the request's session and transaction. */
public final class ConsentModels {
    private ConsentModels() {
    }

    public static ConsentService consent(KeycloakSession session, RealmModel realm) {
        EntityManager em = em(session);
        return new ConsentService(new PurposeComponents(realm),
                new JpaChoiceStore(em, realm.getId(), session.getKeycloakSessionFactory()),
                new JpaPurposeTexts(em, realm.getId()), Clock.systemUTC(),
                ConsentEvents.all(new KeycloakUserEvents(session, realm), new ConfirmationMails(session, realm),
                        new ConsentMetrics(session, realm)));
    }

    /** Receipts and counts: reads of the record for people and auditors. */
    public static ConsentReports reports(KeycloakSession session, RealmModel realm) {
        EntityManager em = em(session);
        PurposeComponents catalog = new PurposeComponents(realm);
        JpaChoiceStore store = new JpaChoiceStore(em, realm.getId(), session.getKeycloakSessionFactory());
        return new ConsentReports(consent(session, realm), catalog, store, new JpaPurposeTexts(em, realm.getId()));
    }

    /** The user as the consent service sees them: summary attribute and consent roles. */
    public static UserSubject subject(KeycloakSession session, RealmModel realm, UserModel user) {
        return new UserSubject(user, roles(session, realm));
    }

    /** Catalog writes also keep each gating purpose's role in line. */
    public static CatalogService catalog(KeycloakSession session, RealmModel realm) {
        PurposeComponents components = new PurposeComponents(session, realm);
        ConsentRoles roles = roles(session, realm);
        PurposeCatalog catalog = new PurposeCatalog() {
            @Override
            public List<Purpose> all() {
                return components.all();
            }

            @Override
            public void save(Purpose purpose) {
                components.save(purpose);
                roles.sync(purpose);
                AdminOverview.declare(session, realm);
            }
        };
        return new CatalogService(catalog, new JpaPurposeTexts(em(session), realm.getId()), Clock.systemUTC());
    }

    /** An admin (or a service account acting as one) as the actor of a change. */
    public static dev.idconsent.consent.Actor adminActor(UserModel admin) {
        return new dev.idconsent.consent.Actor(admin.getId(), admin.getUsername(),
                admin.getServiceAccountClientLink() != null ? dev.idconsent.consent.Actor.Kind.SERVICE
                        : dev.idconsent.consent.Actor.Kind.ADMIN);
    }

    public static ConsentRoles roles(KeycloakSession session, RealmModel realm) {
        return new ConsentRoles(session, realm, new JpaChoiceStore(em(session), realm.getId()));
    }

    public static JpaPurposeTexts texts(KeycloakSession session, RealmModel realm) {
        return new JpaPurposeTexts(em(session), realm.getId());
    }

    private static EntityManager em(KeycloakSession session) {
        return session.getProvider(JpaConnectionProvider.class).getEntityManager();
    }
}
