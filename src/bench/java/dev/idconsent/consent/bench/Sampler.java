package dev.idconsent.consent.bench;

import dev.idconsent.consent.it.DistributionServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The server's memory while a scan runs: heap in use (Keycloak's {@code /metrics}, summed over the heap pools) and
 * the JVM's resident set size ({@code /proc/<pid>/status}), sampled on a thread of its own: the resident size every
 * 200 ms, the heap every second (a scrape of {@code /metrics} costs the server: at every 200 ms it was 8 % of the
 * server's CPU samples during an audience scan, docs/BENCHMARKS.md).
 */
final class Sampler {
    record Memory(long heapBefore, long heapPeak, long rssBefore, long rssPeak) {
    }

    private final String metrics;
    private final long pid;
    private final HttpClient http = HttpClient.newHttpClient();

    Sampler(DistributionServer server) {
        this.metrics = server.managementUrl().orElseThrow() + "/metrics";
        this.pid = server.jvm().pid();
    }

    /** Runs {@code work} while sampling. */
    <T> T during(java.util.concurrent.Callable<T> work, java.util.function.Consumer<Memory> memory) throws Exception {
        long heapBefore = heap();
        long rssBefore = rss();
        long[] peaks = {heapBefore, rssBefore};
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        Thread thread = Thread.ofPlatform().daemon().start(() -> {
            for (int i = 0; !done.get(); i++) {
                long h = i % 5 == 0 ? heap() : 0;
                long r = rss();
                synchronized (peaks) {
                    peaks[0] = Math.max(peaks[0], h);
                    peaks[1] = Math.max(peaks[1], r);
                }
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        try {
            return work.call();
        } finally {
            done.set(true);
            thread.join();
            synchronized (peaks) {
                memory.accept(new Memory(heapBefore, peaks[0], rssBefore, peaks[1]));
            }
        }
    }

    long heap() {
        try {
            String body = http.send(HttpRequest.newBuilder(URI.create(metrics)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            return body.lines().filter(l -> l.startsWith("jvm_memory_used_bytes{") && l.contains("area=\"heap\""))
                    .mapToLong(l -> (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
        } catch (Exception e) {
            return 0;
        }
    }

    long rss() {
        try {
            return Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream()
                    .filter(l -> l.startsWith("VmRSS:")).mapToLong(l -> Long.parseLong(l.replaceAll("\\D", "")) * 1024)
                    .findFirst().orElse(0);
        } catch (Exception e) {
            return 0;
        }
    }
}
