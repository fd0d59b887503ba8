package dev.idconsent.consent.catalog;

import org.keycloak.provider.Provider;

/**
 * The component type of catalog entries. Purposes are realm components so that Keycloak caches them with the
 * realm, invalidates them cluster-wide and carries them through realm export and import.
 */
public interface PurposeProvider extends Provider {
}
