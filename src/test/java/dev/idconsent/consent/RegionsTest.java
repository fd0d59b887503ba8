package dev.idconsent.consent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

@DisplayName("Regions: where a person is decides a purpose's mechanism")
class RegionsTest {
    static final Regions REGIONS;

    static {
        Map<String, List<String>> regions = new LinkedHashMap<>();
        regions.put("california", List.of("US-CA"));
        regions.put("us", List.of("US"));
        regions.put("dach", List.of("DE", "AT", "CH"));
        REGIONS = new Regions("country", regions, "EU").validate();
    }

    static final Purpose ADS = new Purpose("ads", "Ads", "", null, Mechanism.OPT_OUT, List.of(), 1, true, true,
            false, false, false, false, null, null, null, null, null, Map.of("EU", Mechanism.OPT_IN));

    @Nested
    @DisplayName("given a code, then the person belongs to the regions listing it, then those listing its country")
    class Locate {
        @Test
        void subdivisionBeforeCountry() {
            assertThat(REGIONS.locate("US-CA").regions()).containsExactly("california", "us");
            assertThat(REGIONS.locate("US-NY").regions()).containsExactly("us");
        }

        @Test
        void ownRegionsBeforeBuiltIn() {
            assertThat(REGIONS.locate("DE").regions()).containsExactly("dach", "EU", "EEA");
            assertThat(REGIONS.locate("NO").regions()).containsExactly("EEA");
            assertThat(REGIONS.locate("FR-75").regions()).containsExactly("EU", "EEA");
        }

        @Test
        void unknownCodeIsNowhereAndNoCodeIsTheDefault() {
            assertThat(REGIONS.locate("JP").regions()).isEmpty();
            assertThat(REGIONS.locate(null)).isEqualTo(new Regions.Location(null, List.of("EU")));
            assertThat(REGIONS.locate(" ").regions()).containsExactly("EU");
            assertThat(Regions.NONE.locate("DE")).isEqualTo(Regions.Location.NOWHERE);
        }
    }

    @Nested
    @DisplayName("given a purpose with a rule for the EU, then the first of the person's regions it names applies")
    class In {
        @Test
        void regionalMechanism() {
            assertThat(ADS.in(REGIONS.locate("DE")).mechanism()).isEqualTo(Mechanism.OPT_IN);
            assertThat(ADS.regionIn(REGIONS.locate("DE"))).isEqualTo("EU");
            assertThat(ADS.in(REGIONS.locate("US-CA"))).isSameAs(ADS);
            assertThat(ADS.in(REGIONS.locate(null)).mechanism()).isEqualTo(Mechanism.OPT_IN);
            assertThat(ADS.in(REGIONS.locate("JP")).mechanism()).isEqualTo(Mechanism.OPT_OUT);
        }

        @Test
        void consentBasisDoesNotSurviveAnOptOutRegion() {
            Purpose research = new Purpose("research", "Research", "", null, Mechanism.OPT_IN, List.of(), 1, false,
                    true, false, false, false, false, null, LegalBasis.CONSENT, null, null, null,
                    Map.of("us", Mechanism.OPT_OUT));
            assertThat(research.in(REGIONS.locate("US-NY")).legalBasis()).isEqualTo(LegalBasis.LEGITIMATE_INTEREST);
            assertThat(research.in(REGIONS.locate("DE")).legalBasis()).isEqualTo(LegalBasis.CONSENT);
        }
    }

    @Nested
    @DisplayName("given bad settings, then validation names what is wrong")
    class Validate {
        @Test
        void badCode() {
            assertThatThrownBy(() -> new Regions("country", Map.of("x", List.of("Germany")), null).validate())
                    .hasMessageContaining("'Germany' is not an ISO 3166 code");
        }

        @Test
        void builtInNameAndUnknownDefault() {
            assertThatThrownBy(() -> new Regions("country", Map.of("EEA", List.of("DE")), null).validate())
                    .hasMessageContaining("'EEA' is built in");
            assertThatThrownBy(() -> new Regions("country", Map.of(), "mars").validate())
                    .hasMessageContaining("defaultRegion 'mars' is not a region");
        }

        @Test
        void regionsNeedTheAttribute() {
            assertThatThrownBy(() -> new Regions(null, Map.of("x", List.of("DE")), null).validate())
                    .hasMessageContaining("regions need regionAttribute");
        }
    }
}
