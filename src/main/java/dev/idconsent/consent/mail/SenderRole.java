package dev.idconsent.consent.mail;

import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.models.utils.PostMigrationEvent;
import org.keycloak.provider.ProviderEvent;
import org.keycloak.provider.ProviderEventListener;

/** Every realm has the realm role {@value SenderResource#ROLE}: new realms at creation, existing ones at start. */
public final class SenderRole implements ProviderEventListener {
    private final KeycloakSessionFactory factory;

    public SenderRole(KeycloakSessionFactory factory) {
        this.factory = factory;
    }

    @Override
    public void onEvent(ProviderEvent event) {
        if (event instanceof RealmModel.RealmPostCreateEvent e) {
            ensure(e.getCreatedRealm());
        } else if (event instanceof PostMigrationEvent) {
            KeycloakModelUtils.runJobInTransaction(factory, session ->
                    session.realms().getRealmsStream().forEach(SenderRole::ensure));
        }
    }

    static void ensure(RealmModel realm) {
        if (realm.getRole(SenderResource.ROLE) == null) {
            realm.addRole(SenderResource.ROLE).setDescription("Consent plugin: may mint unsubscribe links and read"
                    + " audiences through /realms/{realm}/consent/senders (nothing else)");
        }
    }
}
