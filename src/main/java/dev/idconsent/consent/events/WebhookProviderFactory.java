package dev.idconsent.consent.events;

import org.keycloak.provider.ProviderFactory;

/** Factories of the {@code idc-webhooks} SPI. */
public interface WebhookProviderFactory extends ProviderFactory<WebhookProvider> {
}
