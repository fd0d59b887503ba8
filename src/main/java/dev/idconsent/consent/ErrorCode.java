package dev.idconsent.consent;

/** Every refusal the consent core can give, with the HTTP status a REST adapter answers. */
public enum ErrorCode {
    INVALID_REQUEST(400),
    INVALID_VALUE(400),
    UNKNOWN_PURPOSE(400),
    UNKNOWN_CHANNEL(400),
    DUPLICATE_CHANGE(400),
    INVALID_PURPOSE(400),
    REASON_REQUIRED(400),
    CHANGE_KIND_REQUIRED(400),
    INVALID_LINK(400),
    /** A yes through the API without the text version the app showed. */
    VERSION_REQUIRED(400),
    /** A webhook field is invalid; the body's {@code field} names it. */
    INVALID_WEBHOOK(400),
    NOT_AUTHENTICATED(401),
    FORBIDDEN(403),
    /** The token lacks the capability (client scope) the call needs. */
    INSUFFICIENT_SCOPE(403),
    /** Only the person, on a Keycloak page, can give this answer (a yes that unlocks access). */
    INTERACTION_REQUIRED(403),
    NOT_FOUND(404),
    PURPOSE_EXISTS(409),
    PURPOSE_RETIRED(409),
    REQUIRED_PURPOSE(409),
    STALE_VERSION(409),
    CONFLICT(409),
    /** The address opted out before (suppression list) and the person has not switched it on since. */
    SUPPRESSED(409),
    PRECONDITION_FAILED(412),
    /** The database cannot be reached: nothing was changed, the request can be repeated. */
    UNAVAILABLE(503);

    private final int status;

    ErrorCode(int status) {
        this.status = status;
    }

    public int status() {
        return status;
    }

    /** The machine-readable code in error bodies, e.g. {@code unknown_purpose}. */
    public String code() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
