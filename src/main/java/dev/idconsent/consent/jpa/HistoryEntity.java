package dev.idconsent.consent.jpa;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQueries;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;

/** Append-only proof; the identity column gives every row an increasing id. */
@Entity(name = "IdcHistory")
@Table(name = "IDC_CHOICE_HISTORY")
@NamedQueries({
    @NamedQuery(name = "idcHistoryOfUser",
            query = "select h from IdcHistory h where h.userId = :userId order by h.id desc"),
    @NamedQuery(name = "idcHistoryOfUserPurposeAfter", query = "select h from IdcHistory h where h.userId = :userId"
            + " and h.purposeKey = :purposeKey and h.channel = :channel and h.id > :afterId order by h.id"),
    @NamedQuery(name = "idcHistoryOfUserAfter",
            query = "select h from IdcHistory h where h.userId = :userId and h.id > :afterId order by h.id"),
    @NamedQuery(name = "idcHistoryBefore", query = "select h from IdcHistory h where h.userId = :userId"
            + " and h.purposeKey = :purposeKey and h.channel = :channel and h.id < :beforeId order by h.id desc"),
    @NamedQuery(name = "idcPurposesChangedVia", query = "select distinct h.purposeKey from IdcHistory h where"
            + " h.userId = :userId and h.via = :via"),
    @NamedQuery(name = "idcDeleteHistoryOfUser", query = "delete from IdcHistory h where h.userId = :userId"),
    @NamedQuery(name = "idcDeleteHistoryOfRealm", query = "delete from IdcHistory h where h.realmId = :realmId"),
    // ordered as IDX_IDC_HISTORY_FEED_ID is (feedSeq is null in every row here): ordered by id alone, PostgreSQL
    // walked the primary key whenever its statistics still said most rows were unnumbered (after a bulk import)
    @NamedQuery(name = "idcFeedUnnumbered", query = "select h.id from IdcHistory h where h.realmId = :realmId"
            + " and h.feedSeq is null order by h.feedSeq, h.id"),
    // only for a run of consecutive ids that idcFeedUnnumbered returned: every id in it is an unnumbered row
    @NamedQuery(name = "idcFeedNumber", query = "update IdcHistory h set h.feedSeq = h.id + :offset"
            + " where h.id between :first and :last"),
    @NamedQuery(name = "idcFeedAfter", query = "select h from IdcHistory h where h.realmId = :realmId"
            + " and h.feedSeq > :after order by h.feedSeq")
})
class HistoryEntity {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    @Column(name = "ID")
    Long id;
    @Column(name = "REALM_ID", length = 36, nullable = false)
    String realmId;
    /** Position in the realm's change feed; given by the first feed read after the row committed. */
    @Column(name = "FEED_SEQ")
    Long feedSeq;
    @Column(name = "USER_ID", length = 36, nullable = false)
    String userId;
    @Column(name = "PURPOSE_KEY", length = 64, nullable = false)
    String purposeKey;
    @Column(name = "CHANNEL", length = 64, nullable = false)
    String channel;
    @Column(name = "PURPOSE_VERSION", nullable = false)
    int purposeVersion;
    @Column(name = "PREVIOUS_STATE", length = 16)
    String previousState;
    @Column(name = "STATE", length = 16, nullable = false)
    String state;
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
    /** What allowed the writer to write (a client scope, a kind of link, the consent step, manage-users). */
    @Column(name = "CAPABILITY", length = 64)
    String capability;
    @Column(name = "REASON", length = 1000)
    String reason;
    /** An imported answer: the system it came from. */
    @Column(name = "SOURCE", length = 255)
    String source;
    /** An imported answer: what proves it there (a form id, an IP address, a document reference). */
    @Column(name = "EVIDENCE", length = 1000)
    String evidence;
    /** The language of the purpose's words the person was shown; null when none were. */
    @Column(name = "LOCALE", length = 35)
    String locale;
    /** The region whose mechanism applied (regional rules); {@code null}: the purpose's own. */
    @Column(name = "REGION", length = 64)
    String region;
    @Column(name = "CREATED_AT", nullable = false)
    long createdAt;
    /** With a yes, the frequency chosen; NULL: none chosen (the default). */
    @Column(name = "FREQUENCY", length = 32)
    String frequency;
    @Column(name = "PREVIOUS_FREQUENCY", length = 32)
    String previousFrequency;
    /** With state 'paused': when the pause ends (epoch milliseconds). */
    @Column(name = "PAUSED_UNTIL")
    Long pausedUntil;
}
