package dev.idconsent.consent;

/** The channel through which a change was made; recorded on every history row. */
public enum Via {
    API, ACCOUNT, ADMIN, EMAIL, LOGIN, REGISTRATION, GPC, IMPORT,
    /** The plugin itself, when a yes reached its purpose's lifetime. */
    EXPIRY,
    /** The plugin itself, when a pause ended and the answer before it returned. */
    PAUSE,
    /** The plugin itself, when a new account's address had opted out before an earlier account was deleted. */
    SUPPRESSION;

    public String value() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static Via fromValue(String value) {
        return valueOf(value.toUpperCase(java.util.Locale.ROOT));
    }
}
