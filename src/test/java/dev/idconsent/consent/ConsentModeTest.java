package dev.idconsent.consent;

import static dev.idconsent.consent.InMemory.optIn;
import static dev.idconsent.consent.InMemory.optOut;
import static dev.idconsent.consent.InMemory.refusal;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

@DisplayName("Claims for apps: Google Consent Mode v2 and the detailed form")
class ConsentModeTest {
    static final List<Purpose> CATALOG = List.of(optIn("partner-sharing"), optIn("analytics"), optOut("ads"),
            optOut("newsletter", "email", "sms"), optIn("old").withRetired(true));

    @Nested
    @DisplayName("given a Consent Mode mapping")
    class Signals {
        final ConsentMode mode = ConsentMode.parse(List.of("ad_storage: partner-sharing",
                "ad_user_data: analytics, ads", "analytics_storage: analytics", "personalization_storage: old"),
                List.of("security_storage: granted"));

        @Test
        @DisplayName("then the four v2 signals are always there, a signal is granted only when every mapped purpose is,"
                + " unmapped ones are denied, and optional ones appear only when mapped or set")
        void signals() {
            assertThat(mode.signals(CATALOG, "partner-sharing=granted@1,analytics=granted@1")).containsExactly(
                    entry("ad_storage", "granted"), entry("analytics_storage", "granted"),
                    entry("ad_user_data", "granted"), entry("ad_personalization", "denied"),
                    entry("personalization_storage", "denied"), entry("security_storage", "granted"));
            assertThat(mode.signals(CATALOG, "analytics=granted@1,ads=denied@1,old=granted@1"))
                    .contains(entry("ad_storage", "denied"), entry("ad_user_data", "denied"),
                            entry("personalization_storage", "denied")); // a retired purpose grants nothing
            assertThat(mode.signals(CATALOG, null)).containsEntry("ad_user_data", "denied")
                    .containsEntry("analytics_storage", "denied");
        }

        @Test
        @DisplayName("then a purpose the catalog lacks is named")
        void unknown() {
            assertThat(ConsentMode.parse(List.of("ad_storage: partner-sharing, typo"), List.of())
                    .unknownPurposes(CATALOG)).containsExactly("typo");
        }

        @Test
        @DisplayName("then each wrong entry is refused with what is wrong")
        void refusals() {
            assertThat(refusal(() -> ConsentMode.parse(List.of("ads_storage: analytics"), List.of())).getMessage())
                    .contains("'ads_storage' is not a Consent Mode v2 signal");
            assertThat(refusal(() -> ConsentMode.parse(List.of("ad_storage analytics"), List.of())).getMessage())
                    .contains("must be a signal, a colon and purpose keys");
            assertThat(refusal(() -> ConsentMode.parse(List.of("ad_storage: Analytics!"), List.of())).getMessage())
                    .contains("'Analytics!' is not a purpose key");
            assertThat(refusal(() -> ConsentMode.parse(List.of(), List.of("security_storage: yes"))).getMessage())
                    .contains("granted or denied, not 'yes'");
            assertThat(refusal(() -> ConsentMode.parse(List.of("ad_storage: ads"), List.of("ad_storage: granted")))
                    .getMessage()).contains("ad_storage is given twice");
            assertThat(refusal(() -> ConsentMode.parse(List.of("ad_storage: ads", "ad_storage: analytics"),
                    List.of())).getMessage()).contains("mapped twice");
        }
    }

    @Nested
    @DisplayName("given the detailed claim form")
    class Detailed {
        @Test
        @DisplayName("then each purpose says whether an answer or the default decides, the version answered, and per"
                + " channel the same")
        void detailed() {
            Map<String, Object> claim = Effective.detailedClaim(CATALOG,
                    "analytics=granted@3,newsletter/sms=denied@2,partner-sharing=pending@1");
            assertThat(claim).containsOnlyKeys("partner-sharing", "analytics", "ads", "newsletter");
            assertThat(claim.get("analytics")).isEqualTo(Map.of("granted", true, "explicit", true, "version", 3));
            assertThat(claim.get("ads")).isEqualTo(Map.of("granted", true, "explicit", false));
            assertThat(claim.get("partner-sharing")).as("a pending yes decides nothing")
                    .isEqualTo(Map.of("granted", false, "explicit", false));
            assertThat(claim.get("newsletter")).isEqualTo(Map.of("granted", true, "channels", Map.of(
                    "email", Map.of("granted", true, "explicit", false),
                    "sms", Map.of("granted", false, "explicit", true, "version", 2))));
        }

        @Test
        @DisplayName("then a summary from before versions were kept still reads, without versions")
        void oldSummary() {
            assertThat(Effective.detailedClaim(CATALOG, "analytics=granted").get("analytics"))
                    .isEqualTo(Map.of("granted", true, "explicit", true));
        }
    }
}
