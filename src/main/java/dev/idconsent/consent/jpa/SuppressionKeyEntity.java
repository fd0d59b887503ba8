package dev.idconsent.consent.jpa;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;

/**
 * A realm's secret for the suppression list's address hashes. Kept in the plugin's own table, not as a realm
 * attribute: realm attributes are shown to every admin who may view the realm and travel in realm exports.
 */
@Entity(name = "IdcSuppressionKey")
@Table(name = "IDC_SUPPRESSION_KEY")
@NamedQuery(name = "idcDeleteSuppressionKeyOfRealm", query = "delete from IdcSuppressionKey k where k.realmId = :realmId")
class SuppressionKeyEntity {
    @Id
    @Column(name = "REALM_ID", length = 36)
    String realmId;
    /** 32 random bytes, base64. */
    @Column(name = "SECRET", length = 64, nullable = false)
    String secret;
    @Column(name = "CREATED_AT", nullable = false)
    long createdAt;
}
