package dev.idconsent.consent;

/**
 * Who made a change: the subject themself, an administrator on their behalf, or a service account.
 *
 * @param id       Keycloak user id of the actor
 * @param username for people reading the history; not an identifier
 */
public record Actor(String id, String username, Kind kind) {
    public enum Kind {
        USER, ADMIN, SERVICE;

        public String value() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        public static Kind fromValue(String value) {
            return valueOf(value.toUpperCase(java.util.Locale.ROOT));
        }
    }
}
