package dev.idconsent.consent.jpa;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQueries;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;

/** An opt-out that outlived its account: a keyed hash of the address, the purpose, the channel, the time. */
@Entity(name = "IdcSuppression")
@Table(name = "IDC_SUPPRESSION")
@NamedQueries({
    @NamedQuery(name = "idcSuppressionsOf", query = "select s from IdcSuppression s where s.realmId = :realmId"
            + " and s.addressHash = :hash"),
    @NamedQuery(name = "idcSuppressionCounts", query = "select s.purposeKey, s.channel, count(s) from IdcSuppression s"
            + " where s.realmId = :realmId group by s.purposeKey, s.channel order by s.purposeKey, s.channel"),
    @NamedQuery(name = "idcDeleteSuppressionsOfRealm", query = "delete from IdcSuppression s"
            + " where s.realmId = :realmId")
})
class SuppressionEntity {
    @Id
    @Column(name = "ID", length = 36)
    String id;
    @Column(name = "REALM_ID", length = 36, nullable = false)
    String realmId;
    /** HMAC-SHA256 of channel and normalized address with the realm's key, hex. */
    @Column(name = "ADDRESS_HASH", length = 64, nullable = false)
    String addressHash;
    @Column(name = "PURPOSE_KEY", length = 64, nullable = false)
    String purposeKey;
    @Column(name = "CHANNEL", length = 64, nullable = false)
    String channel;
    @Column(name = "CREATED_AT", nullable = false)
    long createdAt;
}
