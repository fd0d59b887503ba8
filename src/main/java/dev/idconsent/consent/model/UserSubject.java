package dev.idconsent.consent.model;

import dev.idconsent.consent.Subject;
import org.keycloak.models.UserModel;

/**
 * A Keycloak user as the subject of choices. The summary lives in one user attribute that is not declared in
 * the user profile, so users and the consoles cannot see or edit it, and it rides Keycloak's user cache.
 */
public final class UserSubject implements Subject {
    public static final String SUMMARY_ATTRIBUTE = "idc-consent-summary";

    private final UserModel user;

    public UserSubject(UserModel user) {
        this.user = user;
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
    public String readSummary() {
        return user.getFirstAttribute(SUMMARY_ATTRIBUTE);
    }
}
