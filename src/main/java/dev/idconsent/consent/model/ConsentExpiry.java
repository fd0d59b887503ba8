package dev.idconsent.consent.model;

import dev.idconsent.consent.Purpose;
import dev.idconsent.consent.catalog.PurposeComponents;
import dev.idconsent.consent.jpa.JpaChoiceStore;
import java.time.Clock;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jboss.logging.Logger;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.timer.ScheduledTask;

/**
 * Ends every pause that has reached its end, then expires every yes that has reached its purpose's lifetime
 * ({@code renewAfterDays}), without any request: Keycloak's timer runs it with its cluster-aware runner, so one node
 * per interval looks. Pauses come first: a pause is promised to end within one interval.
 *
 * <p>Each person is expired in a transaction of their own, through {@link dev.idconsent.consent.ConsentService#expire}
 * (the one writer), which decides under the writers' lock what is due: a person who said yes again meanwhile keeps
 * it, and a second run over the same person (a slow run overlapping the next node's) writes nothing. One person
 * whose write fails is logged and left for the next run; the others go on.
 */
final class ConsentExpiry implements ScheduledTask {
    static final String TASK = "idc-consent-expiry";
    private static final Logger LOG = Logger.getLogger(ConsentExpiry.class);
    private static final int PAGE = 500;

    private final KeycloakSessionFactory factory;
    private final Clock clock;
    /** A run stops looking for more after this long, so it does not outlast its cluster-wide lock by much. */
    private final long budgetMillis;

    ConsentExpiry(KeycloakSessionFactory factory, Clock clock, long budgetMillis) {
        this.factory = factory;
        this.clock = clock;
        this.budgetMillis = budgetMillis;
    }

    @Override
    public String getTaskName() {
        return TASK;
    }

    @Override
    public void run(KeycloakSession session) {
        long stopAt = clock.millis() + budgetMillis;
        List<RealmModel> realms = session.realms().getRealmsStream().toList();
        for (RealmModel realm : realms) {
            forgetOldNotices(realm);
        }
        for (RealmModel realm : realms) {
            for (Purpose purpose : new PurposeComponents(realm).all()) {
                // also purposes retired or no longer offering pauses since: a pause under way still ends
                if (!due(session, realm.getId(), purpose, stopAt, true)) {
                    return;
                }
            }
        }
        for (RealmModel realm : realms) {
            for (Purpose purpose : new PurposeComponents(realm).all()) {
                if (purpose.renewAfter() != null && !purpose.retired()) {
                    if (!due(session, realm.getId(), purpose, stopAt, false)) {
                        return;
                    }
                }
            }
        }
    }

    /** Served notices last shown longer ago than the realm keeps them: one statement per realm that sets a limit. */
    private void forgetOldNotices(RealmModel realm) {
        java.time.Duration keep = NoticeRetention.of(realm);
        if (keep == null) {
            return;
        }
        String realmId = realm.getId();
        long before = clock.instant().minus(keep).toEpochMilli();
        try {
            int gone = KeycloakModelUtils.runJobInTransactionWithResult(factory, s ->
                    dev.idconsent.consent.jpa.JpaServedNotices.of(s, realmId).deleteShownBefore(before));
            if (gone > 0) {
                LOG.debugf("Deleted %d served notices of realm %s past their retention", gone, realm.getName());
            }
        } catch (RuntimeException e) {
            LOG.warnf(e, "Could not delete old served notices of realm %s; the next run tries again", realm.getName());
        }
    }

    /**
     * @param pauses whether to end due pauses of the purpose, else to expire its due yeses
     * @return false when the run's time is up
     */
    private boolean due(KeycloakSession session, String realmId, Purpose purpose, long stopAt, boolean pauses) {
        Set<String> skip = new HashSet<>(); // failed, or nothing was due after all: not asked again in this run
        while (true) {
            JpaChoiceStore store = JpaChoiceStore.of(session, realmId);
            List<String> due = pauses ? store.pausedUntil(purpose.key(), clock.instant(), PAGE + skip.size())
                    : store.grantedBy(purpose.key(), clock.instant().minus(purpose.renewAfter()), PAGE + skip.size());
            int done = 0;
            for (String userId : due) {
                if (skip.contains(userId)) {
                    continue;
                }
                if (clock.millis() > stopAt) {
                    return false;
                }
                try {
                    if (KeycloakModelUtils.runJobInTransactionWithResult(factory,
                            s -> expireOne(s, realmId, userId, pauses))) {
                        done++;
                    } else {
                        skip.add(userId);
                    }
                } catch (RuntimeException e) {
                    skip.add(userId);
                    LOG.warnf(e, "Could not %s of user %s in realm %s; the next run tries again",
                            pauses ? "end the pause" : "expire the consent", userId, realmId);
                }
            }
            if (done == 0) {
                return true;
            }
        }
    }

    /** @return whether anything ended or expired */
    private static boolean expireOne(KeycloakSession session, String realmId, String userId, boolean pauses) {
        RealmModel realm = session.realms().getRealm(realmId);
        session.getContext().setRealm(realm);
        UserModel user = session.users().getUserById(realm, userId);
        if (user == null) {
            throw new IllegalStateException("the user no longer exists"); // their rows go with them
        }
        ConsentProvider plugin = session.getProvider(ConsentProvider.class);
        dev.idconsent.consent.ConsentService consent = plugin.consent(realm);
        dev.idconsent.consent.Subject subject = plugin.subject(realm, user);
        return !(pauses ? consent.resumePauses(subject) : consent.expire(subject)).isEmpty();
    }
}
