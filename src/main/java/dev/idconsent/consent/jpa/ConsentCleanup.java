package dev.idconsent.consent.jpa;

import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.provider.ProviderEvent;
import org.keycloak.provider.ProviderEventListener;

/**
 * Keycloak does not know the plugin's tables: remove a realm's rows when Keycloak removes it, in the same
 * transaction. (A user's rows go in {@code lifecycle.AccountLifecycle}, which first keeps the opt-outs that outlive
 * the account.)
 */
final class ConsentCleanup implements ProviderEventListener {
    @Override
    public void onEvent(ProviderEvent event) {
        if (event instanceof RealmModel.RealmRemovedEvent e) {
            store(e.getKeycloakSession(), e.getRealm()).deleteRealm();
            new JpaSuppressions(e.getKeycloakSession().getProvider(JpaConnectionProvider.class).getEntityManager(),
                    e.getRealm().getId()).deleteRealm();
            JpaPurposeTexts.forgetRealm(e.getRealm().getId());
            JpaServedNotices.of(e.getKeycloakSession(), e.getRealm().getId()).deleteRealm();
            JpaSenders.of(e.getKeycloakSession(), e.getRealm().getId()).deleteRealm();
            new JpaWebhookStore(e.getKeycloakSession().getProvider(JpaConnectionProvider.class).getEntityManager())
                    .deleteRealm(e.getRealm().getId());
        }
    }

    private static JpaChoiceStore store(KeycloakSession session, RealmModel realm) {
        return new JpaChoiceStore(session.getProvider(JpaConnectionProvider.class).getEntityManager(), realm.getId());
    }
}
