package dev.idconsent.consent.model;

import dev.idconsent.consent.ConsentException;
import dev.idconsent.consent.ErrorCode;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import org.keycloak.models.RealmModel;

/**
 * When a sender counts as late ({@code senderWarningHours} of the consent settings, a realm attribute): hours,
 * fractions allowed (to the millisecond, so tests can use seconds), 24 by default — half the 48 hours mailbox
 * providers give a bulk sender to honour an unsubscribe, so an operator hears of a drifting sender while there is
 * time to act.
 */
public final class SenderWarning {
    static final String SETTING = "idc.senders.warningHours";
    public static final BigDecimal DEFAULT_HOURS = BigDecimal.valueOf(24);
    private static final BigDecimal MILLIS_PER_HOUR = BigDecimal.valueOf(3_600_000L);
    private static final BigDecimal MAX_HOURS = BigDecimal.valueOf(720);

    private SenderWarning() {
    }

    /** The realm's setting in hours. */
    public static BigDecimal hours(RealmModel realm) {
        String value = realm.getAttribute(SETTING);
        try {
            return value == null || value.isBlank() ? DEFAULT_HOURS : new BigDecimal(value.trim());
        } catch (NumberFormatException e) {
            return DEFAULT_HOURS; // only this class writes it
        }
    }

    public static Duration of(RealmModel realm) {
        return Duration.ofMillis(hours(realm).multiply(MILLIS_PER_HOUR).setScale(0, RoundingMode.HALF_UP)
                .longValueExact());
    }

    public static void save(RealmModel realm, BigDecimal hours) {
        if (hours.multiply(MILLIS_PER_HOUR).compareTo(BigDecimal.valueOf(1000)) < 0 || hours.compareTo(MAX_HOURS) > 0) {
            throw new ConsentException(ErrorCode.INVALID_VALUE, "\"senderWarningHours\" must be between one second"
                    + " (0.0003 hours) and " + MAX_HOURS + " hours, not " + hours.toPlainString());
        }
        realm.setAttribute(SETTING, hours.stripTrailingZeros().toPlainString());
    }
}
