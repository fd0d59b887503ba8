package dev.idconsent.consent.it;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** What every Keycloak started from the distribution needs: free ports, waiting for ready, and a clean stop. */
final class KeycloakProcess {
    private KeycloakProcess() {
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** Polls {@code /health/ready} on the management port (not the HTTP port, which opens earlier). */
    static void awaitReady(Process process, int managementPort, Duration timeout, Path log) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Keycloak exited with " + process.exitValue() + "; see " + log);
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + managementPort + "/health/ready")).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(500);
        }
        stop(process);
        throw new IllegalStateException("Keycloak was not ready within " + timeout + "; see " + log);
    }

    /** kc.sh starts Java as a child: end the children too, or they outlive the build. */
    static void stop(Process process) {
        for (ProcessHandle p : all(process)) {
            p.destroy();
        }
        for (ProcessHandle p : all(process)) {
            try {
                p.onExit().get(60, TimeUnit.SECONDS);
            } catch (Exception e) {
                p.destroyForcibly();
            }
        }
    }

    /** {@code kill -9}: no shutdown hook, no flush, in-flight requests cut off. */
    static void kill(Process process) throws Exception {
        List<ProcessHandle> all = all(process);
        all.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle p : all) {
            p.onExit().get(30, TimeUnit.SECONDS);
        }
    }

    private static List<ProcessHandle> all(Process process) {
        List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
        all.add(process.toHandle());
        return all;
    }
}
