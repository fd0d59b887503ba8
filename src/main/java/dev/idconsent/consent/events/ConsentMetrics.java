package dev.idconsent.consent.events;

import dev.idconsent.consent.ChangeContext;
import dev.idconsent.consent.ConsentEvents;
import dev.idconsent.consent.HistoryEntry;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Tags;
import java.util.List;
import org.keycloak.models.AbstractKeycloakTransaction;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

/**
 * Counters on Keycloak's metrics endpoint ({@code --metrics-enabled=true}, management port, {@code /metrics}),
 * registered on Micrometer's global registry as Keycloak's own counters are:
 * <ul>
 *   <li>{@code idc_consent_changes_total{realm, purpose, channel, state, via}}: recorded changes, counted after
 *       their transaction committed (a refused or rolled-back change is not counted); {@code channel=""} for a
 *       purpose without channels</li>
 *   <li>{@code idc_webhook_deliveries_total{realm, webhook, outcome}}: delivery attempts, outcome
 *       {@code success} (2xx) or {@code failure}</li>
 *   <li>{@code idc_webhook_changes_delivered_total{realm, webhook}}: changes acknowledged by receivers</li>
 * </ul>
 * Without {@code --metrics-enabled} the global registry holds no registry and the counters cost nothing.
 */
public final class ConsentMetrics implements ConsentEvents {
    private static final Meter.MeterProvider<Counter> CHANGES = Counter.builder("idc.consent.changes")
            .description("Consent changes recorded (after commit)").withRegistry(Metrics.globalRegistry);
    private static final Meter.MeterProvider<Counter> DELIVERIES = Counter.builder("idc.webhook.deliveries")
            .description("Webhook delivery attempts by outcome").withRegistry(Metrics.globalRegistry);
    private static final Meter.MeterProvider<Counter> DELIVERED = Counter.builder("idc.webhook.changes.delivered")
            .description("Changes acknowledged by webhook receivers").withRegistry(Metrics.globalRegistry);

    private final KeycloakSession session;
    private final RealmModel realm;

    public ConsentMetrics(KeycloakSession session, RealmModel realm) {
        this.session = session;
        this.realm = realm;
    }

    @Override
    public void recorded(String subjectId, List<HistoryEntry> rows, ChangeContext context) {
        if (rows.isEmpty()) {
            return;
        }
        String realmName = realm.getName();
        session.getTransactionManager().enlistAfterCompletion(new AbstractKeycloakTransaction() {
            @Override
            protected void commitImpl() {
                for (HistoryEntry row : rows) {
                    CHANGES.withTags(Tags.of("realm", realmName, "purpose", row.purpose(),
                            "channel", row.channel() == null ? "" : row.channel(), "state", row.state().value(),
                            "via", row.via().value())).increment();
                }
            }

            @Override
            protected void rollbackImpl() {
                // not committed: nothing changed, nothing to count
            }
        });
    }

    public static void delivery(String realmName, String webhookId, boolean success, int changes) {
        DELIVERIES.withTags(Tags.of("realm", realmName, "webhook", webhookId, "outcome",
                success ? "success" : "failure")).increment();
        if (success) {
            DELIVERED.withTags(Tags.of("realm", realmName, "webhook", webhookId)).increment(changes);
        }
    }
}
