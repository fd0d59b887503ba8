package dev.idconsent.consent.catalog;

import org.keycloak.component.ComponentFactory;

/** Factory type of the {@code idc-purpose} SPI. */
public interface PurposeProviderFactory extends ComponentFactory<PurposeProvider, PurposeProvider> {
}
