package dev.idconsent.consent.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idconsent.consent.Webhook;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

@DisplayName("Webhooks: backoff, signature, settings")
class WebhookTest {
    @Nested
    @DisplayName("Backoff")
    class Backoff {
        @Test
        @DisplayName("given failures in a row, then the wait doubles from the base and stops at the maximum")
        void doubles() {
            assertThat(Webhook.backoffSeconds(0, 10, 3600)).isZero();
            assertThat(Webhook.backoffSeconds(1, 10, 3600)).isEqualTo(10);
            assertThat(Webhook.backoffSeconds(2, 10, 3600)).isEqualTo(20);
            assertThat(Webhook.backoffSeconds(5, 10, 3600)).isEqualTo(160);
            assertThat(Webhook.backoffSeconds(9, 10, 3600)).isEqualTo(2560);
            assertThat(Webhook.backoffSeconds(10, 10, 3600)).isEqualTo(3600);
            assertThat(Webhook.backoffSeconds(Integer.MAX_VALUE, 10, 3600)).isEqualTo(3600);
        }
    }

    @Nested
    @DisplayName("Signature")
    class Signature {
        @Test
        @DisplayName("given a known secret, time and body, then the header is the HMAC-SHA256 of \"t.body\" in hex")
        void knownValue() {
            // computed independently: printf '1700000000.{"a":1}' | openssl dgst -sha256 -hmac 'whsec-test-secret'
            assertThat(WebhookSignature.header("whsec-test-secret", 1_700_000_000L, "{\"a\":1}"))
                    .isEqualTo("t=1700000000,v1=" + OPENSSL);
        }

        @Test
        @DisplayName("given a header, then it verifies with the same secret and body only")
        void verify() {
            String header = WebhookSignature.header("s3cret-s3cret-s3cret", 1_700_000_000L, "{\"x\":true}");
            assertThat(WebhookSignature.verify("s3cret-s3cret-s3cret", header, "{\"x\":true}")).isTrue();
            assertThat(WebhookSignature.verify("s3cret-s3cret-s3creT", header, "{\"x\":true}")).isFalse();
            assertThat(WebhookSignature.verify("s3cret-s3cret-s3cret", header, "{\"x\":false}")).isFalse();
            assertThat(WebhookSignature.verify("s3cret-s3cret-s3cret",
                    header.replace("t=1700000000", "t=1700000001"), "{\"x\":true}")).as("time is signed").isFalse();
            assertThat(WebhookSignature.verify("s3cret-s3cret-s3cret", null, "{}")).isFalse();
            assertThat(WebhookSignature.verify("s3cret-s3cret-s3cret", "v1=abc", "{}")).isFalse();
        }

        @Test
        @DisplayName("given two new secrets, then each is 64 hex digits and they differ")
        void secrets() {
            assertThat(WebhookSignature.newSecret()).matches("[0-9a-f]{64}").isNotEqualTo(WebhookSignature.newSecret());
        }
    }

    @Nested
    @DisplayName("Settings")
    class Settings {
        @Test
        @DisplayName("given an interval under a second or a maximum under the base, then the server refuses to start")
        void refused() {
            assertThatThrownBy(() -> new WebhookSettings(500, 100, 5000, 10000, 10, 3600, 2,
                    WebhookDestinations.NONE))
                    .hasMessageContaining("interval-millis");
            assertThatThrownBy(() -> new WebhookSettings(5000, 100, 5000, 10000, 10, 5, 2,
                    WebhookDestinations.NONE))
                    .hasMessageContaining("retry-max-seconds");
            assertThatThrownBy(() -> new WebhookSettings(5000, 0, 5000, 10000, 10, 3600, 2,
                    WebhookDestinations.NONE))
                    .hasMessageContaining("batch-size");
        }
    }

    static final String OPENSSL = "4b776f4eda0086dafb75030a7dcbe0b60f5c49dbdc5376afc01e2e4d98eff080";
}
