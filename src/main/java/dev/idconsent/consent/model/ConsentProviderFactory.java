package dev.idconsent.consent.model;

import org.keycloak.provider.ProviderFactory;

/** Creates the {@link ConsentProvider} of a session. */
public interface ConsentProviderFactory extends ProviderFactory<ConsentProvider> {
}
