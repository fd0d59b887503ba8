package dev.idconsent.consent.lifecycle;

import dev.idconsent.consent.Actor;
import dev.idconsent.consent.ChangeContext;
import dev.idconsent.consent.ChangeRequest;
import dev.idconsent.consent.Suppressions;
import dev.idconsent.consent.Via;
import dev.idconsent.consent.jpa.JpaChoiceStore;
import dev.idconsent.consent.model.ConsentProvider;
import dev.idconsent.consent.model.SuppressionSettings;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.provider.ProviderEvent;
import org.keycloak.provider.ProviderEventListener;

/**
 * An account's beginning and end, as far as consent is concerned. Before Keycloak deletes a user: their opt-outs on
 * channels with an address become suppression entries (if the realm keeps them), then their rows go, in the same
 * transaction. When an account is created ({@link AccountEventsFactory}): the opt-outs its addresses carry are
 * recorded for it.
 */
final class AccountLifecycle implements ProviderEventListener {
    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(AccountLifecycle.class);
    static final String CAPABILITY = "suppression-list";
    private static final DateTimeFormatter DAY = DateTimeFormatter.ISO_LOCAL_DATE.withZone(ZoneOffset.UTC);

    @Override
    public void onEvent(ProviderEvent event) {
        if (event instanceof UserModel.UserPreRemovedEvent e) {
            removed(e.getKeycloakSession(), e.getRealm(), e.getUser());
        }
    }

    private static void removed(KeycloakSession session, RealmModel realm, UserModel user) {
        JpaChoiceStore store = JpaChoiceStore.of(session, realm.getId());
        Suppressions suppressions = session.getProvider(ConsentProvider.class).suppressions(realm);
        if (suppressions != null) {
            suppressions.remember(SuppressionSettings.addresses(user), store.current(user.getId()));
        }
        store.deleteUser(user.getId());
        dev.idconsent.consent.jpa.JpaServedNotices.of(session, realm.getId()).deleteUser(user.getId());
    }

    /**
     * After an account was created or its profile changed (the region attribute among it): where a gating purpose's
     * default differs by region, its role follows the defaults of where the person is now. Answers are not touched.
     */
    static void relocated(KeycloakSession session, RealmModel realm, UserModel user) {
        if (!dev.idconsent.consent.catalog.RegionSettings.of(realm).enabled()
                || user.getServiceAccountClientLink() != null) {
            return;
        }
        ConsentProvider plugin = session.getProvider(ConsentProvider.class);
        plugin.consent(realm).relocated(plugin.subject(realm, user));
    }

    /**
     * At a login or registration: where the realm takes people's code from a header its reverse proxy sets
     * ({@code regionHeader}), a person without a code gets the one in the header — only from a connection whose TCP
     * peer is that proxy (anyone can send any header; one from elsewhere is ignored with a warning). A code the
     * person, an admin or an import set is never replaced.
     */
    static void fromProxy(KeycloakSession session, RealmModel realm, UserModel user) {
        dev.idconsent.consent.RegionHeader header = dev.idconsent.consent.catalog.RegionSettings.header(realm);
        dev.idconsent.consent.Regions regions = dev.idconsent.consent.catalog.RegionSettings.of(realm);
        if (!header.enabled() || !regions.enabled() || session.getContext().getRequestHeaders() == null) {
            return;
        }
        String current = user.getFirstAttribute(regions.attribute());
        String value = session.getContext().getRequestHeaders().getHeaderString(header.name());
        if ((current != null && !current.isBlank()) || value == null) {
            return;
        }
        String peer = TcpPeer.address();
        if (!header.trusts(peer)) {
            LOG.warnf("Realm %s: ignored the %s header of a request from %s, which is not one of"
                    + " regionHeaderProxies (only the reverse proxy that sets it is believed)", realm.getName(),
                    header.name(), peer);
            return;
        }
        String code = dev.idconsent.consent.RegionHeader.code(value);
        if (code != null) {
            user.setSingleAttribute(regions.attribute(), code);
            relocated(session, realm, user);
        }
    }

    /** A new account starts with the opt-outs its addresses carry, each recorded as a no by the system. */
    static void created(KeycloakSession session, RealmModel realm, UserModel user) {
        ConsentProvider plugin = session.getProvider(ConsentProvider.class);
        Suppressions suppressions = plugin.suppressions(realm);
        if (suppressions == null || user.getServiceAccountClientLink() != null) {
            return;
        }
        Map<ChangeRequest, Instant> carried = suppressions.carried(SuppressionSettings.addresses(user));
        carried.forEach((change, since) -> plugin.consent(realm).record(plugin.subject(realm, user), List.of(change),
                new ChangeContext(Actor.SYSTEM, Via.SUPPRESSION, null, CAPABILITY, "this address opted out of '"
                        + change.purpose() + "' by " + change.channel() + " on " + DAY.format(since)
                        + ", before an earlier account with it was deleted (suppression list)", null)));
    }
}
