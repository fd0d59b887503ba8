package dev.idconsent.consent.model;

import dev.idconsent.consent.catalog.PurposeComponents;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.provider.ProviderEvent;
import org.keycloak.provider.ProviderEventListener;

/**
 * A realm file may hand consent roles to users who have no consent record (or carry none of the roles): after
 * a realm is created or imported, its gating purposes' roles are reconciled with the records, never trusted. The
 * imported purposes' texts are archived then too.
 */
public final class RealmImportReconciler implements ProviderEventListener {
    @Override
    public void onEvent(ProviderEvent event) {
        if (event instanceof RealmModel.RealmPostCreateEvent e) {
            KeycloakSession session = e.getKeycloakSession();
            RealmModel realm = e.getCreatedRealm();
            ConsentProvider consent = session.getProvider(ConsentProvider.class);
            java.util.List<dev.idconsent.consent.Purpose> purposes = new PurposeComponents(realm).all();
            consent.roles(realm).reconcile(purposes);
            if (!purposes.isEmpty()) {
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
