package dev.idconsent.consent.bench;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.PopulationBuilder;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The load of one benchmark phase, chosen by {@link BenchData#phase}: a closed model of
 * {@link BenchData#concurrency} virtual users, each looping over one request on its own keep-alive connection
 * for {@link BenchData#seconds}. {@code warmup} runs every kind of request at once. The data (tokens, links) is
 * prepared by {@link Benchmark} in the same JVM.
 */
public final class BenchSimulation extends Simulation {
    static final String TOKEN_PATH = "/realms/" + BenchData.REALM + "/protocol/openid-connect/token";

    public BenchSimulation() {
        BenchData d = BenchData.current;
        HttpProtocolBuilder protocol = http.baseUrl(d.baseUrl).disableWarmUp().disableCaching()
                .disableFollowRedirect().acceptHeader("application/json");
        List<PopulationBuilder> populations = new ArrayList<>();
        switch (d.phase) {
            case "warmup" -> {
                int each = Math.max(1, d.concurrency / 2);
                for (String phase : List.of("refresh-consent", "refresh-plain", "write-consent", "write-account",
                        "unsubscribe")) {
                    populations.add(population(phase, d, each));
                }
            }
            default -> populations.add(population(d.phase, d, d.concurrency));
        }
        setUp(populations).protocols(protocol);
    }

    private static PopulationBuilder population(String phase, BenchData d, int users) {
        ChainBuilder request = switch (phase) {
            case "refresh-consent", "refresh-plain" -> {
                boolean consent = phase.equals("refresh-consent");
                List<String> tokens = consent ? d.consentRefreshTokens : d.plainRefreshTokens;
                String client = consent ? BenchData.CONSENT_CLIENT : BenchData.PLAIN_CLIENT;
                yield io.gatling.javaapi.core.CoreDsl.exec(s -> s.set("rt", BenchData.next(tokens)))
                        .exec(http(phase).post(TOKEN_PATH).formParam("grant_type", "refresh_token")
                                .formParam("refresh_token", "#{rt}").formParam("client_id", client)
                                .check(status().is(200)));
            }
            case "write-consent" -> io.gatling.javaapi.core.CoreDsl.exec(s -> {
                BenchData.Writer w = BenchData.next(d.writers);
                boolean yes = w.flip();
                return s.set("token", w.token()).set("body", "{\"choices\":[{\"purpose\":\"analytics\",\"granted\":"
                        + yes + (yes ? ",\"version\":" + w.version() : "") + "}]}");
            }).exec(http(phase).post("/realms/" + BenchData.REALM + "/consent/me/choices")
                    .header("Authorization", "Bearer #{token}").header("Content-Type", "application/json")
                    .body(StringBody("#{body}")).check(status().is(200)));
            case "write-account" -> io.gatling.javaapi.core.CoreDsl.exec(s -> {
                BenchData.Writer w = BenchData.next(d.writers);
                // a real change every time: the last name alternates, as the consent write's answer does
                return s.set("token", w.token()).set("body", "{\"username\":\"" + w.username() + "\",\"email\":\""
                        + w.username() + "@example.com\",\"firstName\":\"" + w.username() + "\",\"lastName\":\""
                        + (w.flip() ? "Yes" : "No") + "\"}");
            }).exec(http(phase).post("/realms/" + BenchData.REALM + "/account/")
                    .header("Authorization", "Bearer #{token}").header("Content-Type", "application/json")
                    .body(StringBody("#{body}")).check(status().in(200, 204)));
            case "unsubscribe" -> io.gatling.javaapi.core.CoreDsl.exec(s -> s.set("link", d.nextLink()))
                    .exec(http(phase).post("#{link}").header("Content-Type", "application/x-www-form-urlencoded")
                            .header("Accept", "text/plain").body(StringBody("List-Unsubscribe=One-Click"))
                            .check(status().is(200)));
            default -> throw new IllegalArgumentException("unknown phase " + phase);
        };
        return scenario(phase).during(Duration.ofSeconds(d.seconds)).on(request).injectOpen(atOnceUsers(users));
    }
}
