package dev.idconsent.consent.model;

import dev.idconsent.consent.catalog.PurposeComponents;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.provider.ProviderEvent;
import org.keycloak.provider.ProviderEventListener;

/**
 * A realm file may hand consent roles to users who have no consent record (or carry none of the roles): after
 * a realm is created or imported, its gating purposes' roles are reconciled with the records, never trusted. The
 * imported purposes' texts are archived then too, and translations given the old way become the catalog's
 * ({@link LegacyTranslations}, also for every realm at start-up).
 */
public final class RealmImportReconciler implements ProviderEventListener {
    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(RealmImportReconciler.class);
    private final org.keycloak.models.KeycloakSessionFactory factory;

    public RealmImportReconciler(org.keycloak.models.KeycloakSessionFactory factory) {
        this.factory = factory;
    }

    @Override
    public void onEvent(ProviderEvent event) {
        if (event instanceof org.keycloak.models.utils.PostMigrationEvent) {
            org.keycloak.models.utils.KeycloakModelUtils.runJobInTransaction(factory, session ->
                    session.realms().getRealmsStream().map(RealmModel::getId).toList().forEach(id -> {
                        try {
                            org.keycloak.models.utils.KeycloakModelUtils.runJobInTransaction(factory, s -> {
                                RealmModel realm = s.realms().getRealm(id);
                                s.getContext().setRealm(realm);
                                LegacyTranslations.migrate(s, realm);
                            });
                        } catch (RuntimeException ex) {
                            LOG.errorf(ex, "Moving the localization texts of purposes into the catalog of realm %s"
                                    + " failed; they stay where they are", id);
                        }
                    }));
        } else if (event instanceof RealmModel.RealmPostCreateEvent e) {
            KeycloakSession session = e.getKeycloakSession();
            RealmModel realm = e.getCreatedRealm();
            LegacyTranslations.migrate(session, realm);
            ConsentProvider consent = session.getProvider(ConsentProvider.class);
            java.util.List<dev.idconsent.consent.Purpose> purposes = new PurposeComponents(realm).all();
            consent.roles(realm).reconcile(purposes);
            if (!purposes.isEmpty()) {
                dev.idconsent.consent.catalog.GpcStatement.imported(realm, purposes);
                AdminOverview.declare(session, realm);
                // the proof of every answer names an archived text (and a node that remembers texts of a removed
                // realm with the same id stays right)
                java.time.Instant now = java.time.Instant.now();
                dev.idconsent.consent.PurposeTexts texts = consent.texts(realm);
                purposes.forEach(p -> texts.keep(p, now));
            }
        }
    }
}
