package dev.idconsent.consent;

import static dev.idconsent.consent.ChoiceState.DENIED;
import static dev.idconsent.consent.ChoiceState.GRANTED;
import static dev.idconsent.consent.InMemory.notInToken;
import static dev.idconsent.consent.InMemory.optIn;
import static dev.idconsent.consent.InMemory.optOut;
import static dev.idconsent.consent.InMemory.purpose;
import static dev.idconsent.consent.InMemory.required;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("Effective: may the app use a purpose now")
class EffectiveTest {

    @ParameterizedTest(name = "given {0} and the answer {1}, then {2}")
    @CsvSource(nullValues = "none", value = {
            "REQUIRED, none,    true",
            "REQUIRED, DENIED,  true",
            "REQUIRED, GRANTED, true",
            "OPT_OUT,  none,    true",
            "OPT_OUT,  GRANTED, true",
            "OPT_OUT,  DENIED,  false",
            "OPT_IN,   none,    false",
            "OPT_IN,   DENIED,  false",
            "OPT_IN,   GRANTED, true"})
    @DisplayName("a single answer")
    void singleAnswer(Mechanism mechanism, ChoiceState answer, boolean expected) {
        assertThat(Effective.granted(purpose("p", mechanism), answer)).isEqualTo(expected);
    }

    @Nested
    @DisplayName("given a purpose with the channels email and sms")
    class Channels {
        @Test
        @DisplayName("opt-in and only sms granted, then the purpose is granted")
        void optInAnyChannel() {
            assertThat(Effective.granted(optIn("newsletter", "email", "sms"), Map.of("newsletter/sms", GRANTED)))
                    .isTrue();
        }

        @Test
        @DisplayName("opt-in and no answer, then the purpose is not granted")
        void optInNoAnswer() {
            assertThat(Effective.granted(optIn("newsletter", "email", "sms"), Map.of())).isFalse();
        }

        @Test
        @DisplayName("opt-out and only email denied, then the purpose is granted (sms is still on)")
        void optOutOneDenied() {
            assertThat(Effective.granted(optOut("newsletter", "email", "sms"), Map.of("newsletter/email", DENIED)))
                    .isTrue();
        }

        @Test
        @DisplayName("opt-out and both denied, then the purpose is not granted")
        void optOutAllDenied() {
            assertThat(Effective.granted(optOut("newsletter", "email", "sms"),
                    Map.of("newsletter/email", DENIED, "newsletter/sms", DENIED))).isFalse();
        }

        @Test
        @DisplayName("required and both denied, then the purpose is still granted")
        void requiredAllDenied() {
            assertThat(Effective.granted(required("service-mail", "email", "sms"),
                    Map.of("service-mail/email", DENIED, "service-mail/sms", DENIED))).isTrue();
        }

        @Test
        @DisplayName("and answers for another purpose, then they do not count")
        void otherPurposeIgnored() {
            assertThat(Effective.granted(optIn("newsletter", "email", "sms"),
                    Map.of("offers/email", GRANTED, "offers", GRANTED))).isFalse();
        }
    }

    @Nested
    @DisplayName("given the token claim is built")
    class Claim {
        private final List<Purpose> catalog = List.of(
                required("terms"),
                optOut("newsletter", "email", "sms"),
                optIn("analytics"),
                optIn("survey").withRetired(true),
                notInToken(optOut("internal")));

        @ParameterizedTest(name = "[{index}] \"{0}\"")
        @NullAndEmptySource
        @ValueSource(strings = {"garbage", "analytics=yes,,=denied", "unknown-purpose=granted"})
        @DisplayName("from no readable answers, then every purpose in tokens has its catalog default, in catalog order")
        void defaults(String summary) {
            assertThat(Effective.claim(catalog, summary)).containsExactly(
                    entry("terms", true), entry("newsletter", true), entry("analytics", false));
        }

        @Test
        @DisplayName("from answers, then they override the defaults of optional purposes only")
        void answers() {
            String summary = "analytics=granted,newsletter/email=denied,newsletter/sms=denied,terms=denied";
            assertThat(Effective.claim(catalog, summary)).containsExactly(
                    entry("terms", true), entry("newsletter", false), entry("analytics", true));
        }

        @Test
        @DisplayName("with answers for a retired purpose and one not in tokens, then both stay absent")
        void retiredAndHiddenAbsent() {
            assertThat(Effective.claim(catalog, "survey=granted,internal=granted"))
                    .doesNotContainKeys("survey", "internal");
        }
    }
}
