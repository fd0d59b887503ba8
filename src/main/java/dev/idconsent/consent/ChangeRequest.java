package dev.idconsent.consent;

/**
 * One requested change.
 *
 * @param channel {@code null} for the purpose as a whole (every channel of it)
 * @param granted the new answer; {@code null} is refused as a bad value
 * @param version the purpose version the user was shown; {@code null} means the current one
 * @param frequency with a yes only: the frequency chosen ({@link Frequency}); {@code null} keeps the one of the yes
 *                  before (the default after a no)
 * @param pauseDays instead of an answer: pause what is on for this many days, one of the purpose's
 *                  {@link Purpose#pauseDays()}; {@code granted} and {@code frequency} are then left out
 */
public record ChangeRequest(String purpose, String channel, Boolean granted, Integer version, String frequency,
                            java.math.BigDecimal pauseDays) {
    public ChangeRequest(String purpose, String channel, Boolean granted, Integer version, String frequency) {
        this(purpose, channel, granted, version, frequency, null);
    }

    public ChangeRequest(String purpose, String channel, Boolean granted, Integer version) {
        this(purpose, channel, granted, version, null);
    }
}
