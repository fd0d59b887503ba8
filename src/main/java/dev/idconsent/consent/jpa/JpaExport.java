package dev.idconsent.consent.jpa;

import dev.idconsent.consent.Choice;
import dev.idconsent.consent.HistoryEntry;
import jakarta.persistence.EntityManager;
import jakarta.persistence.TypedQuery;
import java.time.Instant;
import java.util.List;

/**
 * Pages of a realm's current choices or history for exports, by keyset (the row id), so each page is one indexed
 * query however large the realm, with the person's username joined in.
 */
public final class JpaExport {
    /**
     * @param purpose {@code null} for all
     * @param channel {@code null} for all; {@link #NO_CHANNEL} for purposes without channels
     * @param from    inclusive, or {@code null}
     * @param to      exclusive, or {@code null}
     */
    public record Filter(String purpose, String channel, Instant from, Instant to) {
    }

    /**
     * The channel filter for purposes without channels: the same marker the tables use. (An empty query value
     * cannot be told from a missing one: Keycloak's JAX-RS hands {@code channel=} over as no parameter.)
     */
    public static final String NO_CHANNEL = JpaChoiceStore.NO_CHANNEL;

    /** @param region the region whose rule applied when the person gave this answer (its history row's) */
    public record ChoiceRow(String id, String subjectId, String username, Choice choice, String region) {
    }

    public record HistoryRow(String username, HistoryEntry entry) {
    }

    private final EntityManager em;
    private final String realmId;

    /** The export reader of the session's EntityManager. */
    public static JpaExport of(org.keycloak.models.KeycloakSession session, String realmId) {
        return new JpaExport(ConsentEntityProviderFactory.em(session), realmId);
    }

    public JpaExport(EntityManager em, String realmId) {
        this.em = em;
        this.realmId = realmId;
    }

    public List<ChoiceRow> choices(Filter filter, String afterId, int max) {
        TypedQuery<Object[]> query = em.createQuery("select c, u.username, h.region from IdcChoice c join"
                + " UserEntity u on u.id = c.userId left join IdcHistory h on h.id = c.historyId"
                + " where c.realmId = :realmId and c.id > :after"
                + where(filter, "c.changedAt") + " order by c.id", Object[].class);
        bind(query, filter).setParameter("after", afterId == null ? "" : afterId);
        return query.setMaxResults(max).getResultStream().map(r -> {
            ChoiceEntity c = (ChoiceEntity) r[0];
            return new ChoiceRow(c.id, c.userId, (String) r[1], JpaChoiceStore.toChoice(c), (String) r[2]);
        }).toList();
    }

    public List<HistoryRow> history(Filter filter, long afterId, int max) {
        TypedQuery<Object[]> query = em.createQuery("select c, u.username from IdcHistory c left join UserEntity u"
                + " on u.id = c.userId where c.realmId = :realmId and c.id > :after"
                + where(filter, "c.createdAt") + " order by c.id", Object[].class);
        bind(query, filter).setParameter("after", afterId);
        return query.setMaxResults(max).getResultStream()
                .map(r -> new HistoryRow((String) r[1], JpaChoiceStore.toEntry((HistoryEntity) r[0]))).toList();
    }

    private static String where(Filter filter, String at) {
        return (filter.purpose() == null ? "" : " and c.purposeKey = :purpose")
                + (filter.channel() == null ? "" : " and c.channel = :channel")
                + (filter.from() == null ? "" : " and " + at + " >= :from")
                + (filter.to() == null ? "" : " and " + at + " < :to");
    }

    private TypedQuery<Object[]> bind(TypedQuery<Object[]> query, Filter filter) {
        query.setParameter("realmId", realmId);
        if (filter.purpose() != null) {
            query.setParameter("purpose", filter.purpose());
        }
        if (filter.channel() != null) {
            query.setParameter("channel", JpaChoiceStore.toColumn(
                    NO_CHANNEL.equals(filter.channel()) ? null : filter.channel()));
        }
        if (filter.from() != null) {
            query.setParameter("from", filter.from().toEpochMilli());
        }
        if (filter.to() != null) {
            query.setParameter("to", filter.to().toEpochMilli());
        }
        return query;
    }
}
