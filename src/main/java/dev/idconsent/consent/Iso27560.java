package dev.idconsent.consent;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * How the consent record maps onto the information structure of ISO/IEC TS 27560:2023 (consent record), with the
 * W3C Data Privacy Vocabulary (DPV 2.3, {@code dpv:} = {@code https://w3id.org/dpv#}, {@code pd:} =
 * {@code https://w3id.org/dpv/pd#}) for its values, as the DPV community group's guide to the standard does. The
 * JSON shape is described by {@code docs/schema/iso-27560-record.schema.json}; README has the field mapping.
 */
public final class Iso27560 {
    /** The {@code schema_version} of every record and document: the standard and this project's profile of it. */
    public static final String SCHEMA_VERSION = "ISO/IEC TS 27560:2023; idc-record/1";
    /** The party id of the realm's controller in every record. */
    public static final String CONTROLLER = "controller";
    /** Every event is a person's own expression (a box ticked, a switch flipped), or derived from one. */
    public static final String EVENT_TYPE = "dpv:ExpressedConsent";

    private Iso27560() {
    }

    /** Only purposes resting on consent have consent records; choices under other bases are objections. */
    public static boolean hasRecord(Purpose purpose) {
        return purpose.legalBasis() == LegalBasis.CONSENT;
    }

    /** A stable id for the record of one person's consent to one purpose (and channel) in one realm. */
    public static UUID recordId(String realmId, String subjectId, String purpose, String channel) {
        return UUID.nameUUIDFromBytes(String.join("\n", "idc-27560", realmId, subjectId, purpose,
                channel == null ? "" : channel).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The DPV consent status a history row puts the consent in: given (renewed when it followed a yes), refused
     * (a no without a yes before it), withdrawn (a no, or an answer taken back, after a yes), requested (a yes
     * waiting for its double-opt-in confirmation), expired, or unknown (an answer taken back before any yes).
     */
    public static String eventState(HistoryEntry entry) {
        boolean hadYes = entry.previous() == ChoiceState.GRANTED || entry.previous() == ChoiceState.PENDING
                || entry.previous() == ChoiceState.PAUSED;
        return switch (entry.state()) {
            // a yes that returns when a pause ends is the person's earlier consent given again
            case GRANTED -> entry.previous() == ChoiceState.GRANTED || entry.previous() == ChoiceState.EXPIRED
                    || entry.previous() == ChoiceState.PAUSED ? "dpv:RenewedConsentGiven" : "dpv:ConsentGiven";
            // DPV has no "suspended": a pause withdraws the yes for its period
            case PAUSED -> hadYes ? "dpv:ConsentWithdrawn" : "dpv:ConsentUnknown";
            case DENIED -> hadYes ? "dpv:ConsentWithdrawn" : "dpv:ConsentRefused";
            case PENDING -> "dpv:ConsentRequested";
            case EXPIRED -> "dpv:ConsentExpired";
            case CLEARED -> hadYes ? "dpv:ConsentWithdrawn" : "dpv:ConsentUnknown";
        };
    }

    /**
     * Who expressed the event: the person themselves (their own page, an app they authorised, a link sent to them,
     * their browser's GPC signal), or the controller (an admin on their behalf, an import of what another system
     * holds — its source and evidence are in the event —, or the plugin itself: expiry, suppression).
     */
    public static String entityId(HistoryEntry entry) {
        return entry.subjectId().equals(entry.actor().id()) ? entry.subjectId() : CONTROLLER;
    }

    /** How long a yes stays valid, as an ISO 8601 duration; {@code null} for other events or until withdrawn. */
    public static String validity(Purpose purpose, HistoryEntry entry) {
        if (entry.state() != ChoiceState.GRANTED || purpose.renewAfter() == null) {
            return null;
        }
        Duration d = purpose.renewAfter();
        return d.toMillis() % 86_400_000L == 0 ? "P" + d.toDays() + "D" : d.toString();
    }

    /** The personal data a channel uses, as DPV's personal-data concepts; none for a purpose without channels. */
    public static List<String> piiTypes(String channel) {
        if (channel == null) {
            return List.of();
        }
        return List.of(switch (channel) {
            case Purpose.EMAIL -> "pd:EmailAddress";
            case Suppressions.SMS -> "pd:TelephoneNumber";
            default -> "pd:Contact";
        });
    }
}
