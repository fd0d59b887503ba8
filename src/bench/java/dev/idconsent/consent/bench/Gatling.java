package dev.idconsent.consent.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

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
        CONSOLE.take(); // what came before this run
        Path results = dir.resolve("gatling").resolve(String.format("%02d-%s", RUNS.incrementAndGet(), phase));
        Files.createDirectories(results);
        CONSOLE.passThrough = false; // Gatling's own console output goes to console.txt of the run
        int status;
        try {
            status = io.gatling.app.Gatling$.MODULE$.fromArgs(new String[] {
                "--simulation", BenchSimulation.class.getName(),
                "--results-folder", results.toString(),
                "--run-description", phase,
                "--launcher", "maven"});
        } finally {
            CONSOLE.passThrough = true;
        }
        // Gatling 3.14's HTML report keeps its figures in script, not JSON: read its closing console summary
        // (its labels are stable) from what this run printed
        String printed = CONSOLE.take();
        Files.writeString(results.resolve("console.txt"), printed);
        if (status != 0 || !printed.contains("Global Information")) {
            throw new IllegalStateException("Gatling ended with status " + status + " and no summary for " + phase
                    + "; see " + results);
        }
        String global = printed.substring(printed.lastIndexOf("Global Information"));
        Stats s = new Stats(phase, (long) cell(global, "request count", 1), (long) cell(global, "request count", 2),
                cell(global, "mean throughput (rps)", 1), cell(global, "response time 50th percentile (ms)", 1),
                cell(global, "response time 99th percentile (ms)", 1), null);
        Report.log(String.format(java.util.Locale.ROOT, "%-16s %6d ok %4d failed  %8.1f/s  p50 %4.0f ms  p99 %5.0f ms",
                phase, s.ok(), s.ko(), s.okPerSecond(), s.p50(), s.p99()));
        if (s.ko() > 0) {
            Report.log("  failures of " + phase + ": see " + results + " (simulation.log) and the server log");
        }
        return s;
    }

    /** Column {@code column} (0 total, 1 OK, 2 KO) of the summary line {@code label}; "-" is 0. */
    private static double cell(String summary, String label, int column) {
        for (String line : summary.lines().toList()) {
            if (line.startsWith("> " + label + " ")) {
                String value = line.split("\\|")[column + 1].trim();
                return value.equals("-") ? 0 : Double.parseDouble(value.replace(",", ""));
            }
        }
        throw new IllegalStateException("no '" + label + "' in Gatling's summary:\n" + summary);
    }

    /** Everything printed to stdout, passed on and kept until taken; installed before Gatling's classes load. */
    static final Console CONSOLE = new Console();

    static final class Console extends java.io.OutputStream {
        private final java.io.PrintStream original = System.out;
        private final java.io.ByteArrayOutputStream kept = new java.io.ByteArrayOutputStream();

        void install() {
            System.setOut(new java.io.PrintStream(this, true, java.nio.charset.StandardCharsets.UTF_8));
        }

        volatile boolean passThrough = true;

        @Override
        public synchronized void write(int b) {
            if (passThrough) {
                original.write(b);
            }
            kept.write(b);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            if (passThrough) {
                original.write(b, off, len);
            }
            kept.write(b, off, len);
        }

        @Override
        public void flush() {
            original.flush();
        }

        synchronized String take() {
            String s = kept.toString(java.nio.charset.StandardCharsets.UTF_8);
            kept.reset();
            return s;
        }
    }
}
