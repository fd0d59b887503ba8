package dev.idconsent.consent.jpa;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQueries;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;

/** Every text a purpose had, per version; corrections add rows under the same version. */
@Entity(name = "IdcPurposeText")
@Table(name = "IDC_PURPOSE_TEXT")
@NamedQueries({
    @NamedQuery(name = "idcTextsOfPurpose", query = "select t from IdcPurposeText t where t.realmId = :realmId"
            + " and t.purposeKey = :purposeKey order by t.createdAt, t.id"),
    @NamedQuery(name = "idcCountTextsOfVersion", query = "select count(t) from IdcPurposeText t where"
            + " t.realmId = :realmId and t.purposeKey = :purposeKey and t.version = :version"),
    @NamedQuery(name = "idcDeleteTextsOfRealm", query = "delete from IdcPurposeText t where t.realmId = :realmId")
})
class PurposeTextEntity {
    @Id
    @Column(name = "ID", length = 36)
    String id;
    @Column(name = "REALM_ID", length = 36, nullable = false)
    String realmId;
    @Column(name = "PURPOSE_KEY", length = 64, nullable = false)
    String purposeKey;
    @Column(name = "VERSION", nullable = false)
    int version;
    @Column(name = "LABEL", length = 255, nullable = false)
    String label;
    @Column(name = "DESCRIPTION", length = 4000)
    String description;
    /** One name per line; null when there are none. */
    @Column(name = "RECIPIENTS", length = 4100)
    String recipients;
    @Column(name = "LEGAL_BASIS", length = 32)
    String legalBasis;
    /** The words in other languages, JSON by language tag; null when there are none. A CLOB, read as a string. */
    @Column(name = "TRANSLATIONS", length = 200_000)
    String translations;
    @Column(name = "KIND", length = 16, nullable = false)
    String kind;
    @Column(name = "ACTOR_ID", length = 36)
    String actorId;
    @Column(name = "CREATED_AT", nullable = false)
    long createdAt;
}
