package dev.idconsent.consent.lifecycle;

import dev.idconsent.consent.events.KeycloakUserEvents;
import org.keycloak.Config;
import org.keycloak.events.Event;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.events.EventListenerProviderFactory;
import org.keycloak.events.EventType;
import org.keycloak.events.admin.AdminEvent;
import org.keycloak.events.admin.OperationType;
import org.keycloak.events.admin.ResourceType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/**
 * Tells {@link AccountLifecycle} about new accounts: Keycloak publishes no provider event when a user is created, but
 * every way a person gets an account sends an event — {@code REGISTER} (registration form, first login through an
 * identity provider) or an admin event creating a user (admin console, admin API). A global listener (Keycloak 26:
 * {@link #isGlobal()}) receives them in every realm without being configured, in the creating request's transaction.
 * Users that arrive without an event (realm import, user federation) are not checked.
 */
public final class AccountEventsFactory implements EventListenerProviderFactory {
    public static final String PROVIDER_ID = "idc-consent-accounts";

    @Override
    public EventListenerProvider create(KeycloakSession session) {
        return new EventListenerProvider() {
            @Override
            public void onEvent(Event event) {
                if (event.getType() == EventType.REGISTER && event.getUserId() != null) {
                    created(session, event.getRealmId(), event.getUserId());
                }
                if ((event.getType() == EventType.REGISTER || event.getType() == EventType.LOGIN)
                        && event.getUserId() != null) {
                    withUser(session, event.getRealmId(), event.getUserId(),
                            (realm, user) -> AccountLifecycle.fromProxy(session, realm, user));
                }
                // a consent change is told as UPDATE_PROFILE too (KeycloakUserEvents), but never moves anyone
                if ((event.getType() == EventType.REGISTER || event.getType() == EventType.UPDATE_PROFILE)
                        && event.getUserId() != null && !KeycloakUserEvents.isConsentChange(event)) {
                    relocated(session, event.getRealmId(), event.getUserId());
                }
            }

            @Override
            public void onEvent(AdminEvent event, boolean includeRepresentation) {
                String path = event.getResourcePath();
                if (event.getResourceType() != ResourceType.USER || path == null || !path.matches("users/[^/]+")) {
                    return;
                }
                String userId = path.substring("users/".length());
                if (event.getOperationType() == OperationType.CREATE) {
                    created(session, event.getRealmId(), userId);
                }
                if (event.getOperationType() == OperationType.CREATE
                        || event.getOperationType() == OperationType.UPDATE) {
                    relocated(session, event.getRealmId(), userId);
                }
            }

            @Override
            public void close() {
            }
        };
    }

    private static void created(KeycloakSession session, String realmId, String userId) {
        RealmModel realm = session.realms().getRealm(realmId);
        UserModel user = realm == null ? null : session.users().getUserById(realm, userId);
        if (user != null) {
            AccountLifecycle.created(session, realm, user);
        }
    }

    /** The person's region may have changed: gating roles follow its defaults ({@link AccountLifecycle#relocated}). */
    private static void relocated(KeycloakSession session, String realmId, String userId) {
        withUser(session, realmId, userId, (realm, user) -> AccountLifecycle.relocated(session, realm, user));
    }

    private static void withUser(KeycloakSession session, String realmId, String userId,
                                 java.util.function.BiConsumer<RealmModel, UserModel> then) {
        RealmModel realm = session.realms().getRealm(realmId);
        UserModel user = realm == null ? null : session.users().getUserById(realm, userId);
        if (user != null) {
            then.accept(realm, user);
        }
    }

    @Override
    public boolean isGlobal() {
        return true;
    }

    @Override
    public void init(Config.Scope config) {
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        factory.register(new AccountLifecycle());
    }

    @Override
    public void close() {
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }
}
