package dev.idconsent.consent.admin;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("Webhook receiver addresses")
class WebhookUrlTest {
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"https://crm.example.com/hooks/consent", "http://127.0.0.1:8081/hook",
            "HTTPS://Example.com", "https://example.com:8443/a?b=c"})
    @DisplayName("given an absolute http(s) address, then it is accepted")
    void accepted(String url) {
        assertThat(WebhookFields.urlProblem(url)).isNull();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"ftp://example.com/x", "javascript:alert(1)", "/relative", "example.com/hook",
            "https:///nohost", "https://user:pw@example.com/", "https://example.com/#frag", "http://exa mple.com/",
            "file:///etc/passwd", "mailto:a@example.com"})
    @DisplayName("given anything else, then it is refused with a reason")
    void refused(String url) {
        assertThat(WebhookFields.urlProblem(url)).isNotBlank();
    }
}
