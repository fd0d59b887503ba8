package dev.idconsent.consent.model;

import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;

/** The plugin's services over Keycloak's JPA store and realm components. */
public final class DefaultConsentProviderFactory implements ConsentProviderFactory {
    public static final String PROVIDER_ID = "default";

    @Override
    public ConsentProvider create(KeycloakSession session) {
        return new DefaultConsentProvider(session);
    }

    @Override
    public void init(Config.Scope config) {
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
    }

    @Override
    public void close() {
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }
}
