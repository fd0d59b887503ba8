package dev.idconsent.consent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** What an operator's Prometheus scrapes from Keycloak's management port. */
@ExtendWith(KeycloakExtension.class)
@DisplayName("Metrics: consent changes counted on Keycloak's /metrics, after commit, by realm, purpose, channel,"
        + " state and via")
class MetricsIT {
    static final String CHANGES = "idc_consent_changes_total";

    @Test
    @DisplayName("given a user makes three changes and one refused change, then exactly those three are added to the"
            + " counters with their labels, and the refused one adds nothing")
    void changesCounted() throws Exception {
        Api api = new Api(KeycloakExtension.server());
        api.createUser("metrics-1");
        String token = api.login("metrics-1").access();
        Map<String, String> newsletterOff = labels("realm", "demo", "purpose", "newsletter", "channel", "email",
                "state", "denied", "via", "api");
        Map<String, String> newsletterOn = labels("realm", "demo", "purpose", "newsletter", "channel", "email",
                "state", "granted", "via", "api");
        Map<String, String> analyticsOn = labels("realm", "demo", "purpose", "analytics", "channel", "",
                "state", "granted", "via", "api");
        String before = scrape();

        assertThat(api.choose(token, List.of(Api.choice("newsletter", false))).status()).isEqualTo(200);
        assertThat(api.choose(token, List.of(Api.choice("newsletter", true), Api.choice("analytics", true)))
                .status()).isEqualTo(200);
        // refused (a required purpose cannot be switched off): rolled back, so not counted
        assertThat(api.choose(token, List.of(Api.choice("newsletter", false), Api.choice("security-alerts", false)))
                .status()).isEqualTo(409);
        // repeating the current answer records nothing
        assertThat(api.choose(token, List.of(Api.choice("analytics", true))).status()).isEqualTo(200);

        String after = scrape();
        assertThat(value(after, CHANGES, newsletterOff) - value(before, CHANGES, newsletterOff)).isEqualTo(1.0);
        assertThat(value(after, CHANGES, newsletterOn) - value(before, CHANGES, newsletterOn)).isEqualTo(1.0);
        assertThat(value(after, CHANGES, analyticsOn) - value(before, CHANGES, analyticsOn)).isEqualTo(1.0);
        assertThat(sum(after, CHANGES, "demo") - sum(before, CHANGES, "demo")).as("nothing else counted")
                .isEqualTo(3.0);
        assertThat(after).contains("# TYPE idc_consent_changes counter"); // OpenMetrics: the family has no _total
    }

    static String scrape() throws Exception {
        String management = KeycloakExtension.server().managementUrl().orElse(null);
        Assumptions.assumeTrue(management != null, "this backend does not expose Keycloak's management port");
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(management + "/metrics")).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return r.body();
    }

    static Map<String, String> labels(String... kv) {
        Map<String, String> out = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            out.put(kv[i], kv[i + 1]);
        }
        return out;
    }

    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)\\{(.*)}\\s+(\\S+)$");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    /** Every sample of the metric as (labels → value). */
    static Map<Map<String, String>, Double> samples(String exposition, String metric) {
        Map<Map<String, String>, Double> out = new HashMap<>();
        for (String line : exposition.split("\n")) {
            Matcher m = SAMPLE.matcher(line.strip());
            if (m.matches() && m.group(1).equals(metric)) {
                Map<String, String> labels = new HashMap<>();
                Matcher l = LABEL.matcher(m.group(2));
                while (l.find()) {
                    labels.put(l.group(1), l.group(2));
                }
                out.put(labels, Double.parseDouble(m.group(3)));
            }
        }
        return out;
    }

    /** The sample with exactly these labels; 0 when the counter has not been created yet. */
    static double value(String exposition, String metric, Map<String, String> labels) {
        return samples(exposition, metric).getOrDefault(labels, 0.0);
    }

    static double sum(String exposition, String metric, String realm) {
        return samples(exposition, metric).entrySet().stream().filter(e -> realm.equals(e.getKey().get("realm")))
                .mapToDouble(Map.Entry::getValue).sum();
    }
}
