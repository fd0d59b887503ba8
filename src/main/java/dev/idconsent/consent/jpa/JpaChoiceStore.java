package dev.idconsent.consent.jpa;

import dev.idconsent.consent.Actor;
import dev.idconsent.consent.Choice;
import dev.idconsent.consent.ChoiceState;
import dev.idconsent.consent.ChoiceStore;
import dev.idconsent.consent.HistoryEntry;
import dev.idconsent.consent.Via;
import dev.idconsent.consent.ConsentException;
import dev.idconsent.consent.ErrorCode;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.keycloak.models.ModelDuplicateException;
import org.keycloak.models.jpa.entities.UserEntity;
import org.keycloak.models.utils.KeycloakModelUtils;

/** Choices and history in the plugin's tables, through the EntityManager Keycloak's user store uses too. */
public final class JpaChoiceStore implements ChoiceStore {
    static final String NO_CHANNEL = "-";
    /** See {@link #readsCommitted(EntityManager)}; {@code null} until the first write. */
    private static volatile Boolean readsCommitted;

    private final EntityManager em;
    private final String realmId;
    private final org.keycloak.models.KeycloakSessionFactory factory;
    private final Map<String, ChoiceEntity> loaded = new HashMap<>();
    /** The person whose user row {@link #currentForUpdate} locked last in this transaction. */
    private String locked;
    /** Where {@link #currentForUpdate} leaves the region code it read (see {@link #regionCode}); else null. */
    private final org.keycloak.models.KeycloakSession session;
    /** The user attribute with people's region codes; null when the realm has none. */
    private final String regionAttribute;

    /** For reads in the session's transaction (audiences, grants): the store of the request's EntityManager. */
    public static JpaChoiceStore of(org.keycloak.models.KeycloakSession session, String realmId) {
        return new JpaChoiceStore(ConsentEntityProviderFactory.em(session), realmId);
    }

    /**
     * The store the consent service writes through: {@link #currentForUpdate} opens short fresh reads, and reads
     * the person's region code with their answers, see {@link #regionCode}.
     *
     * @param regionAttribute the user attribute with people's region codes; {@code null} when the realm has none
     */
    public static JpaChoiceStore forWrites(org.keycloak.models.KeycloakSession session, String realmId,
                                           String regionAttribute) {
        return new JpaChoiceStore(ConsentEntityProviderFactory.em(session), realmId,
                session.getKeycloakSessionFactory(), session, regionAttribute);
    }

    /** For reads (and cleanup) only: {@link #currentForUpdate} needs the session factory. */
    public JpaChoiceStore(EntityManager em, String realmId) {
        this(em, realmId, null);
    }

    /** The store the consent service writes through: {@code factory} opens the short fresh reads of {@link #currentForUpdate}. */
    public JpaChoiceStore(EntityManager em, String realmId, org.keycloak.models.KeycloakSessionFactory factory) {
        this(em, realmId, factory, null, null);
    }

    private JpaChoiceStore(EntityManager em, String realmId, org.keycloak.models.KeycloakSessionFactory factory,
                           org.keycloak.models.KeycloakSession session, String regionAttribute) {
        this.em = em;
        this.realmId = realmId;
        this.factory = factory;
        this.session = session;
        this.regionAttribute = regionAttribute;
    }

    /** A person's region code as read under the writers' lock ({@code value} null: they have none). */
    public record RegionCode(String value) {
    }

    /**
     * The region code {@link #currentForUpdate} read for {@code userId} in this session, in the same statement as
     * the answers (so a write that knows where the person is costs no read of their attributes); {@code null} when
     * it did not read one, or when Keycloak's model holds the person's attributes in this transaction: then the
     * model's value is the current one (an update after the write, e.g. a region set at registration, went through
     * it) and reading it costs nothing.
     */
    public static RegionCode regionCode(org.keycloak.models.KeycloakSession session, String userId) {
        RegionCode code = session.getAttribute(REGION_CODE + userId, RegionCode.class);
        if (code == null) {
            return null;
        }
        EntityManager em = ConsentEntityProviderFactory.em(session);
        // usually managed already (the request's token check or the writers' lock loaded it): then no statement
        UserEntity user = em.find(UserEntity.class, userId);
        return user == null || em.getEntityManagerFactory().getPersistenceUnitUtil().isLoaded(user, "attributes")
                ? null : code;
    }

    private static final String REGION_CODE = "idc.region-code.";

    /**
     * The answers as committed (plus this transaction's own writes), read as values: no entity becomes managed, so
     * a later {@link #currentForUpdate} in the same transaction never finds an unlocked, possibly older copy.
     */
    @Override
    public List<Choice> current(String subjectId) {
        return em.createQuery("select c.purposeKey, c.channel, c.state, c.purposeVersion, c.via, c.actorId,"
                        + " c.actorUsername, c.actorKind, c.clientId, c.changedAt, c.historyId, c.frequency,"
                        + " c.pausedUntil, c.resumeState from IdcChoice c"
                        + " where c.userId = :userId", Object[].class)
                .setParameter("userId", subjectId).getResultStream()
                .map(r -> new Choice((String) r[0], fromColumn((String) r[1]), ChoiceState.fromValue((String) r[2]),
                        (Integer) r[3], Via.fromValue((String) r[4]), new Actor((String) r[5], (String) r[6],
                        Actor.Kind.fromValue((String) r[7])), (String) r[8], Instant.ofEpochMilli((Long) r[9]),
                        (Long) r[10], (String) r[11], r[12] == null ? null : Instant.ofEpochMilli((Long) r[12]),
                        r[13] == null ? null : ChoiceState.fromValue((String) r[13])))
                .toList();
    }

    @Override
    public List<Choice> currentForUpdate(String subjectId) {
        // Keycloak's own user row is the lock: it exists for every local user and the same transaction writes it
        if (PostgresWrites.applies(em)) {
            return lockAndReadOnPostgres(subjectId);
        }
        UserEntity user = em.find(UserEntity.class, subjectId, LockModeType.PESSIMISTIC_WRITE);
        locked = user == null ? null : subjectId;
        if (readsCommitted(em)) {
            // READ COMMITTED (H2 here; PostgreSQL took the path above): each statement sees what is committed when it starts, and the
            // previous writer of this user committed before we got the lock; the rows this transaction already
            // holds were read under the same lock (reads without it never manage entities, see current())
            if (regionAttribute != null && user != null) {
                // the region code with the answers: one row per answer, or one without an answer for a person
                // who has none (a region attribute is single-valued; max() keeps a stray second value harmless)
                List<Object[]> rows = em.createQuery("select c, (select max(a.value) from UserAttributeEntity a"
                                + " where a.user.id = u.id and a.name = :attribute) from UserEntity u"
                                + " left join IdcChoice c on c.userId = u.id where u.id = :userId", Object[].class)
                        .setParameter("attribute", regionAttribute).setParameter("userId", subjectId)
                        .getResultList();
                session.setAttribute(REGION_CODE + subjectId,
                        new RegionCode(rows.isEmpty() ? null : (String) rows.get(0)[1]));
                return remember(rows.stream().filter(r -> r[0] != null).map(r -> (ChoiceEntity) r[0]).toList());
            }
            return remember(em.createNamedQuery("idcChoicesOfUser", ChoiceEntity.class)
                    .setParameter("userId", subjectId).getResultList());
        }
        if (factory == null) {
            throw new IllegalStateException("a store for writes needs the session factory (use JpaChoiceStore.forWrites)");
        }
        // Under REPEATABLE READ (MariaDB, MySQL) this transaction's snapshot predates the lock, so a plain read
        // could miss what the previous writer of this user just committed; and a locking read of the user's
        // rows through the user index takes gap locks that deadlock with other users' first inserts (found by
        // FeedIT). So: which rows exist now, from a transaction of its own (nobody else can change this user's
        // rows while we hold the lock), then those rows by primary key with row locks (a locking read returns
        // the latest committed version; rows this transaction holds already were read so under the same lock).
        List<String> ids = KeycloakModelUtils.runJobInTransactionWithResult(factory, session -> session
                .getProvider(org.keycloak.connections.jpa.JpaConnectionProvider.class).getEntityManager()
                .createQuery("select c.id from IdcChoice c where c.userId = :userId", String.class)
                .setParameter("userId", subjectId).getResultList());
        List<ChoiceEntity> rows = ids.isEmpty() ? List.of() : em.createQuery("select c from IdcChoice c"
                        + " where c.id in :ids", ChoiceEntity.class).setParameter("ids", ids)
                .setLockMode(LockModeType.PESSIMISTIC_WRITE).getResultList();
        return remember(rows);
    }

    /**
     * {@link #currentForUpdate} on PostgreSQL: the same lock (the user row, {@code for no key update}) and the same
     * read, in one round trip through the function {@code idc_lock_answers} (changelog 0.12.0): its second
     * statement sees what the previous writer of this person committed while the first waited for the lock.
     */
    private List<Choice> lockAndReadOnPostgres(String subjectId) {
        @SuppressWarnings("unchecked")
        org.hibernate.query.NativeQuery<Object[]> query = em.createNativeQuery("select * from idc_lock_answers(?1, ?2)")
                .unwrap(org.hibernate.query.NativeQuery.class);
        query.addEntity("c", ChoiceEntity.class).addScalar("region", String.class).addScalar("locked", Boolean.class)
                .addSynchronizedEntityClass(ChoiceEntity.class);
        query.setParameter(1, subjectId, String.class).setParameter(2, regionAttribute, String.class);
        List<Object[]> rows = query.getResultList();
        boolean found = !rows.isEmpty() && Boolean.TRUE.equals(rows.get(0)[2]);
        locked = found ? subjectId : null;
        if (regionAttribute != null && found) {
            session.setAttribute(REGION_CODE + subjectId, new RegionCode((String) rows.get(0)[1]));
        }
        return remember(rows.stream().map(r -> (ChoiceEntity) r[0]).filter(java.util.Objects::nonNull).toList());
    }

    /**
     * Whether the connections read committed data per statement (decided once: Keycloak's pool configures all of
     * them alike). Anything stricter takes the slower path that is safe under snapshots.
     */
    static boolean readsCommitted(EntityManager em) {
        Boolean known = readsCommitted;
        if (known == null) {
            known = em.unwrap(org.hibernate.Session.class).doReturningWork(c -> c.getTransactionIsolation())
                    == java.sql.Connection.TRANSACTION_READ_COMMITTED;
            readsCommitted = known;
        }
        return known;
    }

    /** {@link #put} updates these rows instead of querying again (which could read an older snapshot). */
    private List<Choice> remember(List<ChoiceEntity> rows) {
        rows.forEach(c -> loaded.put(key(c.userId, c.purposeKey, c.channel), c));
        return rows.stream().map(JpaChoiceStore::toChoice).toList();
    }

    /**
     * On PostgreSQL each change is one statement (its history row with the answer it leaves, the last one also with
     * the summary attributes: {@link PostgresWrites}); elsewhere, and for a person without a local user row to
     * lock, the JPA path of {@link ChoiceStore#record}.
     */
    @Override
    public List<HistoryEntry> record(String subjectId, List<Write> writes, Runnable summary) {
        if (!subjectId.equals(locked) || !PostgresWrites.applies(em)) {
            return ChoiceStore.super.record(subjectId, writes, summary);
        }
        // the native statements write these rows: Hibernate must not flush older copies of them later
        loaded.values().stream().filter(c -> c.userId.equals(subjectId) && em.contains(c)).forEach(em::detach);
        LocalUserAttributes.Overwrite attributes = summary instanceof LocalUserAttributes.Overwrite o && o.possible()
                ? o : null;
        List<HistoryEntry> rows = new java.util.ArrayList<>();
        for (int i = 0; i < writes.size(); i++) {
            Write write = writes.get(i);
            HistoryEntity h = entity(write.row());
            String key = key(subjectId, h.purposeKey, h.channel);
            ChoiceEntity before = loaded.get(key);
            ChoiceEntity after = null;
            if (write.answer() != null) {
                after = new ChoiceEntity();
                after.id = before == null ? KeycloakModelUtils.generateId() : before.id;
                after.realmId = realmId;
                after.userId = subjectId;
                after.purposeKey = h.purposeKey;
                after.channel = h.channel;
                fill(after, write.answer());
            }
            long id = PostgresWrites.write(em, h, before == null ? null : before.id, after,
                    i == writes.size() - 1 ? attributes : null);
            if (after == null) {
                loaded.remove(key);
            } else {
                after.historyId = id;
                loaded.put(key, after); // not managed: a later write here finds its id (JPA reads it again: managed())
            }
            rows.add(write.row().withId(id));
        }
        if (attributes == null) {
            summary.run();
        }
        return rows;
    }

    @Override
    public HistoryEntry append(HistoryEntry e) {
        HistoryEntity h = entity(e);
        em.persist(h);
        em.flush(); // assigns the identity id, which the current-state row points at
        return toEntry(h);
    }

    /** The row as the history table keeps it (no id yet). */
    private HistoryEntity entity(HistoryEntry e) {
        HistoryEntity h = new HistoryEntity();
        h.realmId = realmId;
        h.userId = e.subjectId();
        h.purposeKey = e.purpose();
        h.channel = toColumn(e.channel());
        h.purposeVersion = e.purposeVersion();
        h.previousState = e.previous() == null ? null : e.previous().value();
        h.state = e.state().value();
        h.via = e.via().value();
        h.actorId = e.actor().id();
        h.actorUsername = e.actor().username();
        h.actorKind = e.actor().kind().value();
        h.clientId = e.clientId();
        h.capability = e.capability();
        h.reason = e.reason();
        if (e.provenance() != null) {
            h.source = e.provenance().source();
            h.evidence = e.provenance().evidence();
        }
        h.locale = e.locale();
        h.region = e.region();
        h.frequency = e.frequency();
        h.previousFrequency = e.previousFrequency();
        h.pausedUntil = e.pausedUntil() == null ? null : e.pausedUntil().toEpochMilli();
        h.createdAt = e.at().toEpochMilli();
        return h;
    }

    @Override
    public void put(String subjectId, Choice choice) {
        String key = key(subjectId, choice.purpose(), toColumn(choice.channel()));
        ChoiceEntity c = managed(loaded.get(key));
        boolean isNew = c == null;
        if (isNew) {
            c = new ChoiceEntity();
            c.id = KeycloakModelUtils.generateId();
            c.realmId = realmId;
            c.userId = subjectId;
            c.purposeKey = choice.purpose();
            c.channel = toColumn(choice.channel());
            loaded.put(key, c);
        }
        fill(c, choice);
        if (isNew) {
            em.persist(c);
            try {
                em.flush();
            } catch (ModelDuplicateException e) {
                // only possible for a subject without a local user row to lock (e.g. a federated user)
                throw new ConsentException(ErrorCode.CONFLICT, "the choices were changed at the same time by "
                        + "another request; read them again and retry");
            }
        }
    }

    /**
     * A remembered row as Hibernate manages it: one {@link PostgresWrites} wrote is read again by id (in this
     * transaction, under the writers' lock), so that a later change through JPA writes it.
     */
    private ChoiceEntity managed(ChoiceEntity c) {
        return c == null || em.contains(c) ? c : em.find(ChoiceEntity.class, c.id);
    }

    /** The answer's fields (all but the row's identity: id, realm, user, purpose, channel). */
    private static void fill(ChoiceEntity c, Choice choice) {
        c.state = choice.state().value();
        c.purposeVersion = choice.purposeVersion();
        c.via = choice.via().value();
        c.actorId = choice.actor().id();
        c.actorUsername = choice.actor().username();
        c.actorKind = choice.actor().kind().value();
        c.clientId = choice.clientId();
        c.changedAt = choice.at().toEpochMilli();
        c.historyId = choice.historyId();
        c.frequency = choice.frequency();
        c.pausedUntil = choice.pausedUntil() == null ? null : choice.pausedUntil().toEpochMilli();
        c.resumeState = choice.resumeTo() == null ? null : choice.resumeTo().value();
    }

    @Override
    public void remove(String subjectId, String purpose, String channel) {
        ChoiceEntity c = managed(loaded.remove(key(subjectId, purpose, toColumn(channel))));
        if (c != null) {
            em.remove(c);
            em.flush();
        }
    }

    @Override
    public java.util.Optional<HistoryEntry> lastBefore(String subjectId, String purpose, String channel,
                                                       long beforeId) {
        return em.createNamedQuery("idcHistoryBefore", HistoryEntity.class).setParameter("userId", subjectId)
                .setParameter("purposeKey", purpose).setParameter("channel", toColumn(channel))
                .setParameter("beforeId", beforeId).setMaxResults(1).getResultStream().findFirst()
                .map(JpaChoiceStore::toEntry);
    }

    @Override
    public List<Count> counts() {
        return em.createQuery("select c.purposeKey, c.channel, c.state, count(c) from IdcChoice c"
                        + " where c.realmId = :realmId group by c.purposeKey, c.channel, c.state", Object[].class)
                .setParameter("realmId", realmId).getResultList().stream()
                .map(r -> new Count((String) r[0], fromColumn((String) r[1]),
                        dev.idconsent.consent.ChoiceState.fromValue((String) r[2]), ((Number) r[3]).longValue()))
                .toList();
    }

    @Override
    public CountsByCode countsByCode(String attribute, long people) {
        // two grouped queries over the answers and the people, each joined to the attribute with the code
        Map<String, List<Count>> answers = new HashMap<>();
        em.createQuery("select c.purposeKey, c.channel, c.state, a.value, count(c) from IdcChoice c"
                        + " left join UserAttributeEntity a on a.user.id = c.userId and a.name = :attr"
                        + " where c.realmId = :realmId group by c.purposeKey, c.channel, c.state, a.value",
                        Object[].class)
                .setParameter("realmId", realmId).setParameter("attr", attribute).getResultList()
                .forEach(r -> answers.computeIfAbsent((String) r[3], k -> new java.util.ArrayList<>()).add(
                        new Count((String) r[0], fromColumn((String) r[1]),
                                dev.idconsent.consent.ChoiceState.fromValue((String) r[2]),
                                ((Number) r[4]).longValue())));
        Map<String, Long> byCode = new HashMap<>();
        em.createQuery("select a.value, count(u) from UserEntity u left join UserAttributeEntity a"
                        + " on a.user.id = u.id and a.name = :attr where u.realmId = :realmId"
                        + " and u.serviceAccountClientLink is null group by a.value", Object[].class)
                .setParameter("realmId", realmId).setParameter("attr", attribute).getResultList()
                .forEach(r -> byCode.put((String) r[0], ((Number) r[1]).longValue()));
        return new CountsByCode(answers, byCode);
    }

    @Override
    public List<String> grantedBy(String purpose, Instant givenBy, int max) {
        // IDX_IDC_CHOICE_GIVEN (realm, purpose, state, changed at): the due yeses only, however many are not due
        return em.createQuery("select distinct c.userId from IdcChoice c where c.realmId = :realmId"
                        + " and c.purposeKey = :purposeKey and c.state = 'granted' and c.changedAt <= :givenBy",
                        String.class)
                .setParameter("realmId", realmId).setParameter("purposeKey", purpose)
                .setParameter("givenBy", givenBy.toEpochMilli()).setMaxResults(max).getResultList();
    }

    /** The people with a pause of {@code purpose} that ends at or before {@code by}, at most {@code max}. */
    public List<String> pausedUntil(String purpose, Instant by, int max) {
        // IDX_IDC_CHOICE_GIVEN (realm, purpose, state, …): the paused answers only
        return em.createQuery("select distinct c.userId from IdcChoice c where c.realmId = :realmId"
                        + " and c.purposeKey = :purposeKey and c.state = 'paused' and c.pausedUntil <= :by",
                        String.class)
                .setParameter("realmId", realmId).setParameter("purposeKey", purpose)
                .setParameter("by", by.toEpochMilli()).setMaxResults(max).getResultList();
    }

    @Override
    public long countGrantedBy(String purpose, String channel, Instant givenBy) {
        return em.createQuery("select count(c) from IdcChoice c where c.realmId = :realmId and c.purposeKey ="
                        + " :purposeKey and c.state = 'granted' and c.changedAt <= :givenBy and c.channel = :channel",
                        Long.class)
                .setParameter("realmId", realmId).setParameter("purposeKey", purpose)
                .setParameter("channel", toColumn(channel)).setParameter("givenBy", givenBy.toEpochMilli())
                .getSingleResult();
    }

    @Override
    public List<HistoryEntry> history(String subjectId, int first, int max) {
        return em.createNamedQuery("idcHistoryOfUser", HistoryEntity.class).setParameter("userId", subjectId)
                .setFirstResult(first).setMaxResults(max).getResultStream().map(JpaChoiceStore::toEntry).toList();
    }

    /** Read-only values: the entities leave the persistence context, so a long history does not pile up in it. */
    @Override
    public List<HistoryEntry> historyAfter(String subjectId, long afterId, int max) {
        return em.createNamedQuery("idcHistoryOfUserAfter", HistoryEntity.class).setParameter("userId", subjectId)
                .setParameter("afterId", afterId).setMaxResults(max).getResultStream().map(h -> {
                    em.detach(h);
                    return toEntry(h);
                }).toList();
    }

    @Override
    public List<HistoryEntry> historyAfter(String subjectId, String purpose, String channel, long afterId, int max) {
        return em.createNamedQuery("idcHistoryOfUserPurposeAfter", HistoryEntity.class)
                .setParameter("userId", subjectId).setParameter("purposeKey", purpose)
                .setParameter("channel", toColumn(channel)).setParameter("afterId", afterId).setMaxResults(max)
                .getResultStream().map(h -> {
                    em.detach(h);
                    return toEntry(h);
                }).toList();
    }

    @Override
    public java.util.Set<String> purposesChangedVia(String subjectId, dev.idconsent.consent.Via via) {
        return new java.util.HashSet<>(em.createNamedQuery("idcPurposesChangedVia", String.class)
                .setParameter("userId", subjectId).setParameter("via", via.value()).getResultList());
    }

    /**
     * A user a sender may reach: what the audience page shows of them; {@code frequency} for a purpose offering
     * frequencies (the person's, else the default).
     */
    public record Recipient(String id, String email, String locale, String frequency) {
    }

    /**
     * One page of the users a sender may reach now for a purpose and channel, ordered by id, after
     * {@code cursor}: opt-in needs a granted answer, opt-out and required need no denial. Enabled people only (no
     * service accounts); for the email channel only users with an email address.
     *
     * @param verifiedOnly only users whose email address is verified
     * @param frequency    only people with this frequency (the purpose must offer it); {@code null}: everyone
     *
     * <p>Two queries per page whatever its size: the page with each user's email, then the locales of the page's
     * users. (Loading each user through Keycloak's user provider cost one round of queries per user: the N+1 the
     * benchmark showed, see docs/BENCHMARKS.md.) The audience joins Keycloak's user table, so only local users
     * are in it, and the user table is the record for them, as the user provider would read it.
     */
    public List<Recipient> audience(dev.idconsent.consent.Purpose purpose, dev.idconsent.consent.Regions regions,
                                    String channel, boolean verifiedOnly, String frequency, String organization,
                                    String cursor, int max) {
        String column = toColumn(channel);
        String email = ("email".equals(channel) ? " and u.email is not null" : "")
                + (verifiedOnly ? " and u.emailVerified = true" : "");
        // an organization's members: Keycloak keeps them as members of the organization's own group
        String members = organization == null ? "" : " and exists (select m.groupId from UserGroupMembershipEntity m,"
                + " OrganizationEntity o where m.user = u and m.groupId = o.groupId and o.realmId = :realmId"
                + " and o.alias = :organization)";
        String people = "u.realmId = :realmId and u.enabled = true and u.serviceAccountClientLink is null"
                + " and u.id > :cursor" + email + members;
        // The answers that decide, from IDX_IDC_CHOICE_PURPOSE in user order and starting at the cursor (c.userId
        // > :cursor repeats u.id > :cursor for the planner): without it PostgreSQL read them from the first user
        // on every page, so a page cost more the further the cursor was (docs/BENCHMARKS.md)
        String answers = "c.realmId = :realmId and c.purposeKey = :purposeKey and c.channel = :channel"
                + " and c.userId > :cursor";
        // a frequency is the person's while the purpose still offers it, else the default
        boolean frequencies = !purpose.frequencies().isEmpty();
        List<String> offered = purpose.frequencies().stream().map(dev.idconsent.consent.Frequency::key).toList();
        String often = frequency == null ? ""
                : frequency.equals(purpose.defaultFrequency())
                ? " and (c.frequency is null or c.frequency = :frequency or c.frequency not in :offered)"
                : " and c.frequency = :frequency";
        jakarta.persistence.TypedQuery<Object[]> query;
        if (RegionalDefaults.applies(purpose, regions)) {
            // the default depends on where each person is: required there, or opt-out there and not denied, or
            // granted; still one query per page in user order, each user's code and answer merged in by index. The
            // joins repeat the cursor for the planner: without it PostgreSQL merged from the realm's first code
            // and answer on every page (460 ms a page half-way through a million users, 4 ms with it)
            RegionalDefaults where = new RegionalDefaults(purpose, regions);
            query = where.bind(em.createQuery("select u.id, u.email, c.frequency from UserEntity u" + where.join()
                    + " and a.user.id > :cursor left join IdcChoice c on c.userId = u.id and c.realmId = :realmId"
                    + " and c.purposeKey = :purposeKey and c.channel = :channel and c.userId > :cursor where " + people
                    + " and ("
                    + where.gives(dev.idconsent.consent.Mechanism.REQUIRED) + " or c.state = 'granted' or ("
                    + where.gives(dev.idconsent.consent.Mechanism.OPT_OUT) + " and (c.state is null or c.state not"
                    + " in ('denied', 'paused'))))" + often + " order by u.id", Object[].class));
        } else if (purpose.mechanism() == dev.idconsent.consent.Mechanism.OPT_IN) {
            query = em.createQuery("select u.id, u.email, c.frequency from IdcChoice c, UserEntity u where"
                    + " c.userId = u.id and " + answers + " and c.state = 'granted' and " + people + often
                    + " order by c.userId", Object[].class);
        } else if (frequencies) {
            // opt-out with frequencies: the answer (if any) comes along for its frequency
            query = em.createQuery("select u.id, u.email, c.frequency from UserEntity u left join IdcChoice c on"
                    + " c.userId = u.id and " + answers + " where " + people + " and (c.state is null or c.state not"
                    + " in ('denied', 'paused'))" + often + " order by u.id", Object[].class);
        } else {
            query = em.createQuery("select u.id, u.email from UserEntity u where " + people + " and not exists"
                    + " (select c.id from IdcChoice c where c.userId = u.id and " + answers
                    + " and c.state in ('denied', 'paused')) order by u.id", Object[].class);
        }
        if (organization != null) {
            query.setParameter("organization", organization);
        }
        if (frequency != null) {
            query.setParameter("frequency", frequency);
            if (frequency.equals(purpose.defaultFrequency())) {
                query.setParameter("offered", offered);
            }
        }
        List<Object[]> rows = query.setParameter("realmId", realmId).setParameter("cursor", cursor == null ? "" : cursor)
                .setParameter("purposeKey", purpose.key()).setParameter("channel", column).setMaxResults(max)
                .getResultList();
        if (rows.isEmpty()) {
            return List.of();
        }
        Map<String, String> locales = new HashMap<>();
        em.createQuery("select a.user.id, a.value from UserAttributeEntity a where a.user.id in :ids"
                        + " and a.name = :name", Object[].class)
                .setParameter("ids", rows.stream().map(r -> (String) r[0]).toList())
                .setParameter("name", org.keycloak.models.UserModel.LOCALE).getResultStream()
                .forEach(r -> locales.putIfAbsent((String) r[0], (String) r[1]));
        return rows.stream().map(r -> new Recipient((String) r[0], (String) r[1], locales.get((String) r[0]),
                frequencies ? purpose.frequencyOf(r.length > 2 ? (String) r[2] : null) : null)).toList();
    }

    /**
     * The users for whom the purpose is on, as a whole or on any channel: whose answer grants it or, where the realm's
     * regions make it opt-out or required for them, who did not say no (people, not service accounts).
     */
    public java.util.Set<String> grantedSubjects(dev.idconsent.consent.Purpose purpose,
                                                 dev.idconsent.consent.Regions regions) {
        if (!RegionalDefaults.applies(purpose, regions)) {
            return grantedSubjects(purpose.key());
        }
        RegionalDefaults where = new RegionalDefaults(purpose, regions);
        List<String> channels = purpose.choiceChannels().stream().map(JpaChoiceStore::toColumn).toList();
        StringBuilder anyNotDenied = new StringBuilder();
        for (int i = 0; i < channels.size(); i++) {
            anyNotDenied.append(i == 0 ? "" : " or ").append("not exists (select c.id from IdcChoice c where"
                    + " c.userId = u.id and c.realmId = :realmId and c.purposeKey = :purposeKey and c.channel = :ch")
                    .append(i).append(" and c.state in ('denied', 'paused'))");
        }
        jakarta.persistence.TypedQuery<String> query = where.bind(em.createQuery("select u.id from UserEntity u"
                + where.join() + " where u.realmId = :realmId and u.serviceAccountClientLink is null and ("
                + where.gives(dev.idconsent.consent.Mechanism.REQUIRED)
                + " or exists (select c.id from IdcChoice c where c.userId = u.id and c.realmId = :realmId"
                + " and c.purposeKey = :purposeKey and c.state = 'granted') or ("
                + where.gives(dev.idconsent.consent.Mechanism.OPT_OUT) + " and (" + anyNotDenied + ")))",
                String.class));
        for (int i = 0; i < channels.size(); i++) {
            query.setParameter("ch" + i, channels.get(i));
        }
        return new java.util.HashSet<>(query.setParameter("realmId", realmId)
                .setParameter("purposeKey", purpose.key()).getResultList());
    }

    /** The users whose answer grants the purpose on the whole or on any channel. */
    public java.util.Set<String> grantedSubjects(String purposeKey) {
        return new java.util.HashSet<>(em.createNamedQuery("idcSubjectsGranting", String.class)
                .setParameter("realmId", realmId).setParameter("purposeKey", purposeKey).getResultList());
    }

    /** Removes every row of a user; called before Keycloak deletes the user. */
    public void deleteUser(String userId) {
        em.createNamedQuery("idcDeleteChoicesOfUser").setParameter("userId", userId).executeUpdate();
        em.createNamedQuery("idcDeleteHistoryOfUser").setParameter("userId", userId).executeUpdate();
    }

    /** Removes every row of a realm, including the archived purpose texts. */
    public void deleteRealm() {
        em.createNamedQuery("idcDeleteChoicesOfRealm").setParameter("realmId", realmId).executeUpdate();
        em.createNamedQuery("idcDeleteHistoryOfRealm").setParameter("realmId", realmId).executeUpdate();
        em.createNamedQuery("idcDeleteTextsOfRealm").setParameter("realmId", realmId).executeUpdate();
        em.createNamedQuery("idcDeleteFeedStateOfRealm").setParameter("realmId", realmId).executeUpdate();
    }

    static Choice toChoice(ChoiceEntity c) {
        return new Choice(c.purposeKey, fromColumn(c.channel), ChoiceState.fromValue(c.state), c.purposeVersion,
                Via.fromValue(c.via), new Actor(c.actorId, c.actorUsername, Actor.Kind.fromValue(c.actorKind)),
                c.clientId, Instant.ofEpochMilli(c.changedAt), c.historyId, c.frequency,
                c.pausedUntil == null ? null : Instant.ofEpochMilli(c.pausedUntil),
                c.resumeState == null ? null : ChoiceState.fromValue(c.resumeState));
    }

    static HistoryEntry toEntry(HistoryEntity h) {
        return new HistoryEntry(h.id, h.userId, h.purposeKey, fromColumn(h.channel), h.purposeVersion,
                h.previousState == null ? null : ChoiceState.fromValue(h.previousState),
                ChoiceState.fromValue(h.state), Via.fromValue(h.via),
                new Actor(h.actorId, h.actorUsername, Actor.Kind.fromValue(h.actorKind)), h.clientId, h.capability,
                h.reason, Instant.ofEpochMilli(h.createdAt),
                h.source == null ? null : new HistoryEntry.Provenance(h.source, h.evidence), h.locale, h.region,
                h.frequency, h.previousFrequency, h.pausedUntil == null ? null : Instant.ofEpochMilli(h.pausedUntil));
    }

    private static String key(String userId, String purpose, String channelColumn) {
        return userId + "|" + purpose + "|" + channelColumn;
    }

    static String toColumn(String channel) {
        return channel == null ? NO_CHANNEL : channel;
    }

    static String fromColumn(String channel) {
        return NO_CHANNEL.equals(channel) ? null : channel;
    }
}
