package dev.idconsent.consent.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.idconsent.consent.it.Api;
import dev.idconsent.consent.it.SqlLog;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * SQL statements per refresh-token grant, read from the server's log (it logs {@code org.hibernate.SQL} at debug,
 * as in ClaimsIT): {@code n} sequential refreshes of each client, the statements logged meanwhile counted. The
 * plugin's share is the difference; statements on the plugin's tables or user attributes are counted apart.
 */
final class SqlCount {
    record Result(int refreshes, long plainStatements, long consentStatements, long consentPluginStatements,
                  long accountWriteStatements, long consentWriteStatements) {
        double accountPerWrite() {
            return accountWriteStatements / (double) refreshes;
        }

        double consentPerWrite() {
            return consentWriteStatements / (double) refreshes;
        }

        double plainPerRefresh() {
            return plainStatements / (double) refreshes;
        }

        double consentPerRefresh() {
            return consentStatements / (double) refreshes;
        }
    }

    private SqlCount() {
    }

    static Result perRefresh(Api api, Path log, Benchmark.Setup.Prepared prepared, int n) throws Exception {
        // one refresh of each first: the first token after a write reloads the user into the cache once
        refresh(api, BenchData.CONSENT_CLIENT, prepared.consentRefreshTokens().get(0));
        refresh(api, BenchData.PLAIN_CLIENT, prepared.plainRefreshTokens().get(0));
        List<String> plain = window(api, log, BenchData.PLAIN_CLIENT, prepared.plainRefreshTokens().get(0), n);
        List<String> consent = window(api, log, BenchData.CONSENT_CLIENT, prepared.consentRefreshTokens().get(0), n);
        long plugin = consent.stream().filter(s -> s.contains("idc_") || s.contains("user_attribute")).count();
        // and per preference write of each API (the same user, alternating values: every write a real change)
        BenchData.Writer writer = prepared.writers().get(0);
        List<String> account = window(log, n, () -> Benchmark.check(api.post("/realms/" + BenchData.REALM
                + "/account/", writer.token(), Map.of("username", writer.username(), "email", writer.username()
                + "@example.com", "firstName", writer.username(), "lastName", writer.flip() ? "Yes" : "No")), 204,
                "account update"));
        // the request the write phase sends, with the text version the app showed (Api.choose would first read
        // the choices for it, and that read fell into the window: round 1 counted it as part of the write)
        List<String> choices = window(log, n, () -> Benchmark.check(api.post("/realms/" + BenchData.REALM
                + "/consent/me/choices", writer.token(), Map.of("choices", List.of(Map.of("purpose", "analytics",
                "granted", writer.flip(), "version", writer.version())))), 200, "choice"));
        Result r = new Result(n, plain.size(), consent.size(), plugin, account.size(), choices.size());
        Report.log(String.format(Locale.ROOT, "SQL per write: account API %.1f, consent API %.1f",
                r.accountPerWrite(), r.consentPerWrite()));
        // what the statements were, for the reader of the log: the first table each one names
        Report.log("  plain window:   " + tables(plain));
        Report.log("  consent window: " + tables(consent));
        Report.log(String.format(Locale.ROOT, "SQL per refresh: plain %.2f, consent %.2f (%d on plugin tables or"
                + " user attributes in %d refreshes)", r.plainPerRefresh(), r.consentPerRefresh(), plugin, n));
        return r;
    }

    private static java.util.Map<String, Long> tables(List<String> statements) {
        java.util.regex.Pattern table = java.util.regex.Pattern.compile("(?:from|into|update)\\s+(\\w+)");
        return statements.stream().map(s -> {
            java.util.regex.Matcher m = table.matcher(s.substring(s.indexOf("org.hibernate.sql")));
            return m.find() ? m.group(1) : "?";
        }).collect(java.util.stream.Collectors.groupingBy(t -> t, java.util.TreeMap::new,
                java.util.stream.Collectors.counting()));
    }

    private static List<String> window(Api api, Path log, String client, String refreshToken, int n)
            throws Exception {
        return window(log, n, () -> refresh(api, client, refreshToken));
    }

    private static List<String> window(Path log, int n, Runnable request) throws Exception {
        long mark = SqlLog.settledSize(log);
        for (int i = 0; i < n; i++) {
            request.run();
        }
        SqlLog.settledSize(log);
        return SqlLog.sqlSince(log, mark);
    }

    private static void refresh(Api api, String client, String refreshToken) {
        JsonNode ignored = Benchmark.tokenRequest(api, Map.of("grant_type", "refresh_token", "client_id", client,
                "refresh_token", refreshToken));
    }
}
