package dev.idconsent.consent.model;

import dev.idconsent.consent.Controller;
import org.keycloak.models.RealmModel;

/** The realm's controller, kept as realm attributes {@code idc.controller.*}: exported and imported with the realm. */
public final class ControllerSettings {
    static final String PREFIX = "idc.controller.";

    private ControllerSettings() {
    }

    public static Controller of(RealmModel realm) {
        return new Controller(realm.getAttribute(PREFIX + "name"), realm.getAttribute(PREFIX + "email"),
                realm.getAttribute(PREFIX + "phone"), realm.getAttribute(PREFIX + "address"),
                realm.getAttribute(PREFIX + "url"), realm.getAttribute(PREFIX + "privacyNotice"));
    }

    /** Replaces the realm's controller; an empty one removes it. */
    public static void save(RealmModel realm, Controller controller) {
        controller.validate();
        put(realm, "name", controller.name());
        put(realm, "email", controller.email());
        put(realm, "phone", controller.phone());
        put(realm, "address", controller.address());
        put(realm, "url", controller.url());
        put(realm, "privacyNotice", controller.privacyNotice());
    }

    private static void put(RealmModel realm, String field, String value) {
        if (value == null) {
            realm.removeAttribute(PREFIX + field);
        } else {
            realm.setAttribute(PREFIX + field, value);
        }
    }
}
