package dev.idconsent.consent.model;

import dev.idconsent.consent.CatalogService;
import dev.idconsent.consent.ConsentEvents;
import dev.idconsent.consent.ConsentReports;
import dev.idconsent.consent.ConsentService;
import dev.idconsent.consent.Purpose;
import dev.idconsent.consent.PurposeCatalog;
import dev.idconsent.consent.PurposeTexts;
import dev.idconsent.consent.catalog.ConsentRoles;
import dev.idconsent.consent.catalog.PurposeComponents;
import dev.idconsent.consent.events.ConsentMetrics;
import dev.idconsent.consent.events.KeycloakUserEvents;
import dev.idconsent.consent.jpa.JpaChoiceStore;
import dev.idconsent.consent.jpa.JpaPurposeTexts;
import dev.idconsent.consent.mail.ConfirmationMails;
import java.time.Clock;
import java.util.List;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/** Wires the domain services to a realm, in the session's transaction. */
final class DefaultConsentProvider implements ConsentProvider {
    private final KeycloakSession session;

    DefaultConsentProvider(KeycloakSession session) {
        this.session = session;
    }

    @Override
    public ConsentService consent(RealmModel realm) {
        return new ConsentService(new PurposeComponents(realm), writes(realm), texts(realm), Clock.systemUTC(),
                ConsentEvents.all(new KeycloakUserEvents(session, realm), new ConfirmationMails(session, realm),
                        new ConsentMetrics(session, realm)));
    }

    @Override
    public ConsentReports reports(RealmModel realm) {
        // the reports read through a plain store; the service is there for the receipt's current state, which
        // repairs a stale token summary under the writers' lock like every other read of the state
        return new ConsentReports(consent(realm), new PurposeComponents(realm), JpaChoiceStore.of(session,
                realm.getId()), texts(realm));
    }

    @Override
    public UserSubject subject(RealmModel realm, UserModel user) {
        return new UserSubject(session, realm, user, roles(realm));
    }

    @Override
    public CatalogService catalog(RealmModel realm) {
        PurposeComponents components = new PurposeComponents(session, realm);
        ConsentRoles roles = roles(realm);
        PurposeCatalog catalog = new PurposeCatalog() {
            @Override
            public List<Purpose> all() {
                return components.all();
            }

            @Override
            public String baseLocale() {
                return components.baseLocale();
            }

            @Override
            public void save(Purpose purpose) {
                components.save(purpose);
                roles.sync(purpose);
                AdminOverview.declare(session, realm);
            }
        };
        return new CatalogService(catalog, texts(realm), Clock.systemUTC());
    }

    @Override
    public ConsentRoles roles(RealmModel realm) {
        return new ConsentRoles(session, realm, JpaChoiceStore.of(session, realm.getId()));
    }

    @Override
    public PurposeTexts texts(RealmModel realm) {
        return JpaPurposeTexts.of(session, realm.getId());
    }

    @Override
    public dev.idconsent.consent.Suppressions suppressions(RealmModel realm) {
        if (!SuppressionSettings.enabled(realm)) {
            return null;
        }
        return new dev.idconsent.consent.Suppressions(new PurposeComponents(realm),
                dev.idconsent.consent.jpa.JpaSuppressions.of(session, realm.getId()),
                dev.idconsent.consent.jpa.JpaSuppressions.key(session.getKeycloakSessionFactory(), realm.getId()),
                Clock.systemUTC());
    }

    /**
     * The store the consent service writes through (its locking reads need the session factory; it reads people's
     * region code with their answers).
     */
    private JpaChoiceStore writes(RealmModel realm) {
        dev.idconsent.consent.Regions regions = dev.idconsent.consent.catalog.RegionSettings.of(realm);
        return JpaChoiceStore.forWrites(session, realm.getId(), regions.enabled() ? regions.attribute() : null);
    }

    @Override
    public dev.idconsent.consent.ServedNotices notices(RealmModel realm) {
        return dev.idconsent.consent.jpa.JpaServedNotices.of(session, realm.getId());
    }

    @Override
    public boolean recordNotices(RealmModel realm, String subjectId,
                                 dev.idconsent.consent.ServedNotices.Surface surface, String clientId,
                                 List<dev.idconsent.consent.ServedNotices.Shown> shown) {
        if (shown.isEmpty()) {
            return true;
        }
        String realmId = realm.getId();
        String userAgentHash = NoticeUserAgents.ofRequest(session, realm);
        java.time.Instant now = java.time.Instant.now();
        for (int attempt = 1; ; attempt++) {
            try {
                org.keycloak.models.utils.KeycloakModelUtils.runJobInTransaction(session.getKeycloakSessionFactory(),
                        s -> dev.idconsent.consent.jpa.JpaServedNotices.of(s, realmId).served(subjectId, surface,
                                clientId, userAgentHash, shown, now));
                return true;
            } catch (RuntimeException e) {
                if (attempt == 2) { // the second try sees the row a concurrent showing inserted
                    org.jboss.logging.Logger.getLogger(DefaultConsentProvider.class).warnf(e,
                            "Served notices of user %s (%s) in realm %s were not recorded", subjectId,
                            surface.value(), realm.getName());
                    return false;
                }
            }
        }
    }
}
