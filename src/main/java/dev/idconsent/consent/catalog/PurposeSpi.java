package dev.idconsent.consent.catalog;

import org.keycloak.provider.Provider;
import org.keycloak.provider.ProviderFactory;
import org.keycloak.provider.Spi;

/**
 * Our own component SPI. Keycloak's declarative-UI SPI ({@code ui-page}) would also hold components, but it is
 * disabled unless the experimental {@code declarative-ui} feature is on, and a realm holding components of a
 * disabled type cannot even be imported. The catalog must work on every server.
 */
public final class PurposeSpi implements Spi {
    @Override
    public boolean isInternal() {
        return false;
    }

    @Override
    public String getName() {
        return "idc-purpose";
    }

    @Override
    public Class<? extends Provider> getProviderClass() {
        return PurposeProvider.class;
    }

    @Override
    @SuppressWarnings("rawtypes")
    public Class<? extends ProviderFactory> getProviderFactoryClass() {
        return PurposeProviderFactory.class;
    }
}
