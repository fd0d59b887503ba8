package dev.idconsent.consent.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.idconsent.consent.it.Api;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * 9: what the account console's page costs the server, before and after served notices (issue #22): the page reads
 * {@code GET /me} (all it did before), then reports the texts it showed ({@code POST /me/notices}: a person's first
 * load inserts a row per purpose, in one batch; later loads raise counters). One request at a time, each person with
 * the account console's own token; times are the requests' round trips on this machine.
 */
final class AccountPageRun {
    record Result(int people, int purposes, double readP50, double firstP50, double laterP50) {
    }

    private AccountPageRun() {
    }

    static Result run(Api api, String baseUrl, int people) {
        String redirect = baseUrl + "/realms/" + BenchData.REALM + "/account/";
        List<String> tokens = new ArrayList<>();
        for (int i = 1; i <= people; i++) {
            String username = "bench-page-" + i;
            api.createUser(username);
            tokens.add(api.loginAt("account-console", redirect, username, "openid").access());
        }
        for (int round = 0; round < 50; round++) { // the paths' JIT: reads only, so nobody's first load is spent
            Benchmark.check(api.get("/realms/" + BenchData.REALM + "/consent/me", tokens.get(round % people)), 200,
                    "page read");
        }
        long[] read = new long[people];
        long[] first = new long[people];
        long[] later = new long[people * 5];
        int purposes = 0;
        for (int i = 0; i < people; i++) {
            long start = System.nanoTime();
            Api.Reply me = api.get("/realms/" + BenchData.REALM + "/consent/me", tokens.get(i));
            read[i] = System.nanoTime() - start;
            Benchmark.check(me, 200, "GET /me");
            Map<String, Object> shown = shown(me.json());
            purposes = ((List<?>) shown.get("purposes")).size();
            start = System.nanoTime();
            Benchmark.check(api.post("/realms/" + BenchData.REALM + "/consent/me/notices", tokens.get(i), shown), 204,
                    "first POST /me/notices");
            first[i] = System.nanoTime() - start;
        }
        for (int round = 0; round < 5; round++) {
            for (int i = 0; i < people; i++) {
                Map<String, Object> shown = shown(api.get("/realms/" + BenchData.REALM + "/consent/me",
                        tokens.get(i)).json());
                long start = System.nanoTime();
                Benchmark.check(api.post("/realms/" + BenchData.REALM + "/consent/me/notices", tokens.get(i), shown),
                        204, "later POST /me/notices");
                later[round * people + i] = System.nanoTime() - start;
            }
        }
        Result result = new Result(people, purposes, p50(read), p50(first), p50(later));
        Report.log(String.format(Locale.ROOT, "account page of %d people, %d purposes: GET /me %.1f ms, first notices"
                + " %.1f ms, later %.1f ms (p50)", people, purposes, result.readP50(), result.firstP50(),
                result.laterP50()));
        return result;
    }

    private static Map<String, Object> shown(JsonNode view) {
        List<Map<String, Object>> purposes = new ArrayList<>();
        view.get("purposes").forEach(p -> purposes.add(Map.of("purpose", p.get("key").asText(), "version",
                p.get("version").asInt())));
        return Map.of("locale", "en", "purposes", purposes);
    }

    private static double p50(long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2] / 1e6;
    }
}
