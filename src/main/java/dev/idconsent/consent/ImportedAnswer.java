package dev.idconsent.consent;

import java.time.Instant;
import java.util.Locale;

/**
 * One answer from another system (a mailing tool's list, a CRM, a paper archive), checked against the catalog.
 *
 * @param channel {@code null} for a purpose without channels
 * @param version the text version the person answered (the purpose's first unless the source says otherwise)
 */
public record ImportedAnswer(Purpose purpose, String channel, ChoiceState state, Instant at, int version) {
    public static final int MAX_SOURCE = 255;
    public static final int MAX_EVIDENCE = 1000;

    /**
     * Checks one row as it came (text) and names the first problem.
     *
     * @param now answers from the future are refused
     * @throws ConsentException {@code unknown_purpose}, {@code purpose_retired}, {@code unknown_channel},
     *                          {@code invalid_value} (state, time, version, source, evidence)
     */
    public static ImportedAnswer check(PurposeCatalog catalog, String purposeKey, String channel, String state,
                                       String at, String version, String source, String evidence, Instant now) {
        if (purposeKey == null || purposeKey.isBlank()) {
            throw invalid("\"purpose\" is required");
        }
        Purpose purpose = catalog.find(purposeKey).orElseThrow(() -> new ConsentException(ErrorCode.UNKNOWN_PURPOSE,
                "there is no purpose '" + purposeKey + "' in this realm"));
        if (purpose.retired()) {
            throw new ConsentException(ErrorCode.PURPOSE_RETIRED, "purpose '" + purposeKey + "' has been retired");
        }
        String ch = channel == null || channel.isBlank() ? null : channel;
        if (ch == null && !purpose.channels().isEmpty()) {
            throw new ConsentException(ErrorCode.UNKNOWN_CHANNEL, "purpose '" + purposeKey + "' has the channels "
                    + String.join(", ", purpose.channels()) + "; name one in \"channel\"");
        }
        if (ch != null && !purpose.channels().contains(ch)) {
            throw new ConsentException(ErrorCode.UNKNOWN_CHANNEL, purpose.channels().isEmpty()
                    ? "purpose '" + purposeKey + "' has no channels; leave \"channel\" empty"
                    : "purpose '" + purposeKey + "' has no channel '" + ch + "' (it has "
                            + String.join(", ", purpose.channels()) + ")");
        }
        ChoiceState answer = switch (state == null ? "" : state.trim().toLowerCase(Locale.ROOT)) {
            case "granted" -> ChoiceState.GRANTED;
            case "denied" -> ChoiceState.DENIED;
            default -> throw invalid("\"state\" must be granted or denied, not '" + state + "'");
        };
        if (purpose.mechanism() == Mechanism.REQUIRED) {
            throw new ConsentException(ErrorCode.REQUIRED_PURPOSE, "purpose '" + purposeKey + "' is required: there"
                    + " is no answer to import");
        }
        Instant when;
        try {
            when = Instant.parse(at == null ? "" : at.trim());
        } catch (java.time.format.DateTimeParseException e) {
            throw invalid("\"at\" must be an ISO-8601 instant such as 2024-03-01T09:30:00Z, not '" + at + "'");
        }
        if (when.isAfter(now)) {
            throw invalid("\"at\" (" + when + ") is in the future");
        }
        int v = 1;
        if (version != null && !version.isBlank()) {
            try {
                v = Integer.parseInt(version.trim());
            } catch (NumberFormatException e) {
                throw invalid("\"version\" must be a whole number, not '" + version + "'");
            }
            if (v < 1 || v > purpose.version()) {
                throw invalid("\"version\" of '" + purposeKey + "' must be between 1 and " + purpose.version()
                        + ", not " + v);
            }
        }
        if (source == null || source.isBlank()) {
            throw invalid("\"source\" is required: name the system the answer comes from");
        }
        if (source.length() > MAX_SOURCE) {
            throw invalid("\"source\" is longer than " + MAX_SOURCE + " characters");
        }
        if (evidence != null && evidence.length() > MAX_EVIDENCE) {
            throw invalid("\"evidence\" is longer than " + MAX_EVIDENCE + " characters");
        }
        return new ImportedAnswer(purpose, ch, answer, when, v);
    }

    private static ConsentException invalid(String message) {
        return new ConsentException(ErrorCode.INVALID_VALUE, message);
    }
}
