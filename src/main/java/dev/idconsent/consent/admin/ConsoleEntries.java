package dev.idconsent.consent.admin;

import java.util.List;
import java.util.Map;
import org.keycloak.Config;
import org.keycloak.component.ComponentFactory;
import org.keycloak.component.ComponentModel;
import org.keycloak.component.ComponentValidationException;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.provider.Provider;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.services.ui.extend.UiPageProvider;
import org.keycloak.services.ui.extend.UiPageProviderFactory;
import org.keycloak.services.ui.extend.UiTabProvider;
import org.keycloak.services.ui.extend.UiTabProviderFactory;

/**
 * Where the admin console's consent pages are entered: a "Consent" tab on every user's page and a "Consent overview"
 * entry in the sidebar. Keycloak's declarative UI ({@code declarative-ui}) draws both from these factories; the pages
 * themselves are React routes of the plugin's admin theme {@code idc} (themes/admin), which take over these paths.
 * Neither holds settings: the form Keycloak's own theme would show for them saves nothing (docs/ARCHITECTURE.md,
 * "Admin console").
 */
public final class ConsoleEntries {
    static final String NOTHING_TO_SAVE = "The consent pages are part of the admin theme \u201cidc\u201d: choose it"
            + " under Realm settings \u2192 Themes \u2192 Admin theme of the realm you sign in to. Nothing is saved here.";

    private ConsoleEntries() {
    }

    /** What both entries share: no settings, nothing to keep, nothing to start or stop. */
    interface Entry<P extends Provider> extends ComponentFactory<P, P> {
        @Override
        default void validateConfiguration(KeycloakSession session, RealmModel realm, ComponentModel model) {
            throw new ComponentValidationException(NOTHING_TO_SAVE);
        }

        @Override
        default List<ProviderConfigProperty> getConfigProperties() {
            return List.of();
        }

        @Override
        default void init(Config.Scope config) {
        }

        @Override
        default void postInit(KeycloakSessionFactory factory) {
        }

        @Override
        default void close() {
        }
    }

    /** Users → a user → "Communication & privacy": the path's {@code tab} segment is {@code consent}. */
    public static final class UserTab implements UiTabProviderFactory<UiTabProvider>, Entry<UiTabProvider> {
        public static final String ID = "idc-consent";

        @Override
        public String getPath() {
            return "/:realm/users/:id/:tab";
        }

        @Override
        public Map<String, String> getParams() {
            return Map.of("tab", "consent");
        }

        @Override
        public String getHelpText() {
            return "A person's consent: choices, history, receipt and changes on their behalf";
        }

        @Override
        public String getId() {
            return ID;
        }
    }

    /** Sidebar → Configure → "Consent overview": counts, integrity, webhooks and exports of the realm. */
    public static final class OverviewPage implements UiPageProviderFactory<UiPageProvider>, Entry<UiPageProvider> {
        public static final String ID = "idc-consent-overview";

        @Override
        public String getHelpText() {
            return "The realm's consent at a glance: counts per purpose, integrity, webhooks, exports";
        }

        @Override
        public Map<String, Object> getTypeMetadata() {
            return Map.of("displayFields", List.of());
        }

        @Override
        public String getId() {
            return ID;
        }
    }
}
