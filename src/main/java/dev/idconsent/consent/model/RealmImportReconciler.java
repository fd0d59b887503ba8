package dev.idconsent.consent.model;

import dev.idconsent.consent.catalog.PurposeComponents;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.provider.ProviderEvent;
import org.keycloak.provider.ProviderEventListener;

/**
 * A realm file may hand consent roles to users who have no consent record (or carry none of the roles): after
 * a realm is created or imported, its gating purposes' roles are reconciled with the records, never trusted.
 */
public final class RealmImportReconciler implements ProviderEventListener {
    @Override
    public void onEvent(ProviderEvent event) {
        if (event instanceof RealmModel.RealmPostCreateEvent e) {
            KeycloakSession session = e.getKeycloakSession();
            RealmModel realm = e.getCreatedRealm();
            session.getProvider(ConsentProvider.class).roles(realm).reconcile(new PurposeComponents(realm).all());
            if (!new PurposeComponents(realm).all().isEmpty()) {
                AdminOverview.declare(session, realm);
            }
        }
    }
}
