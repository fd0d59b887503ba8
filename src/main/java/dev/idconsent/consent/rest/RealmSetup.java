package dev.idconsent.consent.rest;

import dev.idconsent.consent.rest.SenderResource;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.models.utils.PostMigrationEvent;
import org.keycloak.provider.ProviderEvent;
import org.keycloak.provider.ProviderEventListener;

/**
 * What every realm needs for the APIs: the realm role {@value SenderResource#ROLE} and the user API's client
 * scopes ({@link ConsentScopes}). New realms get them when created or imported (Keycloak fires the event after
 * the import), existing ones at start-up — the migration of realms that predate the scopes.
 */
final class RealmSetup implements ProviderEventListener {
    private final KeycloakSessionFactory factory;

    RealmSetup(KeycloakSessionFactory factory) {
        this.factory = factory;
    }

    @Override
    public void onEvent(ProviderEvent event) {
        if (event instanceof RealmModel.RealmPostCreateEvent e) {
            ensure(e.getCreatedRealm(), true);
        } else if (event instanceof PostMigrationEvent) {
            KeycloakModelUtils.runJobInTransaction(factory, session ->
                    session.realms().getRealmsStream().forEach(realm -> ensure(realm, false)));
        }
    }

    private static void ensure(RealmModel realm, boolean newRealm) {
        if (realm.getRole(SenderResource.ROLE) == null) {
            realm.addRole(SenderResource.ROLE).setDescription("Consent plugin: may mint unsubscribe links and read"
                    + " audiences through /realms/{realm}/consent/senders (nothing else); only in a token's own"
                    + " roles (role scope mappings apply)");
        }
        ConsentScopes.ensure(realm, newRealm);
    }
}
