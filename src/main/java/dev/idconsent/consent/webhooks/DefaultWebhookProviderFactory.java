package dev.idconsent.consent.webhooks;

import java.time.Clock;
import java.util.List;
import org.jboss.logging.Logger;
import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.utils.PostMigrationEvent;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.services.scheduled.ClusterAwareScheduledTaskRunner;
import org.keycloak.timer.TimerProvider;

/**
 * Starts the webhook deliverer once Keycloak has migrated the database (the plugin's tables exist then), on
 * Keycloak's timer with its cluster-aware runner: one node per interval looks for due endpoints.
 */
public final class DefaultWebhookProviderFactory implements WebhookProviderFactory {
    public static final String PROVIDER_ID = "default";
    static final String TIMER_TASK = "idc-webhook-delivery";
    private static final Logger LOG = Logger.getLogger(DefaultWebhookProviderFactory.class);

    private WebhookSettings settings = WebhookSettings.DEFAULTS;
    private WebhookDeliverer deliverer;

    @Override
    public WebhookProvider create(KeycloakSession session) {
        WebhookSettings current = settings;
        return () -> current;
    }

    @Override
    public void init(Config.Scope config) {
        settings = WebhookSettings.from(config);
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        factory.register(event -> {
            if (event instanceof PostMigrationEvent) {
                start(factory);
            }
        });
    }

    private synchronized void start(KeycloakSessionFactory factory) {
        if (deliverer != null) {
            return;
        }
        deliverer = new WebhookDeliverer(factory, settings, Clock.systemUTC());
        try (KeycloakSession session = factory.create()) {
            session.getProvider(TimerProvider.class).schedule(new ClusterAwareScheduledTaskRunner(factory,
                    deliverer.task(), settings.intervalMillis()), settings.intervalMillis(), TIMER_TASK);
        }
        LOG.infof("Webhook delivery runs every %d ms", settings.intervalMillis());
    }

    @Override
    public List<ProviderConfigProperty> getConfigMetadata() {
        return WebhookSettings.metadata();
    }

    @Override
    public synchronized void close() {
        if (deliverer != null) {
            deliverer.close();
            deliverer = null;
        }
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }
}
