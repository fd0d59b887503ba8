package dev.idconsent.consent.model;

import dev.idconsent.consent.Purpose;
import dev.idconsent.consent.Suppressions;
import java.util.LinkedHashMap;
import java.util.Map;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/**
 * Whether a realm keeps opt-outs beyond the account (realm attribute {@value #SETTING}, on unless "false"), and which
 * of a user's attributes are their addresses.
 */
public final class SuppressionSettings {
    public static final String SETTING = "idc.suppression";
    /** The user attribute with the phone number for the {@code sms} channel. */
    public static final String PHONE_ATTRIBUTE = "phoneNumber";

    private SuppressionSettings() {
    }

    public static boolean enabled(RealmModel realm) {
        return !"false".equals(realm.getAttribute(SETTING));
    }

    /** channel → the user's address on it, for the channels that have one. */
    public static Map<String, String> addresses(UserModel user) {
        Map<String, String> addresses = new LinkedHashMap<>();
        if (user.getEmail() != null) {
            addresses.put(Purpose.EMAIL, user.getEmail());
        }
        String phone = user.getFirstAttribute(PHONE_ATTRIBUTE);
        if (phone != null) {
            addresses.put(Suppressions.SMS, phone);
        }
        return addresses;
    }
}
