package dev.idconsent.consent.model;

import dev.idconsent.consent.ConsentException;
import dev.idconsent.consent.ErrorCode;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import org.keycloak.models.RealmModel;

/**
 * How long a realm keeps a served notice after it was last shown ({@code noticeRetentionDays} of the consent
 * settings, a realm attribute): days, fractions allowed (to the millisecond, so tests can use seconds); 0 or unset
 * keeps them until the person's account goes. The expiry task deletes the older ones.
 */
public final class NoticeRetention {
    static final String SETTING = "idc.notices.retentionDays";
    private static final BigDecimal MILLIS_PER_DAY = BigDecimal.valueOf(86_400_000L);
    private static final BigDecimal MAX_DAYS = BigDecimal.valueOf(36500);

    private NoticeRetention() {
    }

    /** The realm's setting in days; 0 when notices are kept. */
    public static BigDecimal days(RealmModel realm) {
        String value = realm.getAttribute(SETTING);
        try {
            return value == null || value.isBlank() ? BigDecimal.ZERO : new BigDecimal(value.trim());
        } catch (NumberFormatException e) {
            return BigDecimal.ZERO; // only this class writes it
        }
    }

    /** How long notices stay after they were last shown; {@code null} while they are kept. */
    public static Duration of(RealmModel realm) {
        BigDecimal days = days(realm);
        return days.signum() <= 0 ? null
                : Duration.ofMillis(days.multiply(MILLIS_PER_DAY).setScale(0, RoundingMode.HALF_UP).longValueExact());
    }

    public static void save(RealmModel realm, BigDecimal days) {
        if (days.signum() < 0 || days.compareTo(MAX_DAYS) > 0) {
            throw new ConsentException(ErrorCode.INVALID_VALUE, "\"noticeRetentionDays\" must be between 0 (keep"
                    + " them until the account goes) and " + MAX_DAYS + " days, not " + days.toPlainString());
        }
        if (days.signum() > 0 && days.multiply(MILLIS_PER_DAY).compareTo(BigDecimal.valueOf(1000)) < 0) {
            throw new ConsentException(ErrorCode.INVALID_VALUE, "\"noticeRetentionDays\" must be at least one second"
                    + " (0.0000116 days), or 0 to keep them");
        }
        realm.setAttribute(SETTING, days.stripTrailingZeros().toPlainString());
    }
}
