package dev.idconsent.consent;

/** A refusal with a machine-readable code and a sentence a person can act on. Nothing was written. */
public final class ConsentException extends RuntimeException {
    private final ErrorCode code;
    private final String field;

    public ConsentException(ErrorCode code, String message) {
        this(code, message, null);
    }

    /** @param field the request field that is wrong, named in the error body ({@code "field"}) */
    public ConsentException(ErrorCode code, String message, String field) {
        super(message);
        this.code = code;
        this.field = field;
    }

    public ErrorCode code() {
        return code;
    }

    /** The request field the refusal is about, or {@code null}. */
    public String field() {
        return field;
    }
}
