package dev.idconsent.consent;

/**
 * Where a change comes from.
 *
 * @param clientId    the OAuth client the change was made through, if any: the app's client for the API, the
 *                    sender that minted the link for an email link
 * @param capability  what allowed this writer to write, kept on the history row: the client scope of the API
 *                    ({@code idc-choices-write}), {@code unsubscribe-link}, {@code undo-link}, {@code confirm-link},
 *                    {@code consent-step}, {@code gpc-signal}, {@code manage-users}
 * @param reason      why an administrator or service changed it; required when the actor is not the subject
 * @param expectedTag the ETag the caller last read ({@code If-Match}); {@code null} skips the check
 * @param provenance  an import's source and evidence, kept on the history row; {@code null} otherwise
 * @param locale      the language the person read the purposes' words in (a page's language, or the one an app
 *                    names); {@code null} when no words of the catalog were shown (a withdrawal from a mail client,
 *                    an administrator, the system). The history row keeps the language of the words picked for it.
 */
public record ChangeContext(Actor actor, Via via, String clientId, String capability, String reason,
                            String expectedTag, HistoryEntry.Provenance provenance, String locale) {
    public ChangeContext {
        java.util.Objects.requireNonNull(actor, "actor");
        java.util.Objects.requireNonNull(via, "via");
    }

    public ChangeContext(Actor actor, Via via, String clientId, String capability, String reason,
                         String expectedTag, HistoryEntry.Provenance provenance) {
        this(actor, via, clientId, capability, reason, expectedTag, provenance, null);
    }

    /** The same change, made by a person who read the words in {@code value}. */
    public ChangeContext inLocale(String value) {
        return new ChangeContext(actor, via, clientId, capability, reason, expectedTag, provenance, value);
    }

    /** A change without provenance: every channel but the import. */
    public ChangeContext(Actor actor, Via via, String clientId, String capability, String reason,
                         String expectedTag) {
        this(actor, via, clientId, capability, reason, expectedTag, null);
    }
}
