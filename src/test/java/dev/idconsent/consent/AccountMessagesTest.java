package dev.idconsent.consent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The account page's words: every key the page uses exists, in English and German alike. */
@DisplayName("Account console messages")
class AccountMessagesTest {
    static final Path THEME = Path.of("themes/account");
    static final Pattern KEY = Pattern.compile("[\"`](idc[A-Z][A-Za-z_]*)[\"`]");

    @Test
    @DisplayName("given the page's source, then every idc… key it names is in messages_en")
    void everyKeyDefined() throws IOException {
        Set<String> used = new TreeSet<>();
        try (Stream<Path> files = Files.walk(THEME.resolve("src"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".ts") || f.toString().endsWith(".tsx")).toList()) {
                Matcher m = KEY.matcher(Files.readString(file));
                while (m.find()) {
                    used.add(m.group(1));
                }
            }
        }
        Set<String> content = new TreeSet<>();
        Matcher m = Pattern.compile("\"label\":\\s*\"(idc[A-Za-z]*)\"").matcher(
                Files.readString(THEME.resolve("public/content.json")));
        while (m.find()) {
            content.add(m.group(1));
        }
        assertThat(used).isNotEmpty();
        assertThat(content).as("menu labels in content.json").isNotEmpty();
        assertThat(messages("en").stringPropertyNames()).containsAll(used).containsAll(content);
    }

    @Test
    @DisplayName("given every channel of a change (Via), then the page can say how a choice was made")
    void everyVia() throws IOException {
        for (Via via : Via.values()) {
            assertThat(messages("en").getProperty("idcVia_" + via.value())).as(via.value()).isNotBlank();
            assertThat(messages("de").getProperty("idcVia_" + via.value())).as(via.value()).isNotBlank();
        }
    }

    @Test
    @DisplayName("given the English messages, then German has the same keys")
    void sameKeys() throws IOException {
        assertThat(messages("de").stringPropertyNames()).isEqualTo(messages("en").stringPropertyNames());
    }

    static Properties messages(String locale) throws IOException {
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(THEME.resolve("theme/messages/messages_" + locale + ".properties"),
                StandardCharsets.UTF_8)) {
            p.load(in);
        }
        return p;
    }
}
