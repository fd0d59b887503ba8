package dev.idconsent.consent.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Collects what was measured and prints it as one Markdown table (also written to {@code results.md}). */
final class Report {
    private final List<String> environment = new ArrayList<>();
    private final Map<String, List<Gatling.Stats>> phases = new LinkedHashMap<>();
    private Seeder.Result seeded;
    private Scans.Scan audience;
    private Scans.Scan bareAudience;
    private Scans.Scan regional;
    private Scans.Scan frequencyChosen;
    private Scans.Scan frequencyDefault;
    private Scans.Scan search;
    private Scans.Scan feed1;
    private Scans.Scan feed2;
    private SqlCount.Result sql;
    private ImportRun.Result imported;
    private ReceiptRun.Result receipt;

    static void log(String line) {
        System.out.println("[bench] " + line);
        System.out.flush();
    }

    void environment(Benchmark.Settings s, String dbKind) {
        String cpu = "?";
        try {
            cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("?");
        } catch (Exception ignored) {
            // not Linux
        }
        environment.add("date: " + Instant.now());
        environment.add("machine: " + Runtime.getRuntime().availableProcessors() + " cores (" + cpu + "), "
                + Runtime.getRuntime().maxMemory() / (1 << 20) + " MiB heap for the load generator");
        environment.add("Java " + System.getProperty("java.version") + ", Keycloak "
                + System.getProperty("it.keycloak.version") + " start-dev, database " + dbKind
                + ", Gatling 3.14.9 in the same machine");
        environment.add("load average at start (1/5/15 min, the machine is shared): " + loadAverage());
        environment.add(s.importOnly()
                ? String.format(Locale.ROOT, "settings: %d seeded users, receipt (8, %d history rows) and import only (7:"
                        + " one row per seeded user)", s.users(), s.receiptRows())
                : s.scansOnly()
                ? String.format(Locale.ROOT, "settings: %d seeded users, scans only (5 and 6, no load phases), scan"
                        + " limit %d s", s.users(), s.scanLimit())
                : String.format(Locale.ROOT, "settings: %d seeded users, warm-up %d s, %d rounds of %d s per"
                + " phase, %d concurrent connections, scan limit %d s", s.users(), s.warmup(), s.rounds(),
                s.duration(), s.concurrency(), s.scanLimit()));
    }

    void seeded(Seeder.Result r) {
        seeded = r;
    }

    /** @param search null when not run (scans-only runs) */
    void scans(Scans.Scan audience, Scans.Scan bareAudience, Scans.Scan search) {
        this.audience = audience;
        this.bareAudience = bareAudience;
        this.search = search;
    }

    void regional(Scans.Scan scan) {
        regional = scan;
    }

    void frequencies(Scans.Scan chosen, Scans.Scan withDefault) {
        frequencyChosen = chosen;
        frequencyDefault = withDefault;
    }

    void feed(Scans.Scan first, Scans.Scan second) {
        feed1 = first;
        feed2 = second;
    }

    void throughput(int round, String phase, Gatling.Stats stats) {
        phases.computeIfAbsent(phase, p -> new ArrayList<>()).add(stats);
    }

    void sql(SqlCount.Result r) {
        sql = r;
    }

    void imported(ImportRun.Result r) {
        imported = r;
    }

    private AccountPageRun.Result page;

    void page(AccountPageRun.Result r) {
        page = r;
    }

    void receipt(ReceiptRun.Result r) {
        receipt = r;
    }

    /** Mean over the rounds of one phase. */
    private record Mean(double perSecond, double p50, double p99, long ko, String notes) {
    }

    private Mean mean(String phase) {
        List<Gatling.Stats> all = phases.getOrDefault(phase, List.of());
        if (all.isEmpty()) {
            return new Mean(Double.NaN, Double.NaN, Double.NaN, 0, "");
        }
        return new Mean(all.stream().mapToDouble(Gatling.Stats::okPerSecond).average().orElse(Double.NaN),
                all.stream().mapToDouble(Gatling.Stats::p50).average().orElse(Double.NaN),
                all.stream().mapToDouble(Gatling.Stats::p99).average().orElse(Double.NaN),
                all.stream().mapToLong(Gatling.Stats::ko).sum(),
                String.join("; ", all.stream().map(Gatling.Stats::note).filter(n -> n != null).toList()));
    }

    void print(Path file) throws Exception {
        Mean consent = mean("refresh-consent");
        Mean plain = mean("refresh-plain");
        Mean writeConsent = mean("write-consent");
        Mean writeAccount = mean("write-account");
        Mean unsubscribe = mean("unsubscribe");
        List<String> out = new ArrayList<>();
        environment.add("load average at the end: " + loadAverage());
        environment.forEach(l -> out.add("- " + l));
        out.add(String.format(Locale.ROOT, "- seeding: %d users, %d history rows in %.1f s", seeded.users(),
                seeded.historyRows(), seeded.millis() / 1000.0));
        out.add("");
        out.add("| # | figure | plugin | Keycloak alone | ratio / difference | goal |");
        out.add("|---|---|---|---|---|---|");
        if (!phases.isEmpty()) {
            out.add(row("1", "refresh-token grants/s (client with consent mapper + gated scope vs same client"
                    + " without)", f1(consent.perSecond()), f1(plain.perSecond()),
                    f2(consent.perSecond() / plain.perSecond()), "≥ 0.97"));
            out.add(row("1", "refresh p50 / p99 (ms)", ms(consent), ms(plain), "", ""));
            out.add(row("2", "SQL statements per refresh (" + sql.refreshes() + " sequential refreshes each)",
                    f2(sql.consentPerRefresh()), f2(sql.plainPerRefresh()),
                    String.format(Locale.ROOT, "%+.2f (%d on plugin tables or user attributes)",
                            sql.consentPerRefresh() - sql.plainPerRefresh(), sql.consentPluginStatements()), "+0"));
            out.add(row("3", "preference writes/s (POST …/consent/me/choices vs POST …/account/)",
                    f1(writeConsent.perSecond()), f1(writeAccount.perSecond()),
                    f2(writeConsent.perSecond() / writeAccount.perSecond()), "≥ 1.0"));
            out.add(row("3", "write p50 / p99 (ms)", ms(writeConsent), ms(writeAccount), "", ""));
            out.add(row("3", "SQL statements per write (" + sql.refreshes() + " sequential writes each)",
                    f1(sql.consentPerWrite()), f1(sql.accountPerWrite()), "", "≤ 6"));
            out.add(row("4", "one-click unsubscribe POSTs/s vs refresh grants/s (plain client)",
                    f1(unsubscribe.perSecond()), f1(plain.perSecond()),
                    f2(unsubscribe.perSecond() / plain.perSecond()), "≥ 1.0"));
            out.add(row("4", "unsubscribe p50 / p99 (ms)", ms(unsubscribe), "", "", ""));
        }
        if (audience != null) {
            out.add(row("5", "first page of 1000 (ms): audience vs admin search by attribute",
                    String.valueOf(audience.firstPageMillis()), search == null ? "" : String.valueOf(search.firstPageMillis()),
                    search == null ? "" : f2(audience.firstPageMillis() / (double) Math.max(1, search.firstPageMillis())),
                    "< 100 ms"));
            out.add(row("5", "whole audience: rows in seconds (rows/s); after the first page, pages of "
                    + Scans.AUDIENCE_PAGE + " (the admin search: " + Scans.PAGE + ")", scan(audience), search == null ? "" : scan(search),
                    search == null ? "" : f2(audience.rowsPerSecond() / search.rowsPerSecond()) + " × the rate",
                    "1M in < 20 s"));
            out.add(row("5", "the same without unsubscribe links (links=false): first page (ms); whole audience",
                    bareAudience.firstPageMillis() + "; " + scan(bareAudience), "",
                    String.format(Locale.ROOT, "links take %.0f%% of the time", 100.0
                            * (audience.millis() - audience.rows() * (bareAudience.millis() / (double) Math.max(1,
                            bareAudience.rows()))) / Math.max(1, audience.millis())), ""));
            if (regional != null) {
                out.add(row("5", "regional audience (rules for 3 regions, no links): first page (ms); whole audience",
                        regional.firstPageMillis() + "; " + scan(regional), "", "", "one query per page"));
            }
            if (frequencyChosen != null) {
                out.add(row("5", "audience with frequency=daily (a twelfth chose it; no links): first page (ms); whole",
                        frequencyChosen.firstPageMillis() + "; " + scan(frequencyChosen), "", "", ""));
                out.add(row("5", "audience with frequency=weekly (the default: a twelfth chose it, a twelfth chose none;"
                        + " no links): first page (ms); whole", frequencyDefault.firstPageMillis() + "; "
                        + scan(frequencyDefault), "", "", ""));
            }
            out.add(row("5", "server heap in use while scanning, MiB: before → peak", heap(audience.memory()),
                    search == null ? "" : heap(search.memory()), "", "flat"));
            out.add(row("5", "server resident memory while scanning, MiB: before → peak", rss(audience.memory()),
                    search == null ? "" : rss(search.memory()), "", "flat"));
            out.add(row("6", "change feed rows/s (1st pass numbers the rows, 2nd reads only)",
                    f0(feed1.rowsPerSecond()) + " / " + f0(feed2.rowsPerSecond()), "", feed1.rows() + " rows"
                            + (feed1.complete() && feed2.complete() ? "" : " (stopped at the scan limit)"), "≥ 20000"));
        }
        if (page != null) {
            out.add(row("9", String.format(Locale.ROOT, "account page, %d purposes, p50 ms: GET /me (the page before"
                    + " served notices) / POST /me/notices at a person's first load / at later loads", page.purposes()),
                    String.format(Locale.ROOT, "%.1f / %.1f / %.1f", page.readP50(), page.firstP50(), page.laterP50()),
                    "", page.people() + " people", ""));
        }
        if (receipt != null) {
            out.add(row("8", "signed receipt of one person (history rows): size, first bytes, whole", String.format(
                    Locale.ROOT, "%d rows: %.1f MB, %d ms, %.1f s (%.0f rows/s)", receipt.rows(), receipt.bytes() / 1e6,
                    receipt.firstByteMillis(), receipt.millis() / 1000.0, receipt.rows() * 1000.0
                            / Math.max(1, receipt.millis())), "", "", ""));
            out.add(row("8", "server heap in use / resident memory while signing, MiB: before → peak",
                    heap(receipt.memory()) + " / " + rss(receipt.memory()), "", "", "flat"));
        }
        if (imported != null) {
            ImportRun.Pass first = imported.first();
            ImportRun.Pass again = imported.second();
            out.add(row("7", "legacy import (CSV by email, parts of " + ImportRun.PART + " rows): rows/s, first pass"
                    + " (records) / same file again (all duplicates)", f0(first.rowsPerSecond()) + " / "
                    + f0(again.rowsPerSecond()), "", String.format(Locale.ROOT, "%d rows in %.1f s / %.1f s",
                    first.rows(), first.millis() / 1000.0, again.millis() / 1000.0), ""));
            out.add(row("7", "import outcomes: imported, skipped, refused (1st / 2nd pass); rows in the history",
                    first.imported() + ", " + first.skipped() + ", " + first.refused() + " / " + again.imported()
                            + ", " + again.skipped() + ", " + again.refused() + "; " + again.recordedRows(), "",
                    "", "all / none"));
            out.add(row("7", "server heap in use while importing, MiB: before → peak (1st / 2nd pass)",
                    heap(first.memory()) + " / " + heap(again.memory()), "", "", "flat"));
            out.add(row("7", "server resident memory while importing, MiB: before → peak (1st / 2nd pass)",
                    rss(first.memory()) + " / " + rss(again.memory()), "", "", "flat"));
        }
        if (!phases.isEmpty()) {
            long failures = consent.ko() + plain.ko() + writeConsent.ko() + writeAccount.ko() + unsubscribe.ko();
            out.add("");
            out.add("Failed requests during the measured phases: " + failures + (unsubscribe.notes().isEmpty() ? ""
                    : "; unsubscribe: " + unsubscribe.notes()));
            out.add("Per round: " + String.join(", ", phases.entrySet().stream().map(e -> e.getKey() + " "
                    + String.join("/", e.getValue().stream().map(s -> f1(s.okPerSecond())).toList())).toList()));
        }
        Files.write(file, out);
        System.out.println();
        System.out.println("=== Benchmark results (also in " + file + ") ===");
        out.forEach(System.out::println);
    }

    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (Exception e) {
            return "?";
        }
    }

    private static String row(String... cells) {
        return "| " + String.join(" | ", cells) + " |";
    }

    private static String ms(Mean m) {
        return f0(m.p50()) + " / " + f0(m.p99());
    }

    private static String scan(Scans.Scan s) {
        return String.format(Locale.ROOT, "%d in %.1f s (%.0f/s)%s", s.rows(), s.millis() / 1000.0,
                s.rowsPerSecond(), s.complete() ? "" : ", stopped at the limit");
    }

    private static String heap(Sampler.Memory m) {
        return m == null ? "" : (m.heapBefore() >> 20) + " → " + (m.heapPeak() >> 20);
    }

    private static String rss(Sampler.Memory m) {
        return m == null ? "" : (m.rssBefore() >> 20) + " → " + (m.rssPeak() >> 20);
    }

    private static String f0(double v) {
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%.0f", v);
    }

    private static String f1(double v) {
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%.1f", v);
    }

    private static String f2(double v) {
        return Double.isNaN(v) || Double.isInfinite(v) ? "–" : String.format(Locale.ROOT, "%.2f", v);
    }
}
