package dev.idconsent.consent.webhooks;

import org.keycloak.provider.ProviderFactory;

/** Factories of the {@code idc-webhooks} SPI. */
public interface WebhookProviderFactory extends ProviderFactory<WebhookProvider> {
}
