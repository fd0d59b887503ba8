package dev.idconsent.consent.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("Webhook destinations: nothing inside the server's network unless the allow-list names it")
class WebhookDestinationsTest {
    static InetAddress ip(String literal) throws UnknownHostException {
        return InetAddress.getByName(literal); // literals only: no DNS
    }

    @Nested
    @DisplayName("Address classes")
    class Classes {
        @ParameterizedTest(name = "{0} is {1}")
        @CsvSource({"127.0.0.1, loopback", "127.8.9.10, loopback", "::1, loopback",
                "169.254.169.254, link-local", "169.254.0.1, link-local", "fe80::1, link-local",
                "10.1.2.3, private", "172.16.0.1, private", "172.31.255.255, private", "192.168.1.1, private",
                "fc00::1, private", "fd00:ec2::254, private", "100.100.100.200, private", "100.64.0.1, private",
                "0.0.0.0, any-local", "::, any-local", "0.1.2.3, any-local",
                "224.0.0.1, multicast", "239.255.255.250, multicast", "ff02::1, multicast",
                "255.255.255.255, multicast",
                "::ffff:10.0.0.1, private", "::ffff:127.0.0.1, loopback", "::127.0.0.1, loopback",
                "64:ff9b::a9fe:a9fe, link-local", "64:ff9b::808:808, ''"})
        @DisplayName("given an address inside a network, then its class is named")
        void restricted(String address, String expected) throws Exception {
            assertThat(WebhookDestinations.restrictedClass(ip(address)))
                    .isEqualTo(expected.isEmpty() ? null : expected);
        }

        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {"8.8.8.8", "1.1.1.1", "93.184.216.34", "172.32.0.1", "172.15.255.255",
                "100.128.0.1", "100.63.255.255", "169.253.1.1", "11.0.0.1", "2606:4700:4700::1111", "2001:db8::1"})
        @DisplayName("given an address on the internet, then it has no class")
        void open(String address) throws Exception {
            assertThat(WebhookDestinations.restrictedClass(ip(address))).isNull();
        }
    }

    @Nested
    @DisplayName("The default rule (empty allow-list)")
    class Default {
        final WebhookDestinations none = WebhookDestinations.NONE;

        @Test
        @DisplayName("given the cloud metadata address or a private one, then the refusal names address and class")
        void refused() throws Exception {
            assertThat(none.check("169.254.169.254").describe()).isEqualTo("169.254.169.254, a link-local address");
            assertThat(none.check("10.1.2.3").describe()).isEqualTo("10.1.2.3, a private address");
            assertThat(none.check("[::1]").describe()).isEqualTo("0:0:0:0:0:0:0:1, a loopback address");
            assertThat(none.check("0.0.0.0").describe()).isEqualTo("0.0.0.0, an any-local address");
        }

        @Test
        @DisplayName("given a name that resolves inward, then it is refused by what it resolves to")
        void byResolution() throws Exception {
            WebhookDestinations.Refusal localhost = none.check("LOCALHOST");
            assertThat(localhost).isNotNull();
            assertThat(localhost.addressClass()).isEqualTo("loopback");
            assertThat(localhost.describe()).startsWith("'localhost', which resolves to ")
                    .endsWith(", a loopback address");
            // other spellings of 127.0.0.1 that Java's resolver (and so the HTTP client) accepts
            assertThat(none.check("[::ffff:127.0.0.1]").addressClass()).isEqualTo("loopback");
            assertThat(none.check("2130706433").describe()).isEqualTo("'2130706433', which resolves to 127.0.0.1, a"
                    + " loopback address");
            assertThat(none.refusal("rebound.example.com", ip("8.8.8.8"), ip("10.0.0.7")).describe())
                    .as("any of the addresses counts: the client may use either")
                    .isEqualTo("'rebound.example.com', which resolves to 10.0.0.7, a private address");
        }

        @Test
        @DisplayName("given an address on the internet, then it is allowed")
        void internet() throws Exception {
            assertThat(none.check("8.8.8.8")).isNull();
            assertThat(none.refusal("crm.example.com", ip("93.184.216.34"), ip("2606:2800:220:1::1"))).isNull();
        }
    }

    @Nested
    @DisplayName("An allow-list")
    class AllowList {
        final WebhookDestinations allowed = WebhookDestinations.parse(
                " 127.0.0.1, 10.20.0.0/16 ,crm.internal, fd00::/8,,[::1]");

        @Test
        @DisplayName("given addresses, ranges and names, then exactly those are allowed")
        void allows() throws Exception {
            assertThat(allowed.check("127.0.0.1")).isNull();
            assertThat(allowed.check("127.0.0.2")).isNotNull();
            assertThat(allowed.check("10.20.3.4")).isNull();
            assertThat(allowed.check("10.21.0.1").describe()).isEqualTo("10.21.0.1, a private address");
            assertThat(allowed.check("[fd12::1]")).isNull();
            assertThat(allowed.check("[fc00::1]")).isNotNull();
            assertThat(allowed.check("[::1]")).isNull();
            assertThat(allowed.refusal("crm.internal", ip("10.9.9.9"))).isNull();
            assertThat(allowed.check("CRM.Internal.")).as("by name, not resolved").isNull();
            assertThat(allowed.check("169.254.169.254")).isNotNull();
            assertThat(allowed.check("8.8.8.8")).isNull();
            assertThat(allowed.toString()).isEqualTo("127.0.0.1, 10.20.0.0/16 ,crm.internal, fd00::/8,,[::1]");
        }

        @Test
        @DisplayName("given everything allowed by 0.0.0.0/0 and ::/0, then nothing is refused")
        void all() throws Exception {
            WebhookDestinations anything = WebhookDestinations.parse("0.0.0.0/0,::/0");
            assertThat(anything.check("169.254.169.254")).isNull();
            assertThat(anything.check("[::1]")).isNull();
        }

        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {"10.0.0.0/33", "::1/129", "10.0.0.1/x", "crm.internal/8", "not a host", "http://x/",
                "10.0.0.256/8", "*.internal"})
        @DisplayName("given an entry that is no host, address or range, then the server refuses to start")
        void invalid(String entry) {
            assertThatThrownBy(() -> WebhookDestinations.parse("127.0.0.1," + entry))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("allowed-destinations")
                    .hasMessageContaining(entry);
        }

        @Test
        @DisplayName("given nothing, then the default rule applies")
        void empty() {
            assertThat(WebhookDestinations.parse(null)).isSameAs(WebhookDestinations.NONE);
            assertThat(WebhookDestinations.parse("  ")).isSameAs(WebhookDestinations.NONE);
        }
    }
}
