package dev.idconsent.consent;

/**
 * Who made a change: the subject themself, an administrator on their behalf, or a service account.
 *
 * @param id       Keycloak user id of the actor; {@code null} for {@link #SYSTEM}
 * @param username for people reading the history; not an identifier
 */
public record Actor(String id, String username, Kind kind) {
    /** The plugin acting on its own rules (a yes that reached its lifetime); no Keycloak user. */
    public static final Actor SYSTEM = new Actor(null, "system", Kind.SYSTEM);

    public enum Kind {
        USER, ADMIN, SERVICE, SYSTEM;

        public String value() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        public static Kind fromValue(String value) {
            return valueOf(value.toUpperCase(java.util.Locale.ROOT));
        }
    }
}
