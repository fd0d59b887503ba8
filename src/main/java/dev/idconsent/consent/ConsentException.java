package dev.idconsent.consent;

/** A refusal with a machine-readable code and a sentence a person can act on. Nothing was written. */
public final class ConsentException extends RuntimeException {
    private final ErrorCode code;

    public ConsentException(ErrorCode code, String message) {
        super(message);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }
}
