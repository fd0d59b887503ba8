package dev.idconsent.consent.rest;

import dev.idconsent.consent.mail.UnsubscribeLinks;
import java.time.Duration;
import java.util.List;
import org.keycloak.Config;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.services.resource.RealmResourceProvider;
import org.keycloak.services.resource.RealmResourceProviderFactory;

/** Mounts the user API at {@code /realms/{realm}/consent}. */
public final class UserConsentResourceProviderFactory implements RealmResourceProviderFactory,
        UnsubscribeLinks.Settings {
    public static final String PROVIDER_ID = "consent";
    /** {@code --spi-realm-restapi-extension--consent--unsubscribe-link-lifetime-days} */
    static final String LINK_LIFETIME = "unsubscribe-link-lifetime-days";

    private Duration linkLifetime = UnsubscribeLinks.DEFAULT_LIFETIME;

    @Override
    public Duration linkLifetime() {
        return linkLifetime;
    }

    @Override
    public RealmResourceProvider create(KeycloakSession session) {
        return new RealmResourceProvider() {
            @Override
            public Object getResource() {
                return new UserConsentResource(session, linkLifetime);
            }

            @Override
            public void close() {
            }
        };
    }

    @Override
    public void init(Config.Scope config) {
        int days = config.getInt(LINK_LIFETIME, (int) UnsubscribeLinks.DEFAULT_LIFETIME.toDays());
        if (days < 1) {
            throw new IllegalArgumentException(LINK_LIFETIME + " must be at least 1 (days), not " + days);
        }
        linkLifetime = Duration.ofDays(days);
    }

    @Override
    public List<ProviderConfigProperty> getConfigMetadata() {
        return ProviderConfigurationBuilder.create()
                .property().name(LINK_LIFETIME).type("int").defaultValue(UnsubscribeLinks.DEFAULT_LIFETIME.toDays())
                .helpText("How long one-click unsubscribe links stay valid, in days").add()
                .build();
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        factory.register(new RealmSetup(factory));
    }

    @Override
    public void close() {
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }
}
