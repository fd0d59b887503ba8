package dev.idconsent.consent;

/**
 * Where a change comes from.
 *
 * @param clientId    the OAuth client the change was made through, if any
 * @param reason      why an administrator or service changed it; required when the actor is not the subject
 * @param expectedTag the ETag the caller last read ({@code If-Match}); {@code null} skips the check
 */
public record ChangeContext(Actor actor, Via via, String clientId, String reason, String expectedTag) {
    public ChangeContext {
        java.util.Objects.requireNonNull(actor, "actor");
        java.util.Objects.requireNonNull(via, "via");
    }
}
