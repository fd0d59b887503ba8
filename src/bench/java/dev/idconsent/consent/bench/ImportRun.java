package dev.idconsent.consent.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.idconsent.consent.it.Api;
import dev.idconsent.consent.it.Database;
import java.util.Locale;

/**
 * 7: a legacy opt-out list imported through {@code POST /admin/realms/demo/consent/import}, as an administrator
 * moving from a mailing tool would send it: one CSV row per seeded user, by email address, "no" to
 * {@code product-updates} by email at an original time, with source and evidence. The file is sent in parts under
 * the server's request size limit (Quarkus' 10 MB), each with its {@code firstRow}, one after another; the answer
 * is read to its summary line. The same file is imported twice: the first pass records every row, the second
 * finds them all recorded ({@code skipped duplicate}) and writes nothing. The server's heap and resident memory
 * are sampled meanwhile; the rows in the database are counted after each pass.
 */
final class ImportRun {
    static final String PATH = "/admin/realms/" + BenchData.REALM + "/consent/import";
    static final String SOURCE = "bench-legacy-mailer";
    /** About 8 MB of CSV per request. */
    static final int PART = 80_000;

    /** One pass over the whole file. */
    record Pass(String what, long rows, long imported, long skipped, long refused, long millis, long recordedRows,
                Sampler.Memory memory) {
        double rowsPerSecond() {
            return millis == 0 ? Double.NaN : rows * 1000.0 / millis;
        }
    }

    record Result(Pass first, Pass second) {
    }

    private final Api api;
    private final Benchmark.Admin admin;
    private final Database db;
    private final Sampler sampler;

    ImportRun(Api api, Benchmark.Admin admin, Database db, Sampler sampler) {
        this.api = api;
        this.admin = admin;
        this.db = db;
        this.sampler = sampler;
    }

    Result run(int users) throws Exception {
        Pass first = pass("import", users);
        Pass second = pass("import again", users);
        return new Result(first, second);
    }

    private Pass pass(String what, int users) throws Exception {
        long[] counts = new long[3]; // imported, skipped, refused
        Sampler.Memory[] memory = new Sampler.Memory[1];
        long start = System.nanoTime();
        sampler.during(() -> {
            for (int from = 1; from <= users; from += PART) {
                int to = Math.min(users, from + PART - 1);
                JsonNode summary = send(from, to);
                counts[0] += summary.get("imported").asLong();
                counts[1] += summary.get("skipped").asLong();
                counts[2] += summary.get("refused").asLong();
                Report.log(String.format(Locale.ROOT, "%s: rows %d–%d done after %.1f s", what, from, to,
                        (System.nanoTime() - start) / 1e9));
            }
            return null;
        }, m -> memory[0] = m);
        long millis = (System.nanoTime() - start) / 1_000_000;
        long recorded = db.count("select count(*) from IDC_CHOICE_HISTORY where SOURCE = ?", SOURCE);
        Pass pass = new Pass(what, users, counts[0], counts[1], counts[2], millis, recorded, memory[0]);
        Report.log(String.format(Locale.ROOT, "%-16s %8d rows in %7.1f s (%.0f rows/s): %d imported, %d skipped,"
                        + " %d refused; %d rows of this source in the history", what, users, millis / 1000.0,
                pass.rowsPerSecond(), counts[0], counts[1], counts[2], recorded));
        return pass;
    }

    /** One part of the file: rows {@code from}..{@code to} (row n is seeded user n). */
    private JsonNode send(int from, int to) {
        StringBuilder csv = new StringBuilder((to - from + 2) * 110);
        csv.append("user,purpose,channel,state,at,source,evidence\n");
        for (int n = from; n <= to; n++) {
            csv.append("bench").append(n).append("@example.com,product-updates,email,denied,")
                    .append("2025-06-01T10:00:00Z,").append(SOURCE).append(",list-export-2025-06 line ").append(n)
                    .append('\n');
        }
        Api.Reply r = api.send("POST", PATH + "?firstRow=" + from, admin.token(), csv.toString(),
                "Content-Type", "text/csv");
        Benchmark.check(r, 200, "import of rows " + from + "–" + to);
        String body = r.body();
        int last = body.lastIndexOf("{\"summary\"");
        if (last < 0) {
            throw new IllegalStateException("import of rows " + from + "–" + to + " ended without a summary: "
                    + body.substring(Math.max(0, body.length() - 500)));
        }
        JsonNode summary;
        try {
            summary = Api.JSON.readTree(body.substring(last)).get("summary");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        if (!summary.get("complete").asBoolean()) {
            throw new IllegalStateException("import of rows " + from + "–" + to + " stopped: " + summary);
        }
        return summary;
    }
}
