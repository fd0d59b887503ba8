package dev.idconsent.consent.bench;

import dev.idconsent.consent.it.Database;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Locale;

/**
 * 8: the signed receipt of one person with a long history, as an auditor downloads it
 * ({@code GET /admin/realms/demo/consent/users/{id}/receipt/signed}): the history rows are seeded by SQL for seeded
 * user 1, the receipt is read as a stream (bytes counted, not kept), with the server's heap and resident memory
 * sampled meanwhile.
 */
final class ReceiptRun {
    record Result(long rows, long bytes, long firstByteMillis, long millis, Sampler.Memory memory) {
    }

    private ReceiptRun() {
    }

    static Result run(String baseUrl, Benchmark.Admin admin, Database db, Sampler sampler, int rows) throws Exception {
        String userId = "bench-" + "0".repeat(29) + "1";
        String realmId = db.text("select ID from REALM where NAME = ?", BenchData.REALM);
        String series = db.kind().equals("postgres") ? "(select g as n from generate_series(1, " + rows + ") g) s"
                : "(select X as n from SYSTEM_RANGE(1, " + rows + ")) s";
        db.execute("insert into IDC_CHOICE_HISTORY (REALM_ID, USER_ID, PURPOSE_KEY, CHANNEL, PURPOSE_VERSION, STATE,"
                + " VIA, ACTOR_USERNAME, ACTOR_KIND, CREATED_AT, SOURCE, EVIDENCE) select ?, ?, 'newsletter', 'email',"
                + " 1, case when MOD(n, 2) = 0 then 'granted' else 'denied' end, 'import', 'bench-receipt', 'admin',"
                + " ? + n, 'bench-archive', 'paper form ' || CAST(n AS VARCHAR) from " + series, realmId, userId,
                System.currentTimeMillis() - 86_400_000L);
        long history = db.count("select count(*) from IDC_CHOICE_HISTORY where USER_ID = ?", userId);
        Report.log("seeded " + rows + " history rows for " + userId + " (" + history + " in all)");
        HttpClient http = HttpClient.newHttpClient();
        long[] measured = new long[3]; // bytes, first byte, end
        Sampler.Memory[] memory = new Sampler.Memory[1];
        sampler.during(() -> {
            long start = System.nanoTime();
            HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/admin/realms/"
                    + BenchData.REALM + "/consent/users/" + userId + "/receipt/signed"))
                    .header("Authorization", "Bearer " + admin.token()).build(), HttpResponse.BodyHandlers.ofInputStream());
            if (r.statusCode() != 200) {
                throw new IllegalStateException("signed receipt: HTTP " + r.statusCode());
            }
            byte[] buffer = new byte[1 << 16];
            long dots = 0;
            try (InputStream in = r.body()) {
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                    if (measured[0] == 0 && n > 0) {
                        measured[1] = (System.nanoTime() - start) / 1_000_000;
                    }
                    for (int i = 0; i < n; i++) {
                        dots += buffer[i] == '.' ? 1 : 0;
                    }
                    measured[0] += n;
                }
            }
            measured[2] = (System.nanoTime() - start) / 1_000_000;
            if (dots != 2) {
                throw new IllegalStateException("the signed receipt is not a compact JWS (" + dots + " dots)");
            }
            return null;
        }, m -> memory[0] = m);
        Result result = new Result(history, measured[0], measured[1], measured[2], memory[0]);
        Report.log(String.format(Locale.ROOT, "signed receipt of %d rows: %.1f MB in %.1f s (first bytes after %d"
                + " ms)", history, result.bytes() / 1e6, result.millis() / 1000.0, result.firstByteMillis()));
        return result;
    }
}
