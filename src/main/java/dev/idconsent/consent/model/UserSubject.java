package dev.idconsent.consent.model;

import dev.idconsent.consent.Purpose;
import dev.idconsent.consent.Subject;
import dev.idconsent.consent.catalog.ConsentRoles;
import org.keycloak.models.UserModel;

/**
 * A Keycloak user as the subject of choices. The summary lives in one user attribute that is not declared in
 * the user profile, so users and the consoles cannot see or edit it, and it rides Keycloak's user cache.
 */
public final class UserSubject implements Subject {
    public static final String SUMMARY_ATTRIBUTE = "idc-consent-summary";

    private final UserModel user;
    private final ConsentRoles roles;

    UserSubject(UserModel user, ConsentRoles roles) {
        this.user = user;
        this.roles = roles;
    }

    @Override
    public String id() {
        return user.getId();
    }

    @Override
    public void writeSummary(String summary) {
        if (summary.isEmpty()) {
            user.removeAttribute(SUMMARY_ATTRIBUTE);
        } else {
            user.setSingleAttribute(SUMMARY_ATTRIBUTE, summary);
        }
    }

    @Override
    public void permit(Purpose purpose, boolean granted) {
        roles.permit(user, purpose, granted);
    }

    @Override
    public String readSummary() {
        return user.getFirstAttribute(SUMMARY_ATTRIBUTE);
    }
}
