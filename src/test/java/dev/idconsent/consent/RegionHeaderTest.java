package dev.idconsent.consent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Region header: believed only from the proxy's addresses")
class RegionHeaderTest {
    static final RegionHeader HEADER = new RegionHeader("CF-IPCountry", List.of("10.1.0.0/16", "192.0.2.7",
            "2001:db8::/32")).validate();

    @Test
    @DisplayName("given CIDR ranges and single addresses, then exactly the addresses inside them are the proxy's")
    void trusts() {
        assertThat(HEADER.trusts("10.1.255.3")).isTrue();
        assertThat(HEADER.trusts("10.2.0.1")).isFalse();
        assertThat(HEADER.trusts("192.0.2.7")).isTrue();
        assertThat(HEADER.trusts("192.0.2.8")).isFalse();
        assertThat(HEADER.trusts("2001:db8:1::5")).isTrue();
        assertThat(HEADER.trusts("2001:db9::5")).isFalse();
        assertThat(HEADER.trusts("::ffff:10.1.0.9")).as("an IPv4-mapped peer").isTrue();
        assertThat(HEADER.trusts(null)).isFalse();
        assertThat(HEADER.trusts("localhost")).as("names are never looked up").isFalse();
    }

    @Test
    @DisplayName("given header values, then only ISO 3166 codes count, upper-cased, and the proxies' 'unknown' does not")
    void codes() {
        assertThat(RegionHeader.code(" us-ca ")).isEqualTo("US-CA");
        assertThat(RegionHeader.code("DE")).isEqualTo("DE");
        assertThat(RegionHeader.code("XX")).isNull();
        assertThat(RegionHeader.code("T1")).isNull();
        assertThat(RegionHeader.code("Germany")).isNull();
    }

    @Test
    @DisplayName("given bad settings, then validation names what is wrong")
    void validate() {
        assertThatThrownBy(() -> new RegionHeader("CF-IPCountry", List.of()).validate())
                .hasMessageContaining("regionHeader needs regionHeaderProxies");
        assertThatThrownBy(() -> new RegionHeader("CF-IPCountry", List.of("10.0.0.0/33")).validate())
                .hasMessageContaining("'10.0.0.0/33' is not an IP address or CIDR range");
        assertThatThrownBy(() -> new RegionHeader("Bad Header", List.of("10.0.0.1")).validate())
                .hasMessageContaining("is not an HTTP header name");
    }
}
