package dev.idconsent.consent.jpa;

import dev.idconsent.consent.Actor;
import dev.idconsent.consent.Choice;
import dev.idconsent.consent.ChoiceState;
import dev.idconsent.consent.ChoiceStore;
import dev.idconsent.consent.HistoryEntry;
import dev.idconsent.consent.Via;
import jakarta.persistence.EntityManager;
import java.time.Instant;
import java.util.List;
import org.keycloak.models.utils.KeycloakModelUtils;

/** Choices and history in the plugin's tables, through the EntityManager Keycloak's user store uses too. */
public final class JpaChoiceStore implements ChoiceStore {
    static final String NO_CHANNEL = "-";

    private final EntityManager em;
    private final String realmId;

    public JpaChoiceStore(EntityManager em, String realmId) {
        this.em = em;
        this.realmId = realmId;
    }

    @Override
    public List<Choice> current(String subjectId) {
        return em.createNamedQuery("idcChoicesOfUser", ChoiceEntity.class).setParameter("userId", subjectId)
                .getResultStream().map(JpaChoiceStore::toChoice).toList();
    }

    @Override
    public HistoryEntry append(HistoryEntry e) {
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
        h.reason = e.reason();
        h.createdAt = e.at().toEpochMilli();
        em.persist(h);
        em.flush(); // assigns the identity id, which the current-state row points at
        return toEntry(h);
    }

    @Override
    public void put(String subjectId, Choice choice) {
        ChoiceEntity c = em.createNamedQuery("idcChoicesOfUser", ChoiceEntity.class)
                .setParameter("userId", subjectId).getResultStream()
                .filter(x -> x.purposeKey.equals(choice.purpose()) && x.channel.equals(toColumn(choice.channel())))
                .findFirst().orElse(null);
        boolean isNew = c == null;
        if (isNew) {
            c = new ChoiceEntity();
            c.id = KeycloakModelUtils.generateId();
            c.realmId = realmId;
            c.userId = subjectId;
            c.purposeKey = choice.purpose();
            c.channel = toColumn(choice.channel());
        }
        c.state = choice.state().value();
        c.purposeVersion = choice.purposeVersion();
        c.via = choice.via().value();
        c.actorId = choice.actor().id();
        c.actorUsername = choice.actor().username();
        c.actorKind = choice.actor().kind().value();
        c.clientId = choice.clientId();
        c.changedAt = choice.at().toEpochMilli();
        c.historyId = choice.historyId();
        if (isNew) {
            em.persist(c);
        }
    }

    @Override
    public List<HistoryEntry> history(String subjectId, int first, int max) {
        return em.createNamedQuery("idcHistoryOfUser", HistoryEntity.class).setParameter("userId", subjectId)
                .setFirstResult(first).setMaxResults(max).getResultStream().map(JpaChoiceStore::toEntry).toList();
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
    }

    private static Choice toChoice(ChoiceEntity c) {
        return new Choice(c.purposeKey, fromColumn(c.channel), ChoiceState.fromValue(c.state), c.purposeVersion,
                Via.fromValue(c.via), new Actor(c.actorId, c.actorUsername, Actor.Kind.fromValue(c.actorKind)),
                c.clientId, Instant.ofEpochMilli(c.changedAt), c.historyId);
    }

    private static HistoryEntry toEntry(HistoryEntity h) {
        return new HistoryEntry(h.id, h.userId, h.purposeKey, fromColumn(h.channel), h.purposeVersion,
                h.previousState == null ? null : ChoiceState.fromValue(h.previousState),
                ChoiceState.fromValue(h.state), Via.fromValue(h.via),
                new Actor(h.actorId, h.actorUsername, Actor.Kind.fromValue(h.actorKind)), h.clientId, h.reason,
                Instant.ofEpochMilli(h.createdAt));
    }

    private static String toColumn(String channel) {
        return channel == null ? NO_CHANNEL : channel;
    }

    private static String fromColumn(String channel) {
        return NO_CHANNEL.equals(channel) ? null : channel;
    }
}
