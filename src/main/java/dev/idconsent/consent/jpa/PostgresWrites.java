package dev.idconsent.consent.jpa;

import jakarta.persistence.EntityManager;
import java.util.ArrayList;
import java.util.List;

/**
 * One change of a person's choices on PostgreSQL in one statement: its history row, the answer it leaves (pointing
 * at that row, whose id only the insert knows) and, with the last change of a request, the person's summary
 * attributes — data-modifying {@code WITH} clauses, one round trip where the JPA path takes three (issue #15).
 * Runs under the writers' lock ({@link JpaChoiceStore#currentForUpdate}), after which nobody else writes these
 * rows, so the answer row is inserted, updated or deleted as the lock's read found it. Through Hibernate's
 * native query, so the statement is logged (and counted) like every other.
 */
final class PostgresWrites {
    /** See {@link #applies}; {@code null} until the first write. */
    private static volatile Boolean postgres;

    private PostgresWrites() {
    }

    /** A statement parameter and the Java type to bind it as (so that a null is bound with its column's type). */
    record Parameter(Object value, Class<?> type) {
    }

    /** Adds a parameter and returns its placeholder. */
    static String add(List<Parameter> parameters, Object value, Class<?> type) {
        parameters.add(new Parameter(value, type));
        return "?" + parameters.size();
    }

    /** Whether the database is PostgreSQL reading committed data per statement (Keycloak's default there). */
    static boolean applies(EntityManager em) {
        Boolean known = postgres;
        if (known == null) {
            known = em.getEntityManagerFactory().unwrap(org.hibernate.engine.spi.SessionFactoryImplementor.class)
                    .getJdbcServices().getDialect() instanceof org.hibernate.dialect.PostgreSQLDialect;
            postgres = known;
        }
        return known && JpaChoiceStore.readsCommitted(em);
    }

    /**
     * @param row        the history row to insert
     * @param before     the id of the person's answer row for this purpose and channel, {@code null}: none
     * @param after      the answer the change leaves (its id: {@code before}'s or a new one), {@code null}: none
     * @param attributes the summary attributes to write in the same statement, or {@code null}
     * @return the history row's id
     */
    static long write(EntityManager em, HistoryEntity row, String before, ChoiceEntity after,
                      LocalUserAttributes.Overwrite attributes) {
        List<Parameter> p = new ArrayList<>();
        StringBuilder sql = new StringBuilder("with h as (insert into idc_choice_history (realm_id, user_id,"
                + " purpose_key, channel, purpose_version, previous_state, state, via, actor_id, actor_username,"
                + " actor_kind, client_id, capability, reason, source, evidence, locale, region, frequency,"
                + " previous_frequency, paused_until, created_at) values (");
        sql.append(String.join(", ", add(p, row.realmId, String.class), add(p, row.userId, String.class),
                add(p, row.purposeKey, String.class), add(p, row.channel, String.class),
                add(p, row.purposeVersion, Integer.class), add(p, row.previousState, String.class),
                add(p, row.state, String.class), add(p, row.via, String.class), add(p, row.actorId, String.class),
                add(p, row.actorUsername, String.class), add(p, row.actorKind, String.class),
                add(p, row.clientId, String.class), add(p, row.capability, String.class),
                add(p, row.reason, String.class), add(p, row.source, String.class), add(p, row.evidence, String.class),
                add(p, row.locale, String.class), add(p, row.region, String.class),
                add(p, row.frequency, String.class), add(p, row.previousFrequency, String.class),
                add(p, row.pausedUntil, Long.class), add(p, row.createdAt, Long.class)));
        sql.append(") returning id)");
        if (after == null) {
            if (before != null) {
                sql.append(", c as (delete from idc_choice where id = ").append(add(p, before, String.class))
                        .append(")");
            }
        } else if (before == null) {
            sql.append(", c as (insert into idc_choice (id, realm_id, user_id, purpose_key, channel, state,"
                    + " purpose_version, via, actor_id, actor_username, actor_kind, client_id, changed_at, history_id,"
                    + " frequency, paused_until, resume_state) select ");
            sql.append(String.join(", ", add(p, after.id, String.class), add(p, after.realmId, String.class),
                    add(p, after.userId, String.class), add(p, after.purposeKey, String.class),
                    add(p, after.channel, String.class))).append(", ").append(answer(p, after, ", "))
                    .append(" from h)");
        } else {
            sql.append(", c as (update idc_choice set ").append(answer(p, after, null))
                    .append(" from h where idc_choice.id = ").append(add(p, before, String.class)).append(")");
        }
        if (attributes != null) {
            sql.append(", a as (").append(attributes.sql(p)).append(")");
        }
        sql.append(" select h.id, ").append(attributes == null ? "0" : "(select count(*) from a)").append(" from h");
        @SuppressWarnings("unchecked")
        org.hibernate.query.NativeQuery<Object[]> query = em.createNativeQuery(sql.toString())
                .unwrap(org.hibernate.query.NativeQuery.class);
        // the statement writes only the plugin's tables and an attribute row Keycloak's model does not hold in
        // this transaction: nothing else needs flushing first
        query.addSynchronizedEntityClass(ChoiceEntity.class).addSynchronizedEntityClass(HistoryEntity.class);
        for (int i = 0; i < p.size(); i++) {
            bind(query, i + 1, p.get(i));
        }
        Object[] result = query.getSingleResult();
        if (attributes != null) {
            attributes.written(((Number) result[1]).longValue());
        }
        return ((Number) result[0]).longValue();
    }

    /**
     * The answer's columns after {@code id, realm_id, user_id, purpose_key, channel}: as a value list when
     * {@code separator} is given (an insert), else as assignments (an update); its history row is {@code h.id}.
     */
    private static String answer(List<Parameter> p, ChoiceEntity c, String separator) {
        String[] columns = {"state", "purpose_version", "via", "actor_id", "actor_username", "actor_kind",
                "client_id", "changed_at", "history_id", "frequency", "paused_until", "resume_state"};
        String[] values = {add(p, c.state, String.class), add(p, c.purposeVersion, Integer.class),
                add(p, c.via, String.class), add(p, c.actorId, String.class), add(p, c.actorUsername, String.class),
                add(p, c.actorKind, String.class), add(p, c.clientId, String.class),
                add(p, c.changedAt, Long.class), "h.id", add(p, c.frequency, String.class),
                add(p, c.pausedUntil, Long.class), add(p, c.resumeState, String.class)};
        List<String> out = new ArrayList<>();
        for (int i = 0; i < columns.length; i++) {
            out.add(separator != null ? values[i] : columns[i] + " = " + values[i]);
        }
        return String.join(", ", out);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void bind(org.hibernate.query.NativeQuery<?> query, int position, Parameter parameter) {
        query.setParameter(position, parameter.value(), (Class) parameter.type());
    }
}
