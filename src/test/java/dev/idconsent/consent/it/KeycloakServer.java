package dev.idconsent.consent.it;

import java.nio.file.Path;
import java.util.Optional;

/**
 * A real Keycloak with the plugin installed and the demo realm imported. Selected with {@code -Dit.backend}:
 * {@code distribution} (default; the zip from Maven Central, no Docker) or {@code container}
 * (testcontainers-keycloak, for machines with Docker; build with {@code -Pcontainers}).
 */
public interface KeycloakServer extends AutoCloseable {
    String ADMIN_USER = "admin";
    String ADMIN_PASSWORD = "admin";

    /** e.g. {@code http://127.0.0.1:41234}, without a trailing slash. */
    String baseUrl();

    /** The management interface ({@code /metrics}, {@code /health}), where the backend exposes it to the tests. */
    default Optional<String> managementUrl() {
        return Optional.empty();
    }

    /** The server's log, for assertions on what it did and for reading after a failure. */
    Path log();

    /** Direct access to the server's database, where the backend allows it. */
    Optional<Database> database();

    @Override
    void close();
}
