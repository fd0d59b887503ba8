package dev.idconsent.consent.model;

import java.time.Clock;
import java.util.List;
import org.jboss.logging.Logger;
import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.utils.PostMigrationEvent;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;
import org.keycloak.services.scheduled.ClusterAwareScheduledTaskRunner;
import org.keycloak.timer.TimerProvider;

/**
 * The plugin's services over Keycloak's JPA store and realm components; starts the expiry of yeses that reached
 * their purpose's lifetime ({@link ConsentExpiry}) once Keycloak has migrated the database.
 */
public final class DefaultConsentProviderFactory implements ConsentProviderFactory {
    public static final String PROVIDER_ID = "default";
    static final String EXPIRY_INTERVAL = "expiry-interval-seconds";
    private static final long DEFAULT_EXPIRY_INTERVAL = 60;
    static final String SENDER_WATCH_INTERVAL = "sender-watch-interval-seconds";
    private static final long DEFAULT_SENDER_WATCH_INTERVAL = 60;
    private static final Logger LOG = Logger.getLogger(DefaultConsentProviderFactory.class);

    private long expiryIntervalSeconds = DEFAULT_EXPIRY_INTERVAL;
    private long senderWatchIntervalSeconds = DEFAULT_SENDER_WATCH_INTERVAL;
    private boolean started;

    @Override
    public ConsentProvider create(KeycloakSession session) {
        return new DefaultConsentProvider(session);
    }

    @Override
    public void init(Config.Scope config) {
        expiryIntervalSeconds = config.getLong(EXPIRY_INTERVAL, DEFAULT_EXPIRY_INTERVAL);
        if (expiryIntervalSeconds < 1) {
            throw new IllegalArgumentException("idc-consent: " + EXPIRY_INTERVAL + " must be at least 1, not "
                    + expiryIntervalSeconds);
        }
        senderWatchIntervalSeconds = config.getLong(SENDER_WATCH_INTERVAL, DEFAULT_SENDER_WATCH_INTERVAL);
        if (senderWatchIntervalSeconds < 1) {
            throw new IllegalArgumentException("idc-consent: " + SENDER_WATCH_INTERVAL + " must be at least 1, not "
                    + senderWatchIntervalSeconds);
        }
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        factory.register(event -> {
            if (event instanceof PostMigrationEvent) {
                startExpiry(factory);
            }
        });
    }

    private synchronized void startExpiry(KeycloakSessionFactory factory) {
        if (started) {
            return;
        }
        started = true;
        long interval = expiryIntervalSeconds * 1000;
        try (KeycloakSession session = factory.create()) {
            // the cluster-wide lock lasts one interval: a run looks for more only for most of it
            session.getProvider(TimerProvider.class).schedule(new ClusterAwareScheduledTaskRunner(factory,
                    new ConsentExpiry(factory, Clock.systemUTC(), interval * 4 / 5), interval), interval,
                    ConsentExpiry.TASK);
            // on every node: each shows the figures on its own /metrics; the warning is raised once (SenderWatch)
            session.getProvider(TimerProvider.class).schedule(new org.keycloak.services.scheduled.ScheduledTaskRunner(
                    factory, new SenderWatch(factory, Clock.systemUTC())),
                    senderWatchIntervalSeconds * 1000, SenderWatch.TASK);
        }
        LOG.infof("Expiry of consent with a lifetime runs every %d s", expiryIntervalSeconds);
    }

    @Override
    public List<ProviderConfigProperty> getConfigMetadata() {
        return ProviderConfigurationBuilder.create()
                .property().name(EXPIRY_INTERVAL).type("long").defaultValue(DEFAULT_EXPIRY_INTERVAL)
                .helpText("How often yeses that reached their purpose's lifetime (renewAfterDays) are looked for and"
                        + " expired, in seconds (at least 1)").add()
                .property().name(SENDER_WATCH_INTERVAL).type("long").defaultValue(DEFAULT_SENDER_WATCH_INTERVAL)
                .helpText("How often every node looks at how far opt-outs have reached the senders (metrics, the"
                        + " late-sender admin event), in seconds (at least 1)").add()
                .build();
    }

    @Override
    public void close() {
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }
}
