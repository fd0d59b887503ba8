package dev.idconsent.consent.jpa;

import jakarta.persistence.EntityManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.jpa.entities.UserEntity;
import org.keycloak.storage.jpa.JpaHashUtils;

/**
 * Overwrites single-valued attributes of a local user in one statement. Keycloak's model API reads the user's
 * attribute rows and then takes an update and a delete per attribute ({@code UserAdapter.setSingleAttribute} always
 * deletes other values); a consent write changes two attributes, so that was five of its statements.
 */
public final class LocalUserAttributes {
    private static final String[] COLUMNS = {"value", "longValue", "longValueHash", "longValueHashLowerCase"};

    private LocalUserAttributes() {
    }

    /**
     * Sets each attribute to its value if each already has exactly one row, as Keycloak's {@code UserAttributeEntity}
     * stores it (values over 255 characters in the long column, with their hashes).
     *
     * @param values attribute name to its new value, none of them {@code null}
     * @return {@code false} when the model API must do it (the database reads snapshots, the user is not a local
     *         one, the attributes are not all there yet, or this transaction already holds the user's attributes in
     *         memory, which an update in the database would leave stale); rows already overwritten then hold the
     *         new value, which the model API finds in place
     */
    private static boolean overwrite(KeycloakSession session, String userId, Map<String, String> values) {
        if (!possible(session, userId)) {
            return false;
        }
        EntityManager em = ConsentEntityProviderFactory.em(session);
        List<String> names = new ArrayList<>(values.keySet());
        List<Object[]> stored = stored(names, values);
        StringBuilder jpql = new StringBuilder("update UserAttributeEntity a set ");
        Map<String, Object> parameters = new java.util.HashMap<>();
        for (int column = 0; column < COLUMNS.length; column++) {
            jpql.append(column == 0 ? "" : ", ").append("a.").append(COLUMNS[column]).append(" = ");
            final int c = column;
            if (stored.stream().allMatch(s -> s[c] == null)) {
                jpql.append("null"); // a CASE of NULLs only has no type to bind
                continue;
            }
            jpql.append("case");
            for (int i = 0; i < names.size(); i++) {
                Object value = stored.get(i)[column];
                String parameter = ":v" + i + "_" + column;
                jpql.append(" when a.name = :n").append(i).append(" then ").append(value == null ? "null"
                        // a parameter in a CASE has no column to take its type from (H2 would bind text)
                        : value instanceof byte[] ? "cast(" + parameter + " as binary)" : parameter);
                if (value != null) {
                    parameters.put("v" + i + "_" + column, value);
                }
            }
            jpql.append(" end");
        }
        // the names one by one, not "in :names": Hibernate translates a statement with a list parameter again on
        // every execution (a third of this method's time in a profile of the write path)
        jpql.append(" where a.user.id = :userId and (");
        for (int i = 0; i < names.size(); i++) {
            jpql.append(i == 0 ? "" : " or ").append("a.name = :n").append(i);
        }
        jpql.append(")");
        org.hibernate.query.Query<?> update = em.createQuery(jpql.toString()).unwrap(org.hibernate.query.Query.class)
                .setParameter("userId", userId);
        for (int i = 0; i < names.size(); i++) {
            update.setParameter("n" + i, names.get(i));
        }
        // typed: inside a CASE, Hibernate would bind a byte array by its neighbours' type (as text)
        parameters.forEach((name, value) -> {
            if (value instanceof byte[] bytes) {
                update.setParameter(name, bytes, byte[].class);
            } else {
                update.setParameter(name, (String) value, String.class);
            }
        });
        return update.executeUpdate() == names.size();
    }

    /**
     * Whether an UPDATE in the database may write the user's attributes: not under snapshots, for a local user,
     * and not while this transaction holds their attributes in memory.
     */
    private static boolean possible(KeycloakSession session, String userId) {
        EntityManager em = ConsentEntityProviderFactory.em(session);
        if (!JpaChoiceStore.readsCommitted(em)) {
            // under REPEATABLE READ (MariaDB) an update that finds no rows locks the gap where they would be; the
            // inserts after it then deadlock with another user's first write doing the same (seen in FeedIT)
            return false;
        }
        // usually managed already (the request's token check or the writers' lock loaded it): then no statement
        UserEntity user = em.find(UserEntity.class, userId);
        return user != null && !em.getEntityManagerFactory().getPersistenceUnitUtil().isLoaded(user, "attributes");
    }

    /** Per attribute, per column of {@link #COLUMNS}: what Keycloak's {@code UserAttributeEntity} would hold. */
    private static List<Object[]> stored(List<String> names, Map<String, String> values) {
        List<Object[]> stored = new ArrayList<>();
        for (String name : names) {
            String value = values.get(name);
            stored.add(value.length() > 255
                    ? new Object[] {null, value, JpaHashUtils.hashForAttributeValue(value),
                            JpaHashUtils.hashForAttributeValueLowerCase(value)}
                    : new Object[] {value, null, null, null});
        }
        return stored;
    }

    /**
     * One write of a person's single-valued attributes that a store may run inside its own statement
     * ({@link PostgresWrites}); run alone, it is {@link #overwrite}. {@code then} learns whether every attribute
     * was written (else the caller writes them through Keycloak's model API).
     */
    public static final class Overwrite implements Runnable {
        private static final String[] SQL_COLUMNS = {"value", "long_value", "long_value_hash",
                "long_value_hash_lower_case"};
        private final KeycloakSession session;
        private final String userId;
        private final Map<String, String> values;
        private final java.util.function.Consumer<Boolean> then;

        public Overwrite(KeycloakSession session, String userId, Map<String, String> values,
                         java.util.function.Consumer<Boolean> then) {
            this.session = session;
            this.userId = userId;
            this.values = values;
            this.then = then;
        }

        @Override
        public void run() {
            then.accept(overwrite(session, userId, values));
        }

        boolean possible() {
            return LocalUserAttributes.possible(session, userId);
        }

        /**
         * The UPDATE of Keycloak's {@code USER_ATTRIBUTE} table in SQL, returning a row per attribute written; its
         * parameters are added to {@code parameters}, numbered on from their size.
         */
        String sql(List<PostgresWrites.Parameter> parameters) {
            List<String> names = new ArrayList<>(values.keySet());
            List<Object[]> stored = stored(names, values);
            StringBuilder sql = new StringBuilder("update user_attribute set ");
            for (int column = 0; column < SQL_COLUMNS.length; column++) {
                sql.append(column == 0 ? "" : ", ").append(SQL_COLUMNS[column]).append(" = ");
                final int c = column;
                if (stored.stream().allMatch(s -> s[c] == null)) {
                    sql.append("null");
                    continue;
                }
                sql.append("case name");
                for (int i = 0; i < names.size(); i++) {
                    Object value = stored.get(i)[column];
                    sql.append(" when ").append(PostgresWrites.add(parameters, names.get(i), String.class))
                            .append(" then ").append(value == null ? "null" : value instanceof byte[]
                                    ? PostgresWrites.add(parameters, value, byte[].class)
                                    : PostgresWrites.add(parameters, value, String.class));
                }
                sql.append(" end");
            }
            sql.append(" where user_id = ").append(PostgresWrites.add(parameters, userId, String.class))
                    .append(" and name in (");
            for (int i = 0; i < names.size(); i++) {
                sql.append(i == 0 ? "" : ", ").append(PostgresWrites.add(parameters, names.get(i), String.class));
            }
            return sql.append(") returning 1").toString();
        }

        /** After {@link #sql} ran: {@code rows} attribute rows were written. */
        void written(long rows) {
            then.accept(rows == values.size());
        }
    }
}
