package dev.idconsent.consent.webhooks;

import org.keycloak.provider.Provider;

/** Gives the admin API the deliverer's settings (defaults for new endpoints). */
public interface WebhookProvider extends Provider {
    WebhookSettings settings();

    @Override
    default void close() {
    }
}
