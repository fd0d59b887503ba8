package dev.idconsent.consent.model;

import dev.idconsent.consent.SenderReport;
import dev.idconsent.consent.jpa.JpaSenders;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.jboss.logging.Logger;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.events.EventListenerProviderFactory;
import org.keycloak.events.EventStoreProvider;
import org.keycloak.events.admin.AdminEvent;
import org.keycloak.events.admin.AuthDetails;
import org.keycloak.events.admin.OperationType;
import org.keycloak.events.admin.ResourceType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.timer.ScheduledTask;
import org.keycloak.util.JsonSerialization;

/**
 * Looks at every sender ({@link SenderReport}) on every node, each interval: puts the figures on this node's
 * {@code /metrics} and, when a sender's oldest waiting opt-out has become older than the realm's warning threshold,
 * raises an admin event — once per delay in the whole cluster (the first node to mark the sender raises it), again
 * only after the sender caught up and fell behind anew.
 *
 * <p>Gauges, cluster-wide values: every node shows the same figures, so aggregate them with {@code max}, not
 * {@code sum}:
 * <ul>
 *   <li>{@code idc_sender_oldest_waiting_opt_out_seconds{realm, kind, sender}}: age of the oldest opt-out the sender
 *       has not taken in (0 when it is up to date)</li>
 *   <li>{@code idc_sender_opt_out_delay_seconds{realm, kind, sender, quantile}}: p50, p99 (upper bounds) and max
 *       ({@code quantile="1"}) of the delays of the last seven days</li>
 *   <li>{@code idc_sender_late{realm, kind, sender}}: 1 while the oldest waiting opt-out is past the threshold</li>
 * </ul>
 */
final class SenderWatch implements ScheduledTask {
    static final String TASK = "idc-sender-watch";
    private static final Logger LOG = Logger.getLogger(SenderWatch.class);
    private static final MultiGauge WAITING = MultiGauge.builder("idc.sender.oldest.waiting.opt.out")
            .baseUnit("seconds").description("Age of the oldest opt-out a sender has not taken in (cluster-wide)")
            .register(Metrics.globalRegistry);
    private static final MultiGauge DELAY = MultiGauge.builder("idc.sender.opt.out.delay").baseUnit("seconds")
            .description("How long opt-outs took to reach a sender in the last seven days (cluster-wide)")
            .register(Metrics.globalRegistry);
    private static final MultiGauge LATE = MultiGauge.builder("idc.sender.late")
            .description("1 while a sender's oldest waiting opt-out is older than the realm's warning threshold")
            .register(Metrics.globalRegistry);

    private final KeycloakSessionFactory factory;
    private final Clock clock;

    SenderWatch(KeycloakSessionFactory factory, Clock clock) {
        this.factory = factory;
        this.clock = clock;
    }

    @Override
    public String getTaskName() {
        return TASK;
    }

    @Override
    public void run(KeycloakSession session) {
        Instant now = clock.instant();
        JpaSenders.forgetBefore(session, now);
        List<MultiGauge.Row<?>> waiting = new ArrayList<>();
        List<MultiGauge.Row<?>> delays = new ArrayList<>();
        List<MultiGauge.Row<?>> late = new ArrayList<>();
        for (String realmId : JpaSenders.realms(session)) {
            try {
                KeycloakModelUtils.runJobInTransaction(factory, s -> look(s, realmId, now, waiting, delays, late));
            } catch (RuntimeException e) {
                LOG.warnf(e, "Could not look at the senders of realm %s; the next run tries again", realmId);
            }
        }
        WAITING.register(waiting, true);
        DELAY.register(delays, true);
        LATE.register(late, true);
    }

    private static void look(KeycloakSession session, String realmId, Instant now, List<MultiGauge.Row<?>> waiting,
                             List<MultiGauge.Row<?>> delays, List<MultiGauge.Row<?>> late) {
        RealmModel realm = session.realms().getRealm(realmId);
        if (realm == null) {
            return; // removed meanwhile, its senders with it
        }
        Duration threshold = SenderWarning.of(realm);
        JpaSenders senders = JpaSenders.of(session, realmId);
        for (SenderReport.Sender s : senders.report(now)) {
            Tags tags = Tags.of("realm", realm.getName(), "kind", s.kind().value(), "sender", s.name());
            waiting.add(MultiGauge.Row.of(tags, s.waiting() == null ? 0 : seconds(s.waiting().age(now))));
            SenderReport.Delays d = s.delays();
            if (d.optOuts() > 0) {
                delays.add(MultiGauge.Row.of(tags.and("quantile", "0.5"), seconds(d.p50())));
                delays.add(MultiGauge.Row.of(tags.and("quantile", "0.99"), seconds(d.p99())));
                delays.add(MultiGauge.Row.of(tags.and("quantile", "1"), seconds(d.max())));
            }
            boolean isLate = s.late(now, threshold);
            late.add(MultiGauge.Row.of(tags, isLate ? 1 : 0));
            if (isLate && s.warnedAt() == null && senders.warn(s.id(), now)) {
                raise(session, realm, s, threshold, now);
            } else if (!isLate && s.warnedAt() != null) {
                senders.clearWarning(s.id());
            }
        }
    }

    private static double seconds(Duration d) {
        return d.toMillis() / 1000.0;
    }

    /**
     * An admin event of the system (no admin user): {@code ACTION} on {@code consent/senders/<id>}, detail
     * {@code idc_resource=sender}, stored when the realm keeps admin events and handed to its event listeners, in
     * the transaction that marked the sender warned.
     */
    private static void raise(KeycloakSession session, RealmModel realm, SenderReport.Sender s, Duration threshold,
                              Instant now) {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("idc_resource", "sender");
        details.put("idc_warning", "late");
        details.put("idc_kind", s.kind().value());
        details.put("idc_sender", s.name());
        details.put("idc_oldest_waiting_at", s.waiting().at().toString());
        details.put("idc_oldest_waiting_purpose", s.waiting().purpose());
        details.put("idc_age_seconds", Long.toString(s.waiting().age(now).toSeconds()));
        details.put("idc_warning_hours", SenderWarning.hours(realm).stripTrailingZeros().toPlainString());
        AdminEvent event = new AdminEvent();
        event.setId(UUID.randomUUID().toString());
        event.setTime(now.toEpochMilli());
        event.setRealmId(realm.getId());
        event.setRealmName(realm.getName());
        AuthDetails by = new AuthDetails(); // the plugin itself: no client, no user
        by.setRealmId(realm.getId());
        by.setRealmName(realm.getName());
        event.setAuthDetails(by);
        event.setOperationType(OperationType.ACTION);
        event.setResourceType(ResourceType.CUSTOM);
        event.setResourcePath("consent/senders/" + s.id());
        event.setDetails(details);
        try {
            event.setRepresentation(JsonSerialization.writeValueAsString(details));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        boolean withRepresentation = realm.isAdminEventsDetailsEnabled();
        if (realm.isAdminEventsEnabled()) {
            EventStoreProvider store = session.getProvider(EventStoreProvider.class);
            if (store != null) {
                store.onEvent(event, withRepresentation);
            }
        }
        Set<String> listeners = new HashSet<>(realm.getEventsListenersStream().toList());
        session.getKeycloakSessionFactory().getProviderFactoriesStream(EventListenerProvider.class)
                .map(f -> (EventListenerProviderFactory) f)
                .filter(f -> listeners.contains(f.getId()) || f.isGlobal())
                .forEach(f -> {
                    try {
                        session.getProvider(EventListenerProvider.class, f.getId()).onEvent(event,
                                withRepresentation);
                    } catch (RuntimeException e) {
                        LOG.warnf(e, "Event listener %s failed on the late-sender event", f.getId());
                    }
                });
        LOG.warnf("Realm %s: %s '%s' has not taken in an opt-out of '%s' made at %s, longer than the %s hours the"
                        + " realm allows before warning", realm.getName(), s.kind().value(), s.name(),
                s.waiting().purpose(), s.waiting().at(), details.get("idc_warning_hours"));
    }
}
