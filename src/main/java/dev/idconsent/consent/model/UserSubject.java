package dev.idconsent.consent.model;

import dev.idconsent.consent.Choice;
import dev.idconsent.consent.Purpose;
import dev.idconsent.consent.Subject;
import dev.idconsent.consent.catalog.ConsentRoles;
import java.util.List;
import org.keycloak.models.UserModel;

/**
 * A Keycloak user as the subject of choices. The summary lives in one user attribute that is not declared in
 * the user profile, so users and the consoles cannot see or edit it, and it rides Keycloak's user cache. Next to
 * it, {@link AdminOverview} keeps the choices readable for administrators.
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
    public void writeSummary(String summary, List<Choice> choices) {
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
    public String readSummary() {
        return user.getFirstAttribute(SUMMARY_ATTRIBUTE);
    }
}
