package dev.idconsent.consent.mail;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("List-Id (RFC 2919) of a purpose's mail")
class ListIdTest {
    @Test
    @DisplayName("given a purpose, realm and host, then the id is purpose.realm.host with the label as phrase")
    void plain() {
        assertThat(ListId.of("newsletter", "Newsletter", "shop", "id.example.com"))
                .isEqualTo("\"Newsletter\" <newsletter.shop.id.example.com>");
    }

    @Test
    @DisplayName("given a realm name with spaces and capitals and an IPv6 host, then the id keeps only letters,"
            + " digits, dots and hyphens")
    void unusualNames() {
        assertThat(ListId.of("sms-reminders", null, "My Shop (EU)", "[::1]")).isEqualTo("<sms-reminders.my-shop-eu.1>");
        assertThat(ListId.of("ads", "", "---", "")).isEqualTo("<ads.realm.localhost>");
    }

    @Test
    @DisplayName("given a label with quotes, a line break or non-ASCII letters, then the header cannot be broken"
            + " and the label survives: quoted, or as an encoded word")
    void labels() {
        assertThat(ListId.of("news", "The \"best\" news\r\nBcc: x@evil.example", "shop", "example.com"))
                .isEqualTo("\"The \\\"best\\\" news Bcc: x@evil.example\" <news.shop.example.com>")
                .doesNotContain("\r").doesNotContain("\n");
        String german = ListId.of("news", "Neuigkeiten für Kundinnen", "shop", "example.com");
        assertThat(german).startsWith("=?UTF-8?B?").endsWith("?= <news.shop.example.com>");
        String word = german.substring("=?UTF-8?B?".length(), german.indexOf("?= "));
        assertThat(new String(Base64.getDecoder().decode(word), StandardCharsets.UTF_8))
                .isEqualTo("Neuigkeiten für Kundinnen");
        assertThat(ListId.of("news", "ä".repeat(60), "shop", "example.com")).isEqualTo("<news.shop.example.com>");
    }
}
