package dev.idconsent.consent.jpa;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;

/** The last feed position given out in a realm; locking this row serializes the numbering. */
@Entity(name = "IdcFeedState")
@Table(name = "IDC_FEED_STATE")
@NamedQuery(name = "idcDeleteFeedStateOfRealm", query = "delete from IdcFeedState f where f.realmId = :realmId")
class FeedStateEntity {
    @Id
    @Column(name = "REALM_ID", length = 36)
    String realmId;
    @Column(name = "LAST_SEQ", nullable = false)
    long lastSeq;
}
