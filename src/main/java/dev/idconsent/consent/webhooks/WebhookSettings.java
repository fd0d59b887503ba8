package dev.idconsent.consent.webhooks;

import java.util.List;
import org.keycloak.Config;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;

/**
 * The deliverer's settings, {@code --spi-idc-webhooks--default--<key>}, with their defaults.
 *
 * @param intervalMillis       how often due endpoints are looked for (at least 1000: Keycloak's cluster-aware task
 *                             runner counts whole seconds)
 * @param batchSize            at most this many changes per POST
 * @param connectTimeoutMillis to open the connection to a receiver
 * @param requestTimeoutMillis for the whole exchange: look-up, connect, request, and the answer to its last byte
 * @param retryBaseSeconds     default first wait after a failure for new endpoints
 * @param retryMaxSeconds      default longest wait between attempts for new endpoints
 * @param threads              threads of one node that prepare deliveries and record their outcomes
 * @param allowedDestinations  hosts, addresses and ranges inside a network that webhooks may reach all the same
 */
public record WebhookSettings(long intervalMillis, int batchSize, int connectTimeoutMillis, int requestTimeoutMillis,
                              int retryBaseSeconds, int retryMaxSeconds, int threads,
                              WebhookDestinations allowedDestinations) {
    static final String INTERVAL = "interval-millis";
    static final String BATCH = "batch-size";
    static final String CONNECT_TIMEOUT = "connect-timeout-millis";
    static final String REQUEST_TIMEOUT = "request-timeout-millis";
    static final String RETRY_BASE = "retry-base-seconds";
    static final String RETRY_MAX = "retry-max-seconds";
    static final String THREADS = "threads";
    static final String ALLOWED_DESTINATIONS = "allowed-destinations";

    public static final WebhookSettings DEFAULTS = new WebhookSettings(5000, 100, 5000, 10000, 10, 3600, 2,
            WebhookDestinations.NONE);

    public WebhookSettings {
        require(intervalMillis >= 1000, INTERVAL + " must be at least 1000, not " + intervalMillis);
        require(batchSize >= 1 && batchSize <= 1000, BATCH + " must be between 1 and 1000, not " + batchSize);
        require(connectTimeoutMillis >= 1, CONNECT_TIMEOUT + " must be positive");
        require(requestTimeoutMillis >= 1, REQUEST_TIMEOUT + " must be positive");
        require(retryBaseSeconds >= 1, RETRY_BASE + " must be at least 1");
        require(retryMaxSeconds >= retryBaseSeconds, RETRY_MAX + " must be at least " + RETRY_BASE);
        require(threads >= 1 && threads <= 64, THREADS + " must be between 1 and 64");
        require(allowedDestinations != null, ALLOWED_DESTINATIONS + " must not be null");
    }

    static WebhookSettings from(Config.Scope config) {
        WebhookSettings d = DEFAULTS;
        return new WebhookSettings(config.getLong(INTERVAL, d.intervalMillis), config.getInt(BATCH, d.batchSize),
                config.getInt(CONNECT_TIMEOUT, d.connectTimeoutMillis),
                config.getInt(REQUEST_TIMEOUT, d.requestTimeoutMillis), config.getInt(RETRY_BASE, d.retryBaseSeconds),
                config.getInt(RETRY_MAX, d.retryMaxSeconds), config.getInt(THREADS, d.threads),
                WebhookDestinations.parse(config.get(ALLOWED_DESTINATIONS, "")));
    }

    static List<ProviderConfigProperty> metadata() {
        WebhookSettings d = DEFAULTS;
        return ProviderConfigurationBuilder.create()
                .property().name(INTERVAL).type("long").defaultValue(d.intervalMillis)
                .helpText("How often due webhook endpoints are looked for, in milliseconds (at least 1000)").add()
                .property().name(BATCH).type("int").defaultValue(d.batchSize)
                .helpText("At most this many changes per delivery").add()
                .property().name(CONNECT_TIMEOUT).type("int").defaultValue(d.connectTimeoutMillis)
                .helpText("Connect timeout per delivery, in milliseconds").add()
                .property().name(REQUEST_TIMEOUT).type("int").defaultValue(d.requestTimeoutMillis)
                .helpText("How long a whole delivery may take, from the look-up of the receiver's host to the last"
                        + " byte of its answer, in milliseconds").add()
                .property().name(RETRY_BASE).type("int").defaultValue(d.retryBaseSeconds)
                .helpText("Default first wait after a failed delivery, in seconds; doubles per failure").add()
                .property().name(RETRY_MAX).type("int").defaultValue(d.retryMaxSeconds)
                .helpText("Default longest wait between attempts, in seconds").add()
                .property().name(THREADS).type("int").defaultValue(d.threads)
                .helpText("Threads of one node that prepare deliveries and record their outcomes; a delivery waiting"
                        + " for its receiver holds none").add()
                .property().name(ALLOWED_DESTINATIONS).type(ProviderConfigProperty.STRING_TYPE).defaultValue("")
                .helpText("Host names, IP addresses and CIDR ranges, separated by commas, that webhooks may reach"
                        + " although they are loopback, link-local, private, any-local or multicast addresses"
                        + " (refused by default)").add()
                .build();
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException("idc-webhooks: " + message);
        }
    }
}
