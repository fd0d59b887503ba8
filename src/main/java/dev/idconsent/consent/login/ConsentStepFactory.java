package dev.idconsent.consent.login;

import org.keycloak.Config;
import org.keycloak.authentication.RequiredActionFactory;
import org.keycloak.authentication.RequiredActionProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;

/** Registers the consent step as a required action: Authentication → Required actions → "Consent choices". */
public final class ConsentStepFactory implements RequiredActionFactory {
    public static final String PROVIDER_ID = "idc-consent-step";
    private static final ConsentStep STEP = new ConsentStep();

    @Override
    public RequiredActionProvider create(KeycloakSession session) {
        return STEP;
    }

    @Override
    public String getDisplayText() {
        return "Consent choices";
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
