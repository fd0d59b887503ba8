package dev.idconsent.consent;

/** What a user explicitly said about a purpose (or one of its channels). */
public enum ChoiceState {
    GRANTED("granted"),
    DENIED("denied"),
    /** Opted in to a double-opt-in purpose, not confirmed from the email yet: not usable. */
    PENDING("pending"),
    /**
     * Only in history: the explicit answer was taken back (the undo of an unsubscribe click for a person who had
     * never answered), so the mechanism's default applies again. Never a current choice.
     */
    CLEARED("cleared"),
    /**
     * A yes that reached its purpose's lifetime ({@link Purpose#renewAfter()}): no longer usable, the mechanism's
     * default applies (off: only opt-in purposes have a lifetime), and the consent step asks again at login.
     */
    EXPIRED("expired"),
    /**
     * The person paused a yes (or an opt-out purpose that was on) for a while ({@link Purpose#pauses()}): off
     * everywhere until {@link Choice#pausedUntil()}, then the answer before returns by itself ({@link Choice#resumeTo()}).
     */
    PAUSED("paused");

    private final String value;

    ChoiceState(String value) {
        this.value = value;
    }

    public String value() {
        return value;
    }

    public boolean granted() {
        return this == GRANTED;
    }

    /** @return whether the app may use the purpose on this answer (pending: not yet) */
    public static ChoiceState of(boolean granted) {
        return granted ? GRANTED : DENIED;
    }

    public static ChoiceState fromValue(String value) {
        for (ChoiceState s : values()) {
            if (s.value.equals(value)) {
                return s;
            }
        }
        throw new IllegalArgumentException("Unknown choice state " + value);
    }
}
