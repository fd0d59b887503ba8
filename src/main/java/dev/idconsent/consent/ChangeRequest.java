package dev.idconsent.consent;

/**
 * One requested change.
 *
 * @param channel {@code null} for the purpose as a whole (every channel of it)
 * @param granted the new answer; {@code null} is refused as a bad value
 * @param version the purpose version the user was shown; {@code null} means the current one
 */
public record ChangeRequest(String purpose, String channel, Boolean granted, Integer version) {
}
