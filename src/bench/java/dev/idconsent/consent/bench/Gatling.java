package dev.idconsent.consent.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/** Runs {@link BenchSimulation} in this JVM through Gatling's launcher and reads its figures from the report. */
final class Gatling {
    private static final AtomicInteger RUNS = new AtomicInteger();

    /** Figures of one run: all requests, whatever their kind. Response times in ms (Gatling's resolution). */
    record Stats(String phase, long ok, long ko, double okPerSecond, double p50, double p99, String note) {
        Stats withNote(String note) {
            return new Stats(phase, ok, ko, okPerSecond, p50, p99, note);
        }
    }

    private Gatling() {
    }

    static Stats run(BenchData data, String phase, int seconds, int concurrency, Path dir) throws Exception {
        data.phase = phase;
        data.seconds = seconds;
        data.concurrency = concurrency;
        BenchData.current = data;
        Path results = dir.resolve("gatling").resolve(String.format("%02d-%s", RUNS.incrementAndGet(), phase));
        Files.createDirectories(results);
        int status = io.gatling.app.Gatling$.MODULE$.fromArgs(new String[] {
            "--simulation", BenchSimulation.class.getName(),
            "--results-folder", results.toString(),
            "--run-description", phase,
            "--launcher", "maven"});
        Path statsFile;
        try (Stream<Path> files = Files.walk(results)) {
            statsFile = files.filter(p -> p.endsWith(Path.of("js", "stats.json"))).findFirst()
                    .orElseThrow(() -> new IllegalStateException("Gatling (status " + status + ") wrote no report"
                            + " for " + phase + " under " + results));
        }
        JsonNode stats = new ObjectMapper().readTree(statsFile.toFile()).get("stats");
        Stats s = new Stats(phase, number(stats.path("numberOfRequests").path("ok")),
                number(stats.path("numberOfRequests").path("ko")),
                decimal(stats.path("meanNumberOfRequestsPerSecond").path("ok")),
                decimal(stats.path("percentiles1").path("ok")), decimal(stats.path("percentiles4").path("ok")), null);
        Report.log(String.format(java.util.Locale.ROOT, "%-16s %6d ok %4d failed  %8.1f/s  p50 %4.0f ms  p99 %5.0f ms",
                phase, s.ok(), s.ko(), s.okPerSecond(), s.p50(), s.p99()));
        if (s.ko() > 0) {
            Report.log("  failures of " + phase + ": see " + results + " (simulation.log) and the server log");
        }
        return s;
    }

    private static long number(JsonNode n) {
        return n.isNumber() ? n.asLong() : n.isTextual() && n.asText().matches("\\d+") ? Long.parseLong(n.asText()) : 0;
    }

    private static double decimal(JsonNode n) {
        if (n.isNumber()) {
            return n.asDouble();
        }
        try {
            return Double.parseDouble(n.asText());
        } catch (NumberFormatException none) {
            return Double.NaN;
        }
    }
}
