package dev.idconsent.consent;

/** What a user explicitly said about a purpose (or one of its channels). */
public enum ChoiceState {
    GRANTED("granted"),
    DENIED("denied");

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
