package dev.idconsent.consent.model;

import org.keycloak.provider.Provider;
import org.keycloak.provider.ProviderFactory;
import org.keycloak.provider.Spi;

/** The SPI behind {@code session.getProvider(ConsentProvider.class)}. */
public final class ConsentProviderSpi implements Spi {
    @Override
    public boolean isInternal() {
        return false;
    }

    @Override
    public String getName() {
        return "idc-consent";
    }

    @Override
    public Class<? extends Provider> getProviderClass() {
        return ConsentProvider.class;
    }

    @Override
    @SuppressWarnings("rawtypes")
    public Class<? extends ProviderFactory> getProviderFactoryClass() {
        return ConsentProviderFactory.class;
    }
}
