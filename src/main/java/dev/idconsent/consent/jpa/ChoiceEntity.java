package dev.idconsent.consent.jpa;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQueries;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;

/** Current explicit answer per (user, purpose, channel). */
@Entity(name = "IdcChoice")
@Table(name = "IDC_CHOICE")
@NamedQueries({
    @NamedQuery(name = "idcChoicesOfUser", query = "select c from IdcChoice c where c.userId = :userId"),
    @NamedQuery(name = "idcSubjectsGranting", query = "select distinct c.userId from IdcChoice c where"
            + " c.realmId = :realmId and c.purposeKey = :purposeKey and c.state = 'granted'"),
    @NamedQuery(name = "idcDeleteChoicesOfUser", query = "delete from IdcChoice c where c.userId = :userId"),
    @NamedQuery(name = "idcDeleteChoicesOfRealm", query = "delete from IdcChoice c where c.realmId = :realmId")
})
class ChoiceEntity {
    @Id
    @Column(name = "ID", length = 36)
    String id;
    @Column(name = "REALM_ID", length = 36, nullable = false)
    String realmId;
    @Column(name = "USER_ID", length = 36, nullable = false)
    String userId;
    @Column(name = "PURPOSE_KEY", length = 64, nullable = false)
    String purposeKey;
    /** {@link JpaChoiceStore#NO_CHANNEL} for the purpose as a whole (NULLs would defeat the unique key). */
    @Column(name = "CHANNEL", length = 64, nullable = false)
    String channel;
    @Column(name = "STATE", length = 16, nullable = false)
    String state;
    @Column(name = "PURPOSE_VERSION", nullable = false)
    int purposeVersion;
    @Column(name = "VIA", length = 32, nullable = false)
    String via;
    @Column(name = "ACTOR_ID", length = 36)
    String actorId;
    @Column(name = "ACTOR_USERNAME", length = 255)
    String actorUsername;
    @Column(name = "ACTOR_KIND", length = 16, nullable = false)
    String actorKind;
    @Column(name = "CLIENT_ID", length = 255)
    String clientId;
    @Column(name = "CHANGED_AT", nullable = false)
    long changedAt;
    @Column(name = "HISTORY_ID", nullable = false)
    long historyId;
    /** With a yes, the frequency chosen; NULL: the purpose's default. */
    @Column(name = "FREQUENCY", length = 32)
    String frequency;
    /** While paused: when the pause ends (epoch milliseconds); NULL otherwise. */
    @Column(name = "PAUSED_UNTIL")
    Long pausedUntil;
    /** While paused: the state that returns then ('granted', or 'cleared' for no answer); NULL otherwise. */
    @Column(name = "RESUME_STATE", length = 16)
    String resumeState;
}
