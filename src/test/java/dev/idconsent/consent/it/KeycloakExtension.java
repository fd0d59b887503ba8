package dev.idconsent.consent.it;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts one Keycloak for the whole test JVM on first use and stops it when all tests are done.
 * Test classes declare {@code @ExtendWith(KeycloakExtension.class)} and use {@link #server()}.
 */
public final class KeycloakExtension implements BeforeAllCallback {
    private static KeycloakServer server;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        synchronized (KeycloakExtension.class) {
            if (server == null) {
                server = start();
                KeycloakServer started = server;
                context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                        .put(KeycloakExtension.class, (ExtensionContext.Store.CloseableResource) started::close);
            }
        }
    }

    /** The server's database for tests that count rows; the test is skipped on a backend that gives no access. */
    public static Database database() {
        return server().database().orElseThrow(() ->
                new org.opentest4j.TestAbortedException("this backend gives no database access"));
    }

    public static KeycloakServer server() {
        if (server == null) {
            throw new IllegalStateException("annotate the test class with @ExtendWith(KeycloakExtension.class)");
        }
        return server;
    }

    private static KeycloakServer start() throws Exception {
        String backend = System.getProperty("it.backend", "distribution");
        return switch (backend) {
            case "distribution" -> new DistributionServer();
            // compiled only with -Pcontainers, so the default build needs no Docker libraries
            case "container" -> (KeycloakServer) Class.forName("dev.idconsent.consent.it.ContainerServer")
                    .getConstructor().newInstance();
            default -> throw new IllegalArgumentException("it.backend must be distribution or container, not "
                    + backend);
        };
    }
}
