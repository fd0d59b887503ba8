package dev.idconsent.consent.it;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The SQL statements a server logged ({@code org.hibernate.SQL} at debug, as {@link DistributionServer} starts it):
 * take a mark, make requests, read what was logged since. Used by ClaimsIT and the benchmark.
 */
public final class SqlLog {
    private SqlLog() {
    }

    /** The log's size once it stopped growing for 300 ms: what the last request caused has been written. */
    public static long settledSize(Path log) throws IOException, InterruptedException {
        long size = Files.size(log);
        for (int i = 0; i < 50; i++) {
            Thread.sleep(300);
            long now = Files.size(log);
            if (now == size) {
                return size;
            }
            size = now;
        }
        return size;
    }

    /**
     * SQL statements requests made after {@code offset}, lower-cased. Background work is left out: Keycloak's timer
     * thread (where the webhook deliverer looks for due endpoints) and the deliverer's own threads.
     */
    public static List<String> sqlSince(Path log, long offset) throws IOException {
        try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
            file.seek(offset);
            byte[] rest = new byte[(int) (file.length() - offset)];
            file.readFully(rest);
            return new String(rest, StandardCharsets.UTF_8).lines()
                    .filter(l -> l.contains("org.hibernate.SQL"))
                    .map(l -> l.toLowerCase(Locale.ROOT))
                    .filter(l -> !l.contains("(timer-") && !l.contains("(idc-webhooks-")).toList();
        }
    }
}
