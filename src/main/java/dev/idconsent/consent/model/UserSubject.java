package dev.idconsent.consent.model;

import dev.idconsent.consent.Choice;
import dev.idconsent.consent.Purpose;
import dev.idconsent.consent.Subject;
import dev.idconsent.consent.catalog.ConsentRoles;
import java.util.List;
import dev.idconsent.consent.jpa.LocalUserAttributes;
import java.util.Map;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.cache.UserCache;

/**
 * A Keycloak user as the subject of choices. The summary lives in one user attribute that is not declared in
 * the user profile, so users and the consoles cannot see or edit it, and it rides Keycloak's user cache. Next to
 * it, {@link AdminOverview} keeps the choices readable for administrators.
 */
public final class UserSubject implements Subject {
    public static final String SUMMARY_ATTRIBUTE = "idc-consent-summary";

    private final KeycloakSession session;
    private final RealmModel realm;
    private final UserModel user;
    private final ConsentRoles roles;

    UserSubject(KeycloakSession session, RealmModel realm, UserModel user, ConsentRoles roles) {
        this.session = session;
        this.realm = realm;
        this.user = user;
        this.roles = roles;
    }

    @Override
    public String id() {
        return user.getId();
    }

    @Override
    public void writeSummary(String summary, List<Choice> choices) {
        summaryWrite(summary, choices).run();
    }

    /** Where there is something to summarise, one UPDATE of both attributes (or the model API when it cannot). */
    @Override
    public Runnable summaryWrite(String summary, List<Choice> choices) {
        if (summary.isEmpty() || choices.isEmpty()) {
            return () -> throughModel(summary, choices);
        }
        return new LocalUserAttributes.Overwrite(session, user.getId(), Map.of(SUMMARY_ATTRIBUTE, summary,
                AdminOverview.ATTRIBUTE, AdminOverview.text(choices)), written -> {
                    if (written) {
                        // written past the model API, so this node's and the other nodes' caches learn of it here
                        UserCache cache = session.getProvider(UserCache.class);
                        if (cache != null) {
                            cache.evict(realm, user);
                        }
                    } else {
                        throughModel(summary, choices);
                    }
                });
    }

    private void throughModel(String summary, List<Choice> choices) {
        if (summary.isEmpty()) {
            user.removeAttribute(SUMMARY_ATTRIBUTE);
        } else {
            user.setSingleAttribute(SUMMARY_ATTRIBUTE, summary);
        }
        if (choices.isEmpty()) {
            user.removeAttribute(AdminOverview.ATTRIBUTE);
        } else {
            user.setSingleAttribute(AdminOverview.ATTRIBUTE, AdminOverview.text(choices));
        }
    }

    @Override
    public void permit(Purpose purpose, boolean granted) {
        roles.permit(user, purpose, granted);
    }

    @Override
    public dev.idconsent.consent.Regions.Location location() {
        // where the writers' lock read it, else from the user (whose attributes that may load)
        dev.idconsent.consent.jpa.JpaChoiceStore.RegionCode locked =
                dev.idconsent.consent.jpa.JpaChoiceStore.regionCode(session, user.getId());
        return dev.idconsent.consent.catalog.RegionSettings.locate(realm,
                locked == null ? user::getFirstAttribute : attribute -> locked.value());
    }

    private java.util.Set<String> organizations;

    @Override
    public java.util.Set<String> organizations() {
        if (organizations == null) {
            organizations = dev.idconsent.consent.catalog.Memberships.of(session, realm, user);
        }
        return organizations;
    }

    @Override
    public String readSummary() {
        return user.getFirstAttribute(SUMMARY_ATTRIBUTE);
    }
}
