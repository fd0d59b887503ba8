package dev.idconsent.consent.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Keycloak from the distribution zip (unpacked by Maven into {@code target/}, with the built JAR in
 * {@code providers/}), started with {@code kc.sh start-dev} on free ports and the demo realm imported.
 */
public final class DistributionServer implements KeycloakServer {
    private static final Duration START_TIMEOUT = Duration.ofMinutes(4);

    private final Path home;
    private final Database database;
    private final Path log;
    private final int port;
    private final int management;
    private final Process process;

    public DistributionServer() throws Exception {
        this(List.of());
    }

    /** @param extraOptions more {@code kc.sh start-dev} options, e.g. {@code --metrics-enabled=true} (the benchmark) */
    public DistributionServer(List<String> extraOptions) throws Exception {
        home = Path.of(required("it.keycloak.home"));
        if (!Files.isExecutable(home.resolve("bin/kc.sh"))) {
            throw new IllegalStateException(home + " holds no Keycloak distribution; run the build through Maven"
                    + " (mvn verify), which unpacks it");
        }
        database = Database.forRun(System.getProperty("it.db", "h2"), home);
        database.recreate(home);
        Path imports = home.resolve("data/import");
        Files.createDirectories(imports);
        Files.copy(Path.of(required("it.realm.file")), imports.resolve("demo-realm.json"),
                StandardCopyOption.REPLACE_EXISTING);
        Path logDir = Path.of(System.getProperty("it.log.dir", "target/it-logs"));
        Files.createDirectories(logDir);
        log = logDir.resolve("keycloak-" + database.kind() + ".log");
        port = KeycloakProcess.freePort();
        management = KeycloakProcess.freePort();

        List<String> command = new ArrayList<>(List.of(home.resolve("bin/kc.sh").toString(), "start-dev",
                "--http-host=127.0.0.1", "--http-port=" + port, "--http-management-port=" + management,
                "--health-enabled=true", "--import-realm",
                // the admin console's catalog page (declarative UI, experimental in 26.7)
                "--features=declarative-ui",
                // /metrics on the management port (MetricsIT); webhook deliveries looked for every second (WebhooksIT)
                "--metrics-enabled=true", "--spi-idc-webhooks--default--interval-millis=1000",
                // yeses with a lifetime of seconds expire within a second (LifecycleIT, ConsentStepIT)
                "--spi-idc-consent--default--expiry-interval-seconds=1",
                "--spi-idc-consent--default--sender-watch-interval-seconds=1",
                // the tests' webhook receivers listen on loopback, which webhooks may not reach by default
                "--spi-idc-webhooks--default--allowed-destinations=127.0.0.1",
                // SQL statements in the log: the zero-SQL-on-the-token-path test reads them
                "--log-level=INFO,org.hibernate.SQL:debug"));
        command.addAll(database.keycloakOptions());
        command.addAll(extraOptions);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().put("KC_BOOTSTRAP_ADMIN_USERNAME", ADMIN_USER);
        builder.environment().put("KC_BOOTSTRAP_ADMIN_PASSWORD", ADMIN_PASSWORD);
        String javaHome = System.getProperty("it.java.home", System.getProperty("java.home"));
        builder.environment().put("JAVA_HOME", javaHome);
        process = builder.start();
        KeycloakProcess.awaitReady(process, management, START_TIMEOUT, log);
    }

    @Override
    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    /** e.g. {@code http://127.0.0.1:41235}: health and metrics. */
    @Override
    public Optional<String> managementUrl() {
        return Optional.of("http://127.0.0.1:" + management);
    }

    @Override
    public Path log() {
        return log;
    }

    /** The server's JVM (kc.sh starts it as a child, or execs it after a re-augmentation). */
    public ProcessHandle jvm() {
        return process.descendants().filter(p -> p.info().command().orElse("").endsWith("java")).findFirst()
                .orElse(process.toHandle());
    }

    @Override
    public Optional<Database> database() {
        return Optional.of(database);
    }

    @Override
    public void close() {
        KeycloakProcess.stop(process);
    }

    private static String required(String property) {
        String value = System.getProperty(property);
        if (value == null) {
            throw new IllegalStateException("system property " + property + " is not set; run the tests through Maven");
        }
        return value;
    }
}
