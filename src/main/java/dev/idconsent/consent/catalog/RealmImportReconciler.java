package dev.idconsent.consent.catalog;

import dev.idconsent.consent.jpa.JpaChoiceStore;
import dev.idconsent.consent.model.AdminOverview;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.provider.ProviderEvent;
import org.keycloak.provider.ProviderEventListener;

/**
 * A realm file may hand consent roles to users who have no consent record (or carry none of the roles): after
 * a realm is created or imported, its gating purposes' roles are reconciled with the records, never trusted.
 */
final class RealmImportReconciler implements ProviderEventListener {
    @Override
    public void onEvent(ProviderEvent event) {
        if (event instanceof RealmModel.RealmPostCreateEvent e) {
            KeycloakSession session = e.getKeycloakSession();
            RealmModel realm = e.getCreatedRealm();
            new ConsentRoles(session, realm, new JpaChoiceStore(
                    session.getProvider(JpaConnectionProvider.class).getEntityManager(), realm.getId()))
                    .reconcile(new PurposeComponents(realm).all());
            if (!new PurposeComponents(realm).all().isEmpty()) {
                AdminOverview.declare(session, realm);
            }
        }
    }
}
