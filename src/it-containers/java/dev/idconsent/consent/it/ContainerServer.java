package dev.idconsent.consent.it;

import dasniko.testcontainers.keycloak.KeycloakContainer;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.output.OutputFrame;
import org.testcontainers.utility.MountableFile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Keycloak in a container (testcontainers-keycloak) with the built provider JAR and the demo realm, for machines
 * with Docker. Selected by {@code mvn verify -Pcontainers} (which sets {@code it.backend=container} and compiles
 * this class); the default build uses {@link DistributionServer} and needs no Docker.
 *
 * <p>The server runs {@code start-dev} on its embedded H2 inside the container, so {@link #database()} is empty
 * and tests that read the database directly are skipped. The container's output is written to
 * {@code keycloak-container.log} under {@code it.log.dir}, so log-reading tests work as with the distribution.
 */
public final class ContainerServer implements KeycloakServer {
    /**
     * The Keycloak version this plugin is built against (the pom's {@code keycloak.version}, passed by failsafe);
     * {@code -Dit.keycloak.image} overrides the image.
     */
    static final String IMAGE = "quay.io/keycloak/keycloak:" + System.getProperty("it.keycloak.version");
    private static final Duration START_TIMEOUT = Duration.ofMinutes(4);

    private final KeycloakContainer container;
    private final Path log;
    private final Writer logWriter;
    private boolean logClosed; // guarded by logWriter

    public ContainerServer() throws IOException {
        if (!DockerClientFactory.instance().isDockerAvailable()) {
            throw new IllegalStateException("-Pcontainers / -Dit.backend=container needs a Docker environment, and"
                    + " none was found; run without the profile to test against the Keycloak distribution");
        }
        Path jar = Path.of(required("it.provider.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " does not exist; run the tests through Maven (mvn verify -Pcontainers),"
                    + " which builds it first");
        }
        Path realm = Path.of(required("it.realm.file"));
        Path logDir = Path.of(System.getProperty("it.log.dir", "target/it-logs"));
        Files.createDirectories(logDir);
        log = logDir.resolve("keycloak-container.log");
        logWriter = Files.newBufferedWriter(log, StandardCharsets.UTF_8); // truncates an earlier run's log

        KeycloakContainer started = null;
        try {
            // the image is resolved (pulled) already here, so construct inside the try as well
            started = new KeycloakContainer(System.getProperty("it.keycloak.image", IMAGE))
                    .withAdminUsername(ADMIN_USER)
                    .withAdminPassword(ADMIN_PASSWORD)
                    // as the distribution backend: the admin console's catalog page (declarative UI)
                    .withFeaturesEnabled("declarative-ui")
                    // same file names as the distribution backend; the container adds --import-realm itself
                    .withCopyFileToContainer(MountableFile.forHostPath(jar, 0644),
                            "/opt/keycloak/providers/keycloak-consent.jar")
                    .withCopyFileToContainer(MountableFile.forHostPath(realm, 0644),
                            "/opt/keycloak/data/import/demo-realm.json")
                    // SQL statements in the log: the zero-SQL-on-the-token-path test reads them
                    // (= --log-level=INFO,org.hibernate.SQL:debug, as DistributionServer passes it)
                    .withEnv("KC_LOG_LEVEL", "INFO,org.hibernate.SQL:debug")
                    // yeses with a lifetime of seconds expire within a second (AccountPageIT, ConsentStepIT)
                    .withEnv("KC_SPI_IDC_CONSENT__DEFAULT__EXPIRY_INTERVAL_SECONDS", "1")
                    .withStartupTimeout(START_TIMEOUT)
                    .withLogConsumer(this::writeLog);
            started.start();
        } catch (RuntimeException e) {
            stop(started);
            throw new IllegalStateException("Keycloak container did not start; see " + log, e);
        }
        container = started;
    }

    /** Frames arrive one line at a time, with their line ending; flushed at once so tests can read the file. */
    private void writeLog(OutputFrame frame) {
        if (frame.getType() == OutputFrame.OutputType.END) {
            return;
        }
        synchronized (logWriter) {
            if (logClosed) {
                return; // the last lines of a stopping container
            }
            try {
                logWriter.write(frame.getUtf8String());
                logWriter.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @Override
    public String baseUrl() {
        return container.getAuthServerUrl(); // http://<docker host>:<mapped port>, no context path, no trailing slash
    }

    @Override
    public Path log() {
        return log;
    }

    @Override
    public Optional<Database> database() {
        return Optional.empty();
    }

    @Override
    public void close() {
        stop(container);
    }

    private void stop(KeycloakContainer c) {
        try {
            if (c != null) {
                c.stop();
            }
        } finally {
            synchronized (logWriter) {
                logClosed = true;
                try {
                    logWriter.close();
                } catch (IOException ignored) {
                    // nothing left to do with the log
                }
            }
        }
    }

    private static String required(String property) {
        String value = System.getProperty(property);
        if (value == null) {
            throw new IllegalStateException("system property " + property + " is not set; run the tests through Maven");
        }
        return value;
    }
}
