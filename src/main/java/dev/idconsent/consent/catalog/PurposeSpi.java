package dev.idconsent.consent.catalog;

import org.keycloak.common.Profile;
import org.keycloak.provider.Provider;
import org.keycloak.provider.ProviderFactory;
import org.keycloak.provider.Spi;
import org.keycloak.services.ui.extend.UiPageProvider;
import org.keycloak.services.ui.extend.UiPageProviderFactory;

/**
 * Purposes are components of Keycloak's declarative-UI type so the admin console can list and edit them. That
 * SPI ({@code ui-page}) only exists while the experimental {@code declarative-ui} feature is on, and without it a
 * realm's purposes could neither be written nor imported. This SPI stands in for it while the feature is off: it
 * serves the same component type from the same factories, so the catalog works on every server and the same
 * components appear in the admin console once the feature is switched on.
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

    /**
     * Keycloak's server info lists the factories of every SPI by its provider class, disabled SPIs included: while
     * the feature is on (and Keycloak's own {@code ui-page} SPI serves the type) this one names a class nobody
     * provides, so the admin console does not list the catalog page twice.
     */
    @Override
    public Class<? extends Provider> getProviderClass() {
        return isEnabled() ? UiPageProvider.class : Inactive.class;
    }

    @Override
    @SuppressWarnings("rawtypes")
    public Class<? extends ProviderFactory> getProviderFactoryClass() {
        return isEnabled() ? UiPageProviderFactory.class : InactiveFactory.class;
    }

    /** What this SPI stands for while Keycloak's own serves the type: nothing. */
    public interface Inactive extends Provider {
    }

    public interface InactiveFactory extends ProviderFactory<Inactive> {
    }

    @Override
    public boolean isEnabled() {
        return !Profile.isFeatureEnabled(Profile.Feature.DECLARATIVE_UI);
    }
}
