package dev.idconsent.consent.jpa;

import dev.idconsent.consent.HistoryEntry;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import java.util.List;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.utils.KeycloakModelUtils;

/**
 * A realm's change feed: every history row, in the order of its feed position, read by cursor.
 *
 * <p>History ids are given out when a row is inserted, but rows commit in another order: a reader that paged by
 * id could pass id 11 while it is still uncommitted and never see it. So a row gets its feed position only once it
 * is committed and visible: a read that reaches the end of the numbered rows numbers the committed rows that have
 * none yet, holding the realm's feed-state row locked so numbering is one reader at a time, and commits; then it
 * reads what comes after the cursor. A row that commits later gets a later position, after every cursor handed out
 * so far: a consumer that polls with its last cursor sees every row, and each once. Both steps run in transactions of their own, so every
 * database reads what is committed now (MariaDB's REPEATABLE READ would otherwise show the request's old snapshot).
 */
public final class JpaChangeFeed {
    /** One feed entry: the history row and its position, the cursor for the next read. */
    public record Entry(long position, HistoryEntry row) {
    }

    private final KeycloakSessionFactory factory;
    private final String realmId;

    public JpaChangeFeed(KeycloakSessionFactory factory, String realmId) {
        this.factory = factory;
        this.realmId = realmId;
    }

    /** At most this many rows are numbered per read; the rest on the next reads, oldest first. */
    static final int NUMBER_AT_ONCE = 10_000;

    public List<Entry> after(long cursor, int max) {
        List<Entry> page = read(cursor, max);
        if (page.size() == max) {
            // a consumer catching up: what it reads now is numbered already, and whatever is numbered later comes
            // after it; numbering waits until a read reaches the end
            return page;
        }
        try {
            KeycloakModelUtils.runJobInTransaction(factory, session -> number(em(session)));
        } catch (RuntimeException firstReadRace) {
            // two first readers of a realm both created its feed-state row: the loser numbers after the winner
            KeycloakModelUtils.runJobInTransaction(factory, session -> number(em(session)));
        }
        return read(cursor, max);
    }

    private List<Entry> read(long cursor, int max) {
        return KeycloakModelUtils.runJobInTransactionWithResult(factory, session -> em(session)
                .createNamedQuery("idcFeedAfter", HistoryEntity.class).setParameter("realmId", realmId)
                .setParameter("after", cursor).setMaxResults(max).getResultStream()
                .map(h -> new Entry(h.feedSeq, JpaChoiceStore.toEntry(h))).toList());
    }

    /**
     * The current end of the feed: the position of the newest committed row (0 for an empty feed). A consumer that
     * starts here sees every change that commits from now on.
     */
    public long end() {
        after(Long.MAX_VALUE, 1); // numbers what has committed so far
        return KeycloakModelUtils.runJobInTransactionWithResult(factory, session -> {
            FeedStateEntity state = em(session).find(FeedStateEntity.class, realmId);
            return state == null ? 0L : state.lastSeq;
        });
    }

    private void number(EntityManager em) {
        FeedStateEntity state = em.find(FeedStateEntity.class, realmId, LockModeType.PESSIMISTIC_WRITE);
        if (state == null) {
            state = new FeedStateEntity();
            state.realmId = realmId;
            em.persist(state);
            em.flush(); // a concurrent first reader fails here on the primary key and its caller retries
            state = em.find(FeedStateEntity.class, realmId, LockModeType.PESSIMISTIC_WRITE);
        }
        // A plain read, on purpose: this transaction's first read came after it got the lock, so even under
        // MariaDB's REPEATABLE READ it sees every row committed by now, with the numbers the previous holder gave.
        // A locking read would take gap locks that deadlock with writers inserting history rows.
        List<Long> ids = em.createNamedQuery("idcFeedUnnumbered", Long.class).setParameter("realmId", realmId)
                .setMaxResults(NUMBER_AT_ONCE).getResultList();
        // Positions follow the ids' order. A run of consecutive ids (a bulk import, writers that did not
        // interleave with other realms or roll back) is numbered by one UPDATE: position = id + offset.
        int start = 0;
        for (int i = 1; i <= ids.size(); i++) {
            if (i == ids.size() || ids.get(i) != ids.get(i - 1) + 1) {
                long first = ids.get(start);
                em.createNamedQuery("idcFeedNumber").setParameter("offset", state.lastSeq + 1 - first)
                        .setParameter("first", first).setParameter("last", ids.get(i - 1)).executeUpdate();
                state.lastSeq += i - start;
                start = i;
            }
        }
        em.flush();
    }

    private static EntityManager em(org.keycloak.models.KeycloakSession session) {
        return session.getProvider(JpaConnectionProvider.class).getEntityManager();
    }
}
