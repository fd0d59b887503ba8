package dev.idconsent.consent.jpa;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQueries;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;

/** A purpose text a surface showed a person: one row per person, purpose, version, surface and language. */
@Entity(name = "IdcServedNotice")
@Table(name = "IDC_SERVED_NOTICE")
@NamedQueries({
    @NamedQuery(name = "idcNoticesOfUser", query = "select n from IdcServedNotice n where n.realmId = :realmId"
            + " and n.userId = :userId order by n.purposeKey, n.version, n.surface, n.locale"),
    @NamedQuery(name = "idcDeleteNoticesOfUser", query = "delete from IdcServedNotice n where n.realmId = :realmId"
            + " and n.userId = :userId"),
    @NamedQuery(name = "idcDeleteNoticesShownBefore", query = "delete from IdcServedNotice n"
            + " where n.realmId = :realmId and n.lastAt < :before"),
    @NamedQuery(name = "idcDeleteNoticesOfRealm", query = "delete from IdcServedNotice n where n.realmId = :realmId")
})
class ServedNoticeEntity {
    @Id
    @Column(name = "ID", length = 36)
    String id;
    @Column(name = "REALM_ID", length = 36, nullable = false)
    String realmId;
    @Column(name = "USER_ID", length = 36, nullable = false)
    String userId;
    @Column(name = "PURPOSE_KEY", length = 64, nullable = false)
    String purposeKey;
    @Column(name = "VERSION", nullable = false)
    int version;
    @Column(name = "SURFACE", length = 32, nullable = false)
    String surface;
    @Column(name = "LOCALE", length = 35, nullable = false)
    String locale;
    @Column(name = "CLIENT_ID", length = 255)
    String clientId;
    @Column(name = "FIRST_AT", nullable = false)
    long firstAt;
    @Column(name = "LAST_AT", nullable = false)
    long lastAt;
    @Column(name = "TIMES", nullable = false)
    long times;
    /** The latest showing's keyed user-agent hash ({@code <key id>:<hex>}), when the realm asks for it. */
    @Column(name = "USER_AGENT_HASH", length = 120)
    String userAgentHash;
}
