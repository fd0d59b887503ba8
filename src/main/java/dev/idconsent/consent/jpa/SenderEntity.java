package dev.idconsent.consent.jpa;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQueries;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;

/**
 * A sender (a client reading the feed or a purpose's audience, a webhook endpoint) and how far opt-outs have reached
 * it.
 */
@Entity(name = "IdcSender")
@Table(name = "IDC_SENDER")
@NamedQueries({
    @NamedQuery(name = "idcSendersOfRealm",
            query = "select s from IdcSender s where s.realmId = :realmId order by s.kind, s.name"),
    @NamedQuery(name = "idcSenderRealms", query = "select distinct s.realmId from IdcSender s"),
    // conditional, so that of several nodes looking at once exactly one raises the warning
    @NamedQuery(name = "idcSenderWarn",
            query = "update IdcSender s set s.warnedAt = :at where s.id = :id and s.warnedAt is null"),
    @NamedQuery(name = "idcSenderUnwarn", query = "update IdcSender s set s.warnedAt = null where s.id = :id"),
    @NamedQuery(name = "idcDeleteSendersOfRealm", query = "delete from IdcSender s where s.realmId = :realmId"),
    // history rows read for senders: opt-outs made in this system (an imported one carries the time it was made
    // elsewhere, not when it arrived here), from the sender's start on
    @NamedQuery(name = "idcOptOutsReached", query = "select h.createdAt from IdcHistory h where h.realmId = :realmId"
            + " and h.feedSeq > :from and h.feedSeq <= :to and h.state in :states and h.createdAt >= :since"
            + " and h.source is null"),
    @NamedQuery(name = "idcOldestOptOutAfter", query = "select h.createdAt, h.purposeKey, h.channel from IdcHistory h"
            + " where h.realmId = :realmId and h.feedSeq > :after and h.state in :states and h.createdAt >= :since"
            + " and h.source is null order by h.feedSeq"),
    // ordered as IDX_IDC_HISTORY_FEED_ID is (see idcFeedUnnumbered)
    @NamedQuery(name = "idcOldestOptOutUnnumbered", query = "select h.createdAt, h.purposeKey, h.channel"
            + " from IdcHistory h where h.realmId = :realmId and h.feedSeq is null and h.state in :states"
            + " and h.createdAt >= :since and h.source is null order by h.feedSeq, h.id"),
    // an audience reader: the opt-outs of its purpose and channel still in effect, by when they were made, through
    // IDX_IDC_CHOICE_GIVEN (realm, purpose, state, changed at); imported answers are not counted
    @NamedQuery(name = "idcAudienceOptOutsReached", query = "select c.changedAt from IdcChoice c where c.realmId ="
            + " :realmId and c.purposeKey = :purposeKey and c.state in :states and c.changedAt > :from"
            + " and c.changedAt <= :to and c.changedAt >= :since and c.channel = :channel and c.via <> 'import'"),
    @NamedQuery(name = "idcAudienceOldestOptOut", query = "select c.changedAt, c.purposeKey, c.channel from IdcChoice c"
            + " where c.realmId = :realmId and c.purposeKey = :purposeKey and c.state in :states and c.changedAt >"
            + " :after and c.changedAt >= :since and c.channel = :channel and c.via <> 'import' order by c.changedAt")
})
class SenderEntity {
    /** A webhook's own id; for a feed reader derived from realm and client id (see {@link JpaSenders#feedId}). */
    @Id
    @Column(name = "ID", length = 36)
    String id;
    @Column(name = "REALM_ID", length = 36, nullable = false)
    String realmId;
    @Column(name = "KIND", length = 16, nullable = false)
    String kind;
    /** The client id of a feed reader, the webhook's id for a webhook. */
    @Column(name = "NAME", length = 255, nullable = false)
    String name;
    /**
     * The feed position up to which the sender has taken everything in; for an audience reader the time (epoch
     * milliseconds) its last read of the audience began.
     */
    @Column(name = "REACHED_SEQ", nullable = false)
    long reached;
    /** The sender is held to the opt-outs made from then on. */
    @Column(name = "SINCE", nullable = false)
    long since;
    @Column(name = "LAST_SEEN_AT")
    Long lastSeenAt;
    @Column(name = "WARNED_AT")
    Long warnedAt;
    /** An audience reader's purpose; NULL for the other kinds. */
    @Column(name = "PURPOSE_KEY", length = 64)
    String purposeKey;
    /** An audience reader's channel (the choice table's column value); NULL for the other kinds. */
    @Column(name = "CHANNEL", length = 64)
    String channel;
}
