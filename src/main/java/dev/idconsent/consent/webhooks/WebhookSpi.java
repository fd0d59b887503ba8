package dev.idconsent.consent.webhooks;

import org.keycloak.provider.Provider;
import org.keycloak.provider.ProviderFactory;
import org.keycloak.provider.Spi;

/**
 * The webhook deliverer as an SPI of its own, so its settings are ordinary Keycloak options:
 * {@code --spi-idc-webhooks--default--<key>=<value>}.
 */
public final class WebhookSpi implements Spi {
    @Override
    public boolean isInternal() {
        return false;
    }

    @Override
    public String getName() {
        return "idc-webhooks";
    }

    @Override
    public Class<? extends Provider> getProviderClass() {
        return WebhookProvider.class;
    }

    @Override
    @SuppressWarnings("rawtypes")
    public Class<? extends ProviderFactory> getProviderFactoryClass() {
        return WebhookProviderFactory.class;
    }
}
