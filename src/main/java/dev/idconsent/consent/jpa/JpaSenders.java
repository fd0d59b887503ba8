package dev.idconsent.consent.jpa;

import dev.idconsent.consent.SenderReport;
import dev.idconsent.consent.SenderReport.Delays;
import dev.idconsent.consent.SenderReport.Kind;
import dev.idconsent.consent.SenderReport.Sender;
import dev.idconsent.consent.SenderReport.Waiting;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.keycloak.models.KeycloakSession;

/**
 * The senders of a realm ({@code IDC_SENDER}) and the delays with which opt-outs reached them
 * ({@code IDC_SENDER_DELAY}); see {@link SenderReport} for what is measured.
 *
 * <p>A sender's row is locked while its position moves, so an opt-out is counted once per sender however many
 * nodes or concurrent reads acknowledge it.
 */
public final class JpaSenders {
    /** How stale a sender's {@code lastSeen} may be while it takes in nothing new. */
    static final long SEEN_GRANULARITY_MILLIS = 60_000;
    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(JpaSenders.class);
    private final EntityManager em;
    private final String realmId;

    public JpaSenders(EntityManager em, String realmId) {
        this.em = em;
        this.realmId = realmId;
    }

    public static JpaSenders of(KeycloakSession session, String realmId) {
        return new JpaSenders(ConsentEntityProviderFactory.em(session), realmId);
    }

    /** The id of the sender row of a client that reads the realm's feed. */
    static String feedId(String realmId, String clientId) {
        return UUID.nameUUIDFromBytes(("feed\n" + realmId + "\n" + clientId).getBytes(StandardCharsets.UTF_8))
                .toString();
    }

    /**
     * A feed read by {@code clientId} from {@code after}: the client has taken in everything up to {@code after}
     * (never past the feed's end). Its first read makes it a sender, held to the opt-outs made from now on.
     */
    public void feedRead(String clientId, long after, Instant now) {
        FeedStateEntity feed = em.find(FeedStateEntity.class, realmId);
        long reached = Math.min(after, feed == null ? 0 : feed.lastSeq);
        String id = feedId(realmId, clientId);
        // a read that takes in nothing new (a poll at the end, a re-read) writes nothing, but for the time it was
        // seen, kept to the minute: a consumer polling every second costs one select, not a commit
        Object[] known = em.createQuery("select s.reached, s.lastSeenAt from IdcSender s where s.id = :id",
                Object[].class).setParameter("id", id).getResultStream().findFirst().orElse(null);
        if (known != null && reached <= (Long) known[0] && known[1] != null
                && now.toEpochMilli() - (Long) known[1] < SEEN_GRANULARITY_MILLIS) {
            return;
        }
        SenderEntity s = em.find(SenderEntity.class, id, LockModeType.PESSIMISTIC_WRITE);
        if (s == null) {
            create(id, Kind.FEED, clientId, reached, now).lastSeenAt = now.toEpochMilli();
            em.flush(); // a concurrent first read fails here on the primary key; its caller tries again
            return;
        }
        advance(s, reached, now);
    }

    /**
     * Records a feed read in transactions of its own (so that every database sees the rows the read numbered). A
     * failure is logged and does not fail the read: the client's next read records where it stands.
     */
    public static void feedRead(org.keycloak.models.KeycloakSessionFactory factory, String realmId, String clientId,
                                long after, Instant now) {
        recordRead(factory, realmId, clientId, "feed", senders -> senders.feedRead(clientId, after, now));
    }

    /** The id of the sender row of a client that reads a purpose's audience on a channel. */
    static String audienceId(String realmId, String clientId, String purpose, String channelColumn) {
        return UUID.nameUUIDFromBytes(("audience\n" + realmId + "\n" + clientId + "\n" + purpose + "\n"
                + channelColumn).getBytes(StandardCharsets.UTF_8)).toString();
    }

    /**
     * An audience read by {@code clientId} that began at {@code now} (its first page): it leaves out everyone who
     * opted out before, so every opt-out of the purpose and channel made until then has reached it. Its first read
     * makes it a sender, held to the opt-outs made from now on.
     */
    public void audienceRead(String clientId, String purpose, String channel, Instant now) {
        String column = JpaChoiceStore.toColumn(channel);
        String id = audienceId(realmId, clientId, purpose, column);
        SenderEntity s = em.find(SenderEntity.class, id, LockModeType.PESSIMISTIC_WRITE);
        if (s == null) {
            s = create(id, Kind.AUDIENCE, clientId + ": " + dev.idconsent.consent.Summary.key(purpose, channel),
                    now.toEpochMilli(), now);
            s.purposeKey = purpose;
            s.channel = column;
            s.lastSeenAt = now.toEpochMilli();
            em.flush(); // a concurrent first read fails here on the primary key; its caller tries again
            return;
        }
        advance(s, now.toEpochMilli(), now);
    }

    /** Records an audience read in a transaction of its own; a failure is logged and does not fail the read. */
    public static void audienceRead(org.keycloak.models.KeycloakSessionFactory factory, String realmId,
                                    String clientId, String purpose, String channel, Instant now) {
        recordRead(factory, realmId, clientId, "audience", senders -> senders.audienceRead(clientId, purpose,
                channel, now));
    }

    private static void recordRead(org.keycloak.models.KeycloakSessionFactory factory, String realmId,
                                   String clientId, String what, java.util.function.Consumer<JpaSenders> read) {
        for (int attempt = 1; ; attempt++) {
            try {
                org.keycloak.models.utils.KeycloakModelUtils.runJobInTransaction(factory, s -> read.accept(of(s,
                        realmId)));
                return;
            } catch (RuntimeException e) {
                if (attempt == 2) {
                    LOG.warnf(e, "Could not record the %s read of client %s in realm %s; its next read will", what,
                            clientId, realmId);
                    return;
                }
                // two first reads of one client both created its row: the second one is an ordinary read now
            }
        }
    }

    /** A webhook endpoint created with its cursor: a sender from now on. */
    public void webhookCreated(String webhookId, long cursor, Instant at) {
        create(webhookId, Kind.WEBHOOK, webhookId, cursor, at);
    }

    private SenderEntity create(String id, Kind kind, String name, long reached, Instant since) {
        SenderEntity s = new SenderEntity();
        s.id = id;
        s.realmId = realmId;
        s.kind = kind.value();
        s.name = name;
        s.reached = reached;
        s.since = since.toEpochMilli();
        em.persist(s);
        return s;
    }

    /** The webhook's receiver acknowledged everything up to {@code to}. */
    public void webhookAcknowledged(String webhookId, long to, Instant now) {
        SenderEntity s = em.find(SenderEntity.class, webhookId, LockModeType.PESSIMISTIC_WRITE);
        if (s != null) {
            advance(s, to, now);
        }
    }

    /** Moves a locked sender to {@code to} and counts the delays of the opt-outs it passed. */
    private void advance(SenderEntity s, long to, Instant now) {
        s.lastSeenAt = now.toEpochMilli();
        if (to <= s.reached) {
            return;
        }
        jakarta.persistence.TypedQuery<Long> query = Kind.of(s.kind) == Kind.AUDIENCE
                ? em.createNamedQuery("idcAudienceOptOutsReached", Long.class)
                .setParameter("purposeKey", s.purposeKey).setParameter("channel", s.channel)
                : em.createNamedQuery("idcOptOutsReached", Long.class);
        List<Long> made = query.setParameter("realmId", realmId).setParameter("from", s.reached)
                .setParameter("to", to).setParameter("states", SenderReport.OPT_OUT_STATES)
                .setParameter("since", s.since).getResultList();
        s.reached = to;
        if (made.isEmpty()) {
            return;
        }
        long[] counts = new long[SenderReport.bucketCount()];
        long[] max = new long[counts.length];
        long nowMillis = now.toEpochMilli();
        for (long at : made) {
            long delay = Math.max(0, nowMillis - at);
            int b = SenderReport.bucket(delay);
            counts[b]++;
            max[b] = Math.max(max[b], delay);
        }
        int day = day(now);
        for (int b = 0; b < counts.length; b++) {
            if (counts[b] == 0) {
                continue;
            }
            SenderDelayEntity d = em.find(SenderDelayEntity.class, new SenderDelayEntity.Key(s.id, day, b));
            if (d == null) {
                d = new SenderDelayEntity();
                d.senderId = s.id;
                d.day = day;
                d.bucket = b;
                em.persist(d);
            }
            d.optOuts += counts[b];
            d.maxMillis = Math.max(d.maxMillis, max[b]);
        }
    }

    /** Days since 1970-01-01 (UTC): the delays are counted per day. */
    private static int day(Instant at) {
        return (int) Math.floorDiv(at.toEpochMilli(), 86_400_000L);
    }

    /** The realm's senders with their delays of the last {@link SenderReport#WINDOW_DAYS} days. */
    public List<Sender> report(Instant now) {
        int firstDay = day(now) - SenderReport.WINDOW_DAYS + 1;
        return em.createNamedQuery("idcSendersOfRealm", SenderEntity.class).setParameter("realmId", realmId)
                .getResultList().stream().map(s -> new Sender(s.id, Kind.of(s.kind), s.name,
                        Instant.ofEpochMilli(s.since), s.lastSeenAt == null ? null : Instant.ofEpochMilli(s.lastSeenAt),
                        s.reached, delays(s.id, firstDay), waiting(s),
                        s.warnedAt == null ? null : Instant.ofEpochMilli(s.warnedAt))).toList();
    }

    private Delays delays(String senderId, int firstDay) {
        long[] counts = new long[SenderReport.bucketCount()];
        long max = 0;
        for (Object[] row : em.createNamedQuery("idcSenderDelaysSince", Object[].class)
                .setParameter("senderId", senderId).setParameter("day", firstDay).getResultList()) {
            counts[((Number) row[0]).intValue()] += ((Number) row[1]).longValue();
            max = Math.max(max, ((Number) row[2]).longValue());
        }
        return Delays.of(counts, max);
    }

    /** The oldest opt-out the sender has not taken in: numbered past its position, or not numbered yet. */
    private Waiting waiting(SenderEntity s) {
        if (Kind.of(s.kind) == Kind.AUDIENCE) { // taken in at its next read of the audience
            return first(em.createNamedQuery("idcAudienceOldestOptOut", Object[].class).setParameter("after",
                    s.reached).setParameter("purposeKey", s.purposeKey).setParameter("channel", s.channel), s.since)
                    .orElse(null);
        }
        Optional<Waiting> numbered = first(em.createNamedQuery("idcOldestOptOutAfter", Object[].class)
                .setParameter("after", s.reached), s.since);
        Optional<Waiting> unnumbered = first(em.createNamedQuery("idcOldestOptOutUnnumbered", Object[].class), s.since);
        if (numbered.isEmpty()) {
            return unnumbered.orElse(null);
        }
        return unnumbered.filter(u -> u.at().isBefore(numbered.get().at())).orElse(numbered.get());
    }

    private Optional<Waiting> first(jakarta.persistence.TypedQuery<Object[]> query, long since) {
        return query.setParameter("realmId", realmId).setParameter("states", SenderReport.OPT_OUT_STATES)
                .setParameter("since", since).setMaxResults(1).getResultStream().findFirst()
                .map(r -> new Waiting(Instant.ofEpochMilli(((Number) r[0]).longValue()), (String) r[1],
                        JpaChoiceStore.fromColumn((String) r[2])));
    }

    /** Marks the sender warned; false when it was already (another node raised the warning). */
    public boolean warn(String id, Instant at) {
        return em.createNamedQuery("idcSenderWarn").setParameter("id", id).setParameter("at", at.toEpochMilli())
                .executeUpdate() == 1;
    }

    /** The sender caught up: a later delay warns again. */
    public void clearWarning(String id) {
        em.createNamedQuery("idcSenderUnwarn").setParameter("id", id).executeUpdate();
    }

    /** Forgets a sender and its delays; empty when the realm has no such sender. */
    public Optional<Kind> delete(String id) {
        SenderEntity s = em.find(SenderEntity.class, id);
        if (s == null || !s.realmId.equals(realmId)) {
            return Optional.empty();
        }
        em.createNamedQuery("idcDeleteSenderDelays").setParameter("senderId", id).executeUpdate();
        em.remove(s);
        em.flush();
        return Optional.of(Kind.of(s.kind));
    }

    /** The kind of one of the realm's senders. */
    public Optional<Kind> kind(String id) {
        SenderEntity s = em.find(SenderEntity.class, id);
        return s == null || !s.realmId.equals(realmId) ? Optional.empty() : Optional.of(Kind.of(s.kind));
    }

    void deleteRealm() {
        em.createNamedQuery("idcDeleteSenderDelaysOfRealm").setParameter("realmId", realmId).executeUpdate();
        em.createNamedQuery("idcDeleteSendersOfRealm").setParameter("realmId", realmId).executeUpdate();
    }

    /** The realms that have senders. */
    public static List<String> realms(KeycloakSession session) {
        return ConsentEntityProviderFactory.em(session).createNamedQuery("idcSenderRealms", String.class)
                .getResultList();
    }

    /** Forgets delays counted before the report's window, in every realm. */
    public static void forgetBefore(KeycloakSession session, Instant now) {
        int firstDay = day(now) - SenderReport.WINDOW_DAYS + 1;
        ConsentEntityProviderFactory.em(session).createNamedQuery("idcDeleteSenderDelaysBefore")
                .setParameter("day", firstDay).executeUpdate();
    }
}
