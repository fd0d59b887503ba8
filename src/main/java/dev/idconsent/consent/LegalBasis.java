package dev.idconsent.consent;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The lawful basis a purpose's processing rests on (GDPR Art. 6(1) (a)–(f)), as the consent record states it. The
 * values name the W3C Data Privacy Vocabulary's concepts ({@link #dpv()}), which ISO/IEC TS 27560 records use.
 */
public enum LegalBasis {
    CONSENT("consent", "Consent"),
    CONTRACT("contract", "Contract"),
    LEGAL_OBLIGATION("legal-obligation", "LegalObligation"),
    VITAL_INTEREST("vital-interest", "VitalInterest"),
    /** DPV has no "PublicTask": its concept for Art. 6(1)(e) is PublicInterest. */
    PUBLIC_TASK("public-task", "PublicInterest"),
    LEGITIMATE_INTEREST("legitimate-interest", "LegitimateInterest");

    private final String value;
    private final String dpvName;

    LegalBasis(String value, String dpvName) {
        this.value = value;
        this.dpvName = dpvName;
    }

    public String value() {
        return value;
    }

    /** The Data Privacy Vocabulary's concept, e.g. {@code dpv:LegitimateInterest}. */
    public String dpv() {
        return "dpv:" + dpvName;
    }

    /**
     * The basis a purpose has when its admin named none: consent for opt-in (the person's yes is what allows it),
     * legitimate interest for opt-out (on until the person objects, GDPR Art. 21), contract for required.
     */
    public static LegalBasis defaultFor(Mechanism mechanism) {
        if (mechanism == null) {
            return null;
        }
        return switch (mechanism) {
            case OPT_IN -> CONSENT;
            case OPT_OUT -> LEGITIMATE_INTEREST;
            case REQUIRED -> CONTRACT;
        };
    }

    public static LegalBasis fromValue(String value) {
        for (LegalBasis b : values()) {
            if (b.value.equals(value)) {
                return b;
            }
        }
        throw new ConsentException(ErrorCode.INVALID_PURPOSE, "legalBasis must be one of "
                + Arrays.stream(values()).map(LegalBasis::value).collect(Collectors.joining(", "))
                + ", not '" + value + "'");
    }
}
