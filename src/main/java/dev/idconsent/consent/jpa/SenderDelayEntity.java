package dev.idconsent.consent.jpa;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.NamedQueries;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.util.Objects;

/** How many opt-outs reached a sender on a day with a delay in one bucket (see SenderReport), and the largest. */
@Entity(name = "IdcSenderDelay")
@Table(name = "IDC_SENDER_DELAY")
@IdClass(SenderDelayEntity.Key.class)
@NamedQueries({
    @NamedQuery(name = "idcSenderDelaysSince", query = "select d.bucket, sum(d.optOuts), max(d.maxMillis)"
            + " from IdcSenderDelay d where d.senderId = :senderId and d.day >= :day group by d.bucket"),
    @NamedQuery(name = "idcDeleteSenderDelaysBefore", query = "delete from IdcSenderDelay d where d.day < :day"),
    @NamedQuery(name = "idcDeleteSenderDelays", query = "delete from IdcSenderDelay d where d.senderId = :senderId"),
    @NamedQuery(name = "idcDeleteSenderDelaysOfRealm", query = "delete from IdcSenderDelay d where d.senderId in"
            + " (select s.id from IdcSender s where s.realmId = :realmId)")
})
class SenderDelayEntity {
    @Id
    @Column(name = "SENDER_ID", length = 36)
    String senderId;
    /** Days since 1970-01-01 (UTC) of when the opt-outs reached the sender. */
    @Id
    @Column(name = "REACHED_DAY")
    int day;
    @Id
    @Column(name = "BUCKET")
    int bucket;
    @Column(name = "OPT_OUTS", nullable = false)
    long optOuts;
    @Column(name = "MAX_MILLIS", nullable = false)
    long maxMillis;

    static final class Key implements Serializable {
        String senderId;
        int day;
        int bucket;

        Key() {
        }

        Key(String senderId, int day, int bucket) {
            this.senderId = senderId;
            this.day = day;
            this.bucket = bucket;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.senderId.equals(senderId) && k.day == day && k.bucket == bucket;
        }

        @Override
        public int hashCode() {
            return Objects.hash(senderId, day, bucket);
        }
    }
}
