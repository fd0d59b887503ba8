package dev.idconsent.consent.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One Keycloak node of a cluster on this machine (production mode {@code kc.sh start}, PostgreSQL, Infinispan
 * over JGroups on loopback with JDBC_PING discovery), in its own copy of the distribution so nodes can build and
 * be killed independently. {@code cache = "local"} starts a node that shares the database but not its caches:
 * what a broken invalidation would look like.
 */
public final class ClusterNode implements KeycloakServer {
    private static final Duration START_TIMEOUT = Duration.ofMinutes(5);

    private final String name;
    private final Path home;
    private final Database database;
    private final Path log;
    private final int port;
    private final int management;
    private final int jgroups;
    private String hostname;
    private String cache = "ispn";
    private boolean importRealm;
    private Process process;

    /** A node named {@code name} in {@code target/kc-<name>}, a copy of the tested distribution. */
    public ClusterNode(String name, Database database) throws IOException {
        this.name = name;
        this.database = database;
        Path source = Path.of(System.getProperty("it.keycloak.home"));
        home = source.resolveSibling("kc-" + name);
        delete(home); // a fresh copy: the provider JAR of this build, no state of an earlier run
        copy(source, home);
        Path logDir = Path.of(System.getProperty("it.log.dir", "target/it-logs"));
        Files.createDirectories(logDir);
        log = logDir.resolve("keycloak-" + name + ".log");
        port = KeycloakProcess.freePort();
        management = KeycloakProcess.freePort();
        jgroups = KeycloakProcess.freePort();
        hostname = baseUrl();
    }

    /** Every node must announce the same issuer, or tokens of one are refused by the other. */
    public ClusterNode hostname(String url) {
        hostname = url;
        return this;
    }

    public ClusterNode cache(String kind) {
        cache = kind;
        return this;
    }

    public ClusterNode importRealm() throws IOException {
        importRealm = true;
        Path imports = home.resolve("data/import");
        Files.createDirectories(imports);
        Files.copy(Path.of(System.getProperty("it.realm.file")), imports.resolve("demo-realm.json"),
                StandardCopyOption.REPLACE_EXISTING);
        return this;
    }

    public ClusterNode start() throws Exception {
        List<String> command = new ArrayList<>(List.of(home.resolve("bin/kc.sh").toString(), "start",
                "--http-enabled=true", "--http-host=127.0.0.1", "--http-port=" + port,
                "--http-management-port=" + management, "--health-enabled=true", "--hostname=" + hostname,
                "--cache=" + cache,
                // WebhooksClusterRT's receiver listens on loopback, which webhooks may not reach by default
                "--spi-idc-webhooks--default--allowed-destinations=127.0.0.1",
                // ClusterRT's pauses end within seconds: both nodes look every second
                "--spi-idc-consent--default--expiry-interval-seconds=1"));
        if (cache.equals("ispn")) {
            command.addAll(List.of("--cache-stack=jdbc-ping", "--cache-embedded-network-bind-address=127.0.0.1",
                    "--cache-embedded-network-bind-port=" + jgroups, "--spi-cache-embedded--default--node-name=" + name));
        }
        if (importRealm) {
            command.add("--import-realm");
        }
        command.addAll(database.keycloakOptions());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().put("KC_BOOTSTRAP_ADMIN_USERNAME", ADMIN_USER);
        builder.environment().put("KC_BOOTSTRAP_ADMIN_PASSWORD", ADMIN_PASSWORD);
        builder.environment().put("JAVA_HOME", System.getProperty("it.java.home", System.getProperty("java.home")));
        // the failure-detection port right next to the data port, and no probing of the neighbours' ports
        builder.environment().put("JAVA_OPTS_APPEND", "-Djgroups.fd.port-offset=1 -Djgroups.port_range=0");
        process = builder.start();
        KeycloakProcess.awaitReady(process, management, START_TIMEOUT, log);
        return this;
    }

    /** {@code kill -9} of the node's JVM: no shutdown hook, no flush, in-flight requests cut off. */
    public void kill() throws Exception {
        KeycloakProcess.kill(process);
    }

    @Override
    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    @Override
    public Path log() {
        return log;
    }

    @Override
    public Optional<Database> database() {
        return Optional.of(database);
    }

    @Override
    public void close() {
        if (process != null) {
            KeycloakProcess.stop(process);
        }
    }

    private static void copy(Path from, Path to) throws IOException {
        try (var files = Files.walk(from)) {
            for (Path p : files.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else if (!p.toString().contains("/data/")) {
                    Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    private static void delete(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
