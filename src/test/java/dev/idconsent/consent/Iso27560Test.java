package dev.idconsent.consent;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@DisplayName("Iso27560: our history rows as ISO/IEC TS 27560 events with DPV values")
class Iso27560Test {
    static final Actor PERSON = new Actor("u1", "alice", Actor.Kind.USER);
    static final Actor ADMIN = new Actor("a1", "admin", Actor.Kind.ADMIN);
    static final Actor SYSTEM = new Actor(null, "system", Actor.Kind.SYSTEM);

    static HistoryEntry row(ChoiceState previous, ChoiceState state, Actor actor, Via via) {
        return new HistoryEntry(1, "u1", "analytics", null, 1, previous, state, via, actor, null, null, null,
                Instant.parse("2026-12-01T10:00:00Z"));
    }

    static Purpose optIn(Duration renewAfter) {
        return new Purpose("analytics", "Analytics", "", "general", Mechanism.OPT_IN, List.of(), 1, false, true,
                false, false, false, false, renewAfter);
    }

    @ParameterizedTest(name = "{0} → {1}: {2}")
    @CsvSource(nullValues = "none", value = {
        "none, GRANTED, dpv:ConsentGiven",
        "DENIED, GRANTED, dpv:ConsentGiven",
        "EXPIRED, GRANTED, dpv:RenewedConsentGiven",
        "GRANTED, GRANTED, dpv:RenewedConsentGiven",
        "none, DENIED, dpv:ConsentRefused",
        "DENIED, DENIED, dpv:ConsentRefused",
        "GRANTED, DENIED, dpv:ConsentWithdrawn",
        "PENDING, DENIED, dpv:ConsentWithdrawn",
        "none, PENDING, dpv:ConsentRequested",
        "GRANTED, EXPIRED, dpv:ConsentExpired",
        "GRANTED, CLEARED, dpv:ConsentWithdrawn",
        "DENIED, CLEARED, dpv:ConsentUnknown"})
    @DisplayName("given a row's previous and new state, then the DPV consent status it puts the consent in")
    void states(ChoiceState previous, ChoiceState state, String status) {
        assertThat(Iso27560.eventState(row(previous, state, PERSON, Via.ACCOUNT))).isEqualTo(status);
    }

    @Test
    @DisplayName("given who wrote the row, then the person expressed it themselves, or the controller did")
    void entity() {
        assertThat(Iso27560.entityId(row(null, ChoiceState.GRANTED, PERSON, Via.LOGIN))).isEqualTo("u1");
        assertThat(Iso27560.entityId(row(null, ChoiceState.DENIED, PERSON, Via.EMAIL))).isEqualTo("u1");
        assertThat(Iso27560.entityId(row(null, ChoiceState.GRANTED, ADMIN, Via.ADMIN))).isEqualTo("controller");
        assertThat(Iso27560.entityId(row(null, ChoiceState.GRANTED, ADMIN, Via.IMPORT))).isEqualTo("controller");
        assertThat(Iso27560.entityId(row(ChoiceState.GRANTED, ChoiceState.EXPIRED, SYSTEM, Via.EXPIRY)))
                .isEqualTo("controller");
    }

    @Test
    @DisplayName("given a yes, then its validity is the purpose's lifetime as an ISO 8601 duration; else none")
    void validity() {
        HistoryEntry yes = row(null, ChoiceState.GRANTED, PERSON, Via.ACCOUNT);
        assertThat(Iso27560.validity(optIn(Duration.ofDays(365)), yes)).isEqualTo("P365D");
        assertThat(Iso27560.validity(optIn(Duration.ofSeconds(90)), yes)).isEqualTo("PT1M30S");
        assertThat(Iso27560.validity(optIn(null), yes)).as("until withdrawn").isNull();
        assertThat(Iso27560.validity(optIn(Duration.ofDays(365)), row(ChoiceState.GRANTED, ChoiceState.DENIED,
                PERSON, Via.ACCOUNT))).isNull();
    }

    @Test
    @DisplayName("given a realm, person, purpose and channel, then the record id is the same every time and differs"
            + " for every other channel")
    void recordIds() {
        assertThat(Iso27560.recordId("r", "u1", "newsletter", "email"))
                .isEqualTo(Iso27560.recordId("r", "u1", "newsletter", "email"))
                .isNotEqualTo(Iso27560.recordId("r", "u1", "newsletter", "sms"))
                .isNotEqualTo(Iso27560.recordId("r", "u1", "newsletter", null))
                .isNotEqualTo(Iso27560.recordId("r", "u2", "newsletter", "email"));
    }

    @Test
    @DisplayName("given a legal basis, then only consent has consent records, and DPV names each basis")
    void bases() {
        assertThat(Iso27560.hasRecord(optIn(null))).isTrue();
        assertThat(Iso27560.hasRecord(optIn(null).withProcessing(LegalBasis.CONTRACT, null, List.of()))).isFalse();
        assertThat(List.of(LegalBasis.values())).extracting(LegalBasis::dpv).containsExactly("dpv:Consent",
                "dpv:Contract", "dpv:LegalObligation", "dpv:VitalInterest", "dpv:PublicInterest",
                "dpv:LegitimateInterest");
        assertThat(Iso27560.piiTypes("email")).containsExactly("pd:EmailAddress");
        assertThat(Iso27560.piiTypes("sms")).containsExactly("pd:TelephoneNumber");
        assertThat(Iso27560.piiTypes(null)).isEmpty();
    }
}
