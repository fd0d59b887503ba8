package dev.idconsent.consent;

import java.util.Arrays;
import java.util.stream.Collectors;

/** How a purpose behaves when the user has said nothing, and whether the user may switch it off. */
public enum Mechanism {
    /** Off until the user says yes. */
    OPT_IN("opt-in"),
    /** On until the user says no. */
    OPT_OUT("opt-out"),
    /** Always on; shown for clarity, cannot be switched off. */
    REQUIRED("required");

    private final String value;

    Mechanism(String value) {
        this.value = value;
    }

    public String value() {
        return value;
    }

    public boolean optional() {
        return this != REQUIRED;
    }

    /** The state of a purpose for a user who never answered. */
    public boolean defaultGranted() {
        return this != OPT_IN;
    }

    public static Mechanism fromValue(String value) {
        for (Mechanism m : values()) {
            if (m.value.equals(value)) {
                return m;
            }
        }
        throw new ConsentException(ErrorCode.INVALID_PURPOSE, "mechanism must be one of "
                + Arrays.stream(values()).map(Mechanism::value).collect(Collectors.joining(", "))
                + ", not '" + value + "'");
    }
}
