package dev.idconsent.consent.catalog;

import dev.idconsent.consent.ConsentException;
import dev.idconsent.consent.Purpose;
import java.util.List;
import org.keycloak.Config;
import org.keycloak.component.ComponentModel;
import org.keycloak.component.ComponentValidationException;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;

/**
 * Registers the purpose component type and applies the catalog's validation to every component write,
 * including realm import, so a bad purpose never enters a realm by any path.
 */
public final class PurposeComponentFactory implements PurposeProviderFactory {
    public static final String PROVIDER_ID = "idc-purpose";

    private static final List<ProviderConfigProperty> PROPERTIES = ProviderConfigurationBuilder.create()
            .property().name(PurposeComponents.LABEL).label("Label").type(ProviderConfigProperty.STRING_TYPE)
            .required(true).add()
            .property().name(PurposeComponents.DESCRIPTION).label("Description")
            .type(ProviderConfigProperty.TEXT_TYPE).add()
            .property().name(PurposeComponents.CATEGORY).label("Category").type(ProviderConfigProperty.STRING_TYPE)
            .defaultValue("general").add()
            .property().name(PurposeComponents.MECHANISM).label("Mechanism").type(ProviderConfigProperty.LIST_TYPE)
            .options("opt-in", "opt-out", "required").defaultValue("opt-in").add()
            .property().name(PurposeComponents.CHANNELS).label("Channels")
            .type(ProviderConfigProperty.MULTIVALUED_STRING_TYPE).add()
            .property().name(PurposeComponents.VERSION).label("Version").type(ProviderConfigProperty.STRING_TYPE)
            .defaultValue("1").add()
            .property().name(PurposeComponents.HONOR_GPC).label("Honor Global Privacy Control")
            .type(ProviderConfigProperty.BOOLEAN_TYPE).defaultValue("false").add()
            .property().name(PurposeComponents.INCLUDE_IN_TOKEN).label("Include in tokens")
            .type(ProviderConfigProperty.BOOLEAN_TYPE).defaultValue("true").add()
            .property().name(PurposeComponents.GATING).label("Gates access")
            .helpText("Opt-in only: the plugin keeps the realm role idc-consent-<key> on exactly the consenting users;"
                    + " map it to client scopes (Scope tab) to grant them only with consent")
            .type(ProviderConfigProperty.BOOLEAN_TYPE).defaultValue("false").add()
            .property().name(PurposeComponents.ASK_AT_LOGIN).label("Ask at login")
            .helpText("Opt-in only: the consent step asks users who never answered when they log in")
            .type(ProviderConfigProperty.BOOLEAN_TYPE).defaultValue("false").add()
            .property().name(PurposeComponents.DOUBLE_OPT_IN).label("Double opt-in")
            .helpText("Opt-in with the email channel: a yes stays pending until confirmed from a link sent by email")
            .type(ProviderConfigProperty.BOOLEAN_TYPE).defaultValue("false").add()
            .property().name(PurposeComponents.RETIRED).label("Retired").type(ProviderConfigProperty.BOOLEAN_TYPE)
            .defaultValue("false").add()
            .build();

    @Override
    public PurposeProvider create(KeycloakSession session, ComponentModel model) {
        return () -> { };
    }

    @Override
    public void validateConfiguration(KeycloakSession session, RealmModel realm, ComponentModel model) {
        try {
            Purpose purpose = PurposeComponents.toPurpose(model).validate();
            // Keycloak's generic components API reaches this too: keep the rules that protect answers
            ComponentModel before = model.getId() == null ? null : realm.getComponent(model.getId());
            if (before != null) {
                Purpose old = PurposeComponents.toPurpose(before);
                if (!old.key().equals(purpose.key()) || !old.channels().equals(purpose.channels())
                        || purpose.version() < old.version()) {
                    throw new ComponentValidationException("the key and channels of a purpose never change and its"
                            + " version never goes down; use the consent admin API");
                }
            } else if (new PurposeComponents(realm).find(purpose.key()).isPresent()) {
                throw new ComponentValidationException("purpose " + purpose.key() + " exists already");
            }
        } catch (ConsentException e) {
            throw new ComponentValidationException(e.getMessage());
        }
    }

    @Override
    public String getHelpText() {
        return "A purpose of the consent catalog";
    }

    @Override
    public List<ProviderConfigProperty> getConfigProperties() {
        return PROPERTIES;
    }

    @Override
    public void init(Config.Scope config) {
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        factory.register(new RealmImportReconciler());
    }

    @Override
    public void close() {
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }
}
