package dev.idconsent.consent;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Keycloak version is the pom's {@code keycloak.version}; the files that cannot read it (the compose file's
 * default image, the console pages' npm packages) must say the same, or a user would run the plugin on another
 * Keycloak than the one it is tested on.
 */
@DisplayName("One Keycloak version: the pom's, also in docker-compose.yml and the consoles' packages")
class VersionsTest {
    private static String pomVersion() throws Exception {
        return only(Files.readString(Path.of("pom.xml")), "<keycloak.version>([^<]+)</keycloak.version>");
    }

    private static String only(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertThat(m.find()).as("'%s' found", regex).isTrue();
        String value = m.group(1);
        while (m.find()) {
            assertThat(m.group(1)).as("every match of '%s'", regex).isEqualTo(value);
        }
        return value;
    }

    @Test
    @DisplayName("given docker-compose.yml, then its Keycloak image is named once, with the pom's version")
    void compose() throws Exception {
        String compose = Files.readString(Path.of("docker-compose.yml"));
        List<String> images = Pattern.compile("quay\\.io/keycloak/keycloak:([\\w.-]+)").matcher(compose).results()
                .map(r -> r.group(1)).toList();
        assertThat(images).as("Keycloak images named in docker-compose.yml").containsExactly(pomVersion());
    }

    @ParameterizedTest(name = "themes/{0}/package.json")
    @ValueSource(strings = {"account", "admin"})
    @DisplayName("given a console's package.json (account, admin), then its @keycloak packages have the pom's version")
    void consolePackages(String console) throws Exception {
        String packageJson = Files.readString(Path.of("themes", console, "package.json"));
        List<String> versions = Pattern.compile("\"@keycloak/[\\w-]+\":\\s*\"([^\"]+)\"").matcher(packageJson)
                .results().map(r -> r.group(1)).toList();
        assertThat(versions).isNotEmpty().allSatisfy(v -> assertThat(v).isEqualTo(pomVersion()));
    }
}
