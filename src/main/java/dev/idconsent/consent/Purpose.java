package dev.idconsent.consent;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/**
 * One entry of a realm's catalog: something the realm wants to do with a person's data or attention.
 *
 * @param key            stable, lower-case slug; never changes
 * @param channels       communication channels (email, sms, push); empty when the purpose has none, and
 *                       then a choice covers the purpose as a whole
 * @param version        increases with every material change of the text
 * @param honorGpc       a browser's Global Privacy Control signal switches it off
 * @param includeInToken the purpose appears in the token claim
 * @param gating         (opt-in only) access is granted only with this consent: the plugin keeps a role that
 *                       exactly the consenting users hold, and client scopes mapped to it are left out otherwise
 * @param askAtLogin     (opt-in) the consent step at login asks users who never answered
 * @param doubleOptIn    (opt-in, email channel) a yes stays pending until confirmed from a link sent by email
 * @param retired        hidden from users and tokens; its history stays
 * @param renewAfter     (opt-in) how long a yes lasts: after it the yes expires and the consent step asks again;
 *                       {@code null}: until withdrawn
 * @param legalBasis     what the processing rests on; {@code null}: {@link LegalBasis#defaultFor the mechanism's}
 * @param purposeType    optional classification from the W3C Data Privacy Vocabulary, e.g. {@code dpv:Marketing}
 * @param recipients     who the data is shared with, as the person is told (part of the text: a change is versioned)
 * @param translations   the label and description in other languages than the realm's default, by language tag
 *                       (part of the text: a change is versioned); {@link #words} picks a reader's
 * @param regions        the mechanism for people in a region of the realm's {@link Regions}, by region name; everyone
 *                       else gets {@code mechanism} ({@link #in} gives the purpose as a region's people see it)
 * @param frequencies    (optional purposes with channels) how often it may reach a person, as they may choose; empty:
 *                       the purpose offers no choice of frequency. Not part of the versioned text: a frequency is
 *                       recorded by its key
 * @param defaultFrequency the key of the frequency of a person who chose none; {@code null} without frequencies
 * @param pauses         (optional purposes) the periods a person may pause it for, shortest first: while paused it
 *                       is off everywhere, and at the end the answer before the pause returns by itself; empty: the
 *                       purpose offers no pause. Not part of the versioned text
 * @param organization   the alias of the realm's organization (Keycloak Organizations) the purpose belongs to: only
 *                       its members see, answer and carry it in tokens; {@code null}: everyone in the realm
 */
public record Purpose(String key, String label, String description, String category, Mechanism mechanism,
                      List<String> channels, int version, boolean honorGpc, boolean includeInToken,
                      boolean gating, boolean askAtLogin, boolean doubleOptIn, boolean retired, Duration renewAfter,
                      LegalBasis legalBasis, String purposeType, List<String> recipients,
                      java.util.Map<String, Words> translations, java.util.Map<String, Mechanism> regions,
                      List<Frequency> frequencies, String defaultFrequency, List<Duration> pauses,
                      String organization) {
    public static final String EMAIL = "email";
    public static final int MAX_RECIPIENTS = 20;
    public static final int MAX_RECIPIENT = 200;
    public static final int MAX_PURPOSE_TYPE = 100;
    /** A compact IRI such as {@code dpv:Marketing} (a vocabulary prefix and a concept name). */
    private static final Pattern PURPOSE_TYPE = Pattern.compile("[a-z][a-z0-9-]*:[A-Za-z][A-Za-z0-9_-]*");


    public static final int MAX_KEY = 64;
    public static final int MAX_LABEL = 200;
    public static final int MAX_DESCRIPTION = 2000;
    public static final String DEFAULT_CATEGORY = "general";
    /** The longest lifetime of a yes: a hundred years (longer is "until withdrawn", which is no lifetime). */
    public static final int MAX_RENEW_AFTER_DAYS = 36500;
    private static final BigDecimal MILLIS_PER_DAY = BigDecimal.valueOf(86_400_000L);
    private static final Pattern SLUG = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");

    public Purpose {
        channels = channels == null ? List.of() : List.copyOf(channels);
        category = category == null || category.isBlank() ? DEFAULT_CATEGORY : category;
        description = description == null ? "" : description;
        legalBasis = legalBasis == null ? LegalBasis.defaultFor(mechanism) : legalBasis;
        purposeType = purposeType == null || purposeType.isBlank() ? null : purposeType.trim();
        recipients = recipients == null ? List.of()
                : recipients.stream().map(r -> r == null ? null : r.strip()).toList();
        translations = translations == null ? java.util.Map.of()
                : java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(translations));
        regions = regions == null ? java.util.Map.of()
                : java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(regions));
        frequencies = frequencies == null ? List.of() : List.copyOf(frequencies);
        defaultFrequency = defaultFrequency == null || defaultFrequency.isBlank() ? null : defaultFrequency;
        pauses = pauses == null ? List.of() : pauses.stream().filter(java.util.Objects::nonNull).sorted().toList();
        organization = organization == null || organization.isBlank() ? null : organization.strip();
    }

    /** For everyone in the realm. */
    public Purpose(String key, String label, String description, String category, Mechanism mechanism,
                   List<String> channels, int version, boolean honorGpc, boolean includeInToken,
                   boolean gating, boolean askAtLogin, boolean doubleOptIn, boolean retired, Duration renewAfter,
                   LegalBasis legalBasis, String purposeType, List<String> recipients,
                   java.util.Map<String, Words> translations, java.util.Map<String, Mechanism> regions,
                   List<Frequency> frequencies, String defaultFrequency, List<Duration> pauses) {
        this(key, label, description, category, mechanism, channels, version, honorGpc, includeInToken, gating,
                askAtLogin, doubleOptIn, retired, renewAfter, legalBasis, purposeType, recipients, translations,
                regions, frequencies, defaultFrequency, pauses, null);
    }

    /** The same purpose for the members of another organization ({@code null}: everyone). */
    public Purpose withOrganization(String alias) {
        return new Purpose(key, label, description, category, mechanism, channels, version, honorGpc,
                includeInToken, gating, askAtLogin, doubleOptIn, retired, renewAfter, legalBasis, purposeType,
                recipients, translations, regions, frequencies, defaultFrequency, pauses, alias);
    }

    /** Whether a person in these organizations (aliases) sees it: a purpose of none, or of one of theirs. */
    public boolean visibleTo(java.util.Set<String> organizations) {
        return organization == null || organizations.contains(organization);
    }

    /** Without pauses. */
    public Purpose(String key, String label, String description, String category, Mechanism mechanism,
                   List<String> channels, int version, boolean honorGpc, boolean includeInToken,
                   boolean gating, boolean askAtLogin, boolean doubleOptIn, boolean retired, Duration renewAfter,
                   LegalBasis legalBasis, String purposeType, List<String> recipients,
                   java.util.Map<String, Words> translations, java.util.Map<String, Mechanism> regions,
                   List<Frequency> frequencies, String defaultFrequency) {
        this(key, label, description, category, mechanism, channels, version, honorGpc, includeInToken, gating,
                askAtLogin, doubleOptIn, retired, renewAfter, legalBasis, purposeType, recipients, translations,
                regions, frequencies, defaultFrequency, null);
    }

    /** Regional mechanisms, no frequencies. */
    public Purpose(String key, String label, String description, String category, Mechanism mechanism,
                   List<String> channels, int version, boolean honorGpc, boolean includeInToken,
                   boolean gating, boolean askAtLogin, boolean doubleOptIn, boolean retired, Duration renewAfter,
                   LegalBasis legalBasis, String purposeType, List<String> recipients,
                   java.util.Map<String, Words> translations, java.util.Map<String, Mechanism> regions) {
        this(key, label, description, category, mechanism, channels, version, honorGpc, includeInToken, gating,
                askAtLogin, doubleOptIn, retired, renewAfter, legalBasis, purposeType, recipients, translations,
                regions, null, null);
    }

    /** The same purpose offering other frequencies. */
    public Purpose withFrequencies(List<Frequency> value, String defaultKey) {
        return new Purpose(key, label, description, category, mechanism, channels, version, honorGpc,
                includeInToken, gating, askAtLogin, doubleOptIn, retired, renewAfter, legalBasis, purposeType,
                recipients, translations, regions, value, defaultKey, pauses, organization);
    }

    /** The same purpose offering other pauses. */
    public Purpose withPauses(List<Duration> value) {
        return new Purpose(key, label, description, category, mechanism, channels, version, honorGpc,
                includeInToken, gating, askAtLogin, doubleOptIn, retired, renewAfter, legalBasis, purposeType,
                recipients, translations, regions, frequencies, defaultFrequency, value, organization);
    }

    /** Refuses a pause the purpose does not offer (as a request names it, in days). */
    public Duration requirePause(BigDecimal days) {
        if (pauses.isEmpty()) {
            throw new ConsentException(ErrorCode.INVALID_VALUE, "purpose '" + key + "' offers no pause; leave out"
                    + " \"pauseDays\"");
        }
        Duration asked = days == null || days.signum() <= 0
                || days.compareTo(BigDecimal.valueOf(MAX_RENEW_AFTER_DAYS)) > 0 ? null : lifetimeOfDays(days, "pauseDays");
        if (asked == null || !pauses.contains(asked)) {
            throw new ConsentException(ErrorCode.INVALID_VALUE, "purpose '" + key + "' can be paused for "
                    + pauseDays() + " days, not " + (days == null ? "nothing" : days.toPlainString()));
        }
        return asked;
    }

    /** {@link #pauses} in days, as the APIs show them. */
    public List<BigDecimal> pauseDays() {
        return pauses.stream().map(Purpose::days).toList();
    }

    /** The frequency a person has: the one they chose while it is still offered, else the default. */
    public String frequencyOf(String chosen) {
        if (frequencies.isEmpty()) {
            return null;
        }
        return chosen != null && frequencies.stream().anyMatch(f -> f.key().equals(chosen)) ? chosen
                : defaultFrequency;
    }

    public java.util.Optional<Frequency> frequency(String frequencyKey) {
        return frequencies.stream().filter(f -> f.key().equals(frequencyKey)).findFirst();
    }

    /** Refuses a frequency the purpose does not offer (as a request names it: a change, an audience filter). */
    public void requireFrequency(String frequencyKey) {
        if (frequencies.isEmpty()) {
            throw new ConsentException(ErrorCode.INVALID_VALUE, "purpose '" + key + "' offers no frequencies; leave"
                    + " out \"frequency\"");
        }
        if (frequency(frequencyKey).isEmpty()) {
            throw new ConsentException(ErrorCode.INVALID_VALUE, "purpose '" + key + "' offers the frequencies "
                    + frequencies.stream().map(Frequency::key).toList() + ", not '" + frequencyKey + "'");
        }
    }

    /** The same mechanism everywhere. */
    public Purpose(String key, String label, String description, String category, Mechanism mechanism,
                   List<String> channels, int version, boolean honorGpc, boolean includeInToken,
                   boolean gating, boolean askAtLogin, boolean doubleOptIn, boolean retired, Duration renewAfter,
                   LegalBasis legalBasis, String purposeType, List<String> recipients,
                   java.util.Map<String, Words> translations) {
        this(key, label, description, category, mechanism, channels, version, honorGpc, includeInToken, gating,
                askAtLogin, doubleOptIn, retired, renewAfter, legalBasis, purposeType, recipients, translations, null);
    }

    /**
     * The purpose as people at {@code location} see it: the mechanism of the first of their regions it names
     * ({@link #regionIn}), else its own. Where that makes a consent-based purpose opt-out or required, the legal
     * basis becomes that mechanism's default (a default yes is not consent).
     */
    public Purpose in(Regions.Location location) {
        String region = regionIn(location);
        Mechanism there = region == null ? null : regions.get(region);
        if (there == null || there == mechanism) {
            return this;
        }
        LegalBasis basis = legalBasis == LegalBasis.CONSENT && there != Mechanism.OPT_IN
                ? LegalBasis.defaultFor(there) : legalBasis;
        return new Purpose(key, label, description, category, there, channels, version, honorGpc, includeInToken,
                gating, askAtLogin, doubleOptIn, retired, renewAfter, basis, purposeType, recipients, translations,
                regions, frequencies, defaultFrequency, pauses, organization);
    }

    /** The region whose mechanism applies to people at {@code location}; {@code null}: the purpose's own applies. */
    public String regionIn(Regions.Location location) {
        if (regions.isEmpty() || location == null) {
            return null;
        }
        for (String region : location.regions()) {
            if (regions.containsKey(region)) {
                return region;
            }
        }
        return null;
    }

    /** Whether some region gives it another mechanism than its own. */
    public boolean regional() {
        return regions.values().stream().anyMatch(m -> m != mechanism);
    }

    /** Only the realm's default language. */
    public Purpose(String key, String label, String description, String category, Mechanism mechanism,
                   List<String> channels, int version, boolean honorGpc, boolean includeInToken,
                   boolean gating, boolean askAtLogin, boolean doubleOptIn, boolean retired, Duration renewAfter,
                   LegalBasis legalBasis, String purposeType, List<String> recipients) {
        this(key, label, description, category, mechanism, channels, version, honorGpc, includeInToken, gating,
                askAtLogin, doubleOptIn, retired, renewAfter, legalBasis, purposeType, recipients, null);
    }

    /** The words a reader of {@code locale} is shown (see {@link Words#pick}). */
    public Words words(String locale, String baseLocale) {
        return Words.pick(locale, baseLocale, label, description, translations);
    }

    /** Processing details from the mechanism: its default legal basis, no type, no recipients. */
    public Purpose(String key, String label, String description, String category, Mechanism mechanism,
                   List<String> channels, int version, boolean honorGpc, boolean includeInToken,
                   boolean gating, boolean askAtLogin, boolean doubleOptIn, boolean retired, Duration renewAfter) {
        this(key, label, description, category, mechanism, channels, version, honorGpc, includeInToken, gating,
                askAtLogin, doubleOptIn, retired, renewAfter, null, null, null);
    }

    /** A yes lasts until withdrawn. */
    public Purpose(String key, String label, String description, String category, Mechanism mechanism,
                   List<String> channels, int version, boolean honorGpc, boolean includeInToken,
                   boolean gating, boolean askAtLogin, boolean doubleOptIn, boolean retired) {
        this(key, label, description, category, mechanism, channels, version, honorGpc, includeInToken, gating,
                askAtLogin, doubleOptIn, retired, null);
    }

    /** A purpose that gates nothing and is not asked at login. */
    public Purpose(String key, String label, String description, String category, Mechanism mechanism,
                   List<String> channels, int version, boolean honorGpc, boolean includeInToken, boolean retired) {
        this(key, label, description, category, mechanism, channels, version, honorGpc, includeInToken, false,
                false, false, retired);
    }

    /** Checks every field and names the first that is wrong. */
    public Purpose validate() {
        requireSlug("key", key, MAX_KEY);
        if (label == null || label.isBlank()) {
            throw invalid("label is required");
        }
        if (label.length() > MAX_LABEL) {
            throw invalid("label is longer than " + MAX_LABEL + " characters");
        }
        if (description.length() > MAX_DESCRIPTION) {
            throw invalid("description is longer than " + MAX_DESCRIPTION + " characters");
        }
        requireSlug("category", category, MAX_KEY);
        if (mechanism == null) {
            throw invalid("mechanism is required (opt-in, opt-out or required)");
        }
        for (String channel : channels) {
            requireSlug("channel", channel, MAX_KEY);
        }
        if (channels.stream().distinct().count() != channels.size()) {
            throw invalid("channels must not repeat");
        }
        if (gating && mechanism != Mechanism.OPT_IN) {
            throw invalid("only opt-in purposes can gate access ('" + key + "' is " + mechanism.value()
                    + "): an opt-out or required purpose would have to grant access to everyone by default");
        }
        if (askAtLogin && mechanism != Mechanism.OPT_IN) {
            throw invalid("only opt-in purposes can be asked at login ('" + key + "' is " + mechanism.value()
                    + "; it applies without an answer)");
        }
        if (doubleOptIn && (mechanism != Mechanism.OPT_IN || !channels.contains(EMAIL))) {
            throw invalid("double opt-in needs an opt-in purpose with the channel email ('" + key + "' is "
                    + mechanism.value() + " with channels " + channels + ")");
        }
        if (renewAfter != null) {
            if (mechanism != Mechanism.OPT_IN) {
                throw invalid("only a yes to an opt-in purpose can expire ('" + key + "' is " + mechanism.value()
                        + "; it applies without a yes)");
            }
            if (renewAfter.compareTo(Duration.ofSeconds(1)) < 0
                    || renewAfter.compareTo(Duration.ofDays(MAX_RENEW_AFTER_DAYS)) > 0) {
                throw invalid("renewAfterDays must be at least one second (0.0000116 days) and at most "
                        + MAX_RENEW_AFTER_DAYS + " days; 0 means a yes lasts until withdrawn");
            }
        }
        if (legalBasis == LegalBasis.CONSENT && mechanism != Mechanism.OPT_IN) {
            throw invalid(mechanism == Mechanism.OPT_OUT
                    ? "'" + key + "' is opt-out, so it cannot rest on consent: a default yes is not consent (GDPR"
                    + " Art. 4(11), recital 32); name its legalBasis, e.g. legitimate-interest"
                    : "'" + key + "' is required, so it cannot rest on consent: consent that cannot be refused is"
                    + " not freely given (GDPR Art. 7(4)); name its legalBasis, e.g. contract or legal-obligation");
        }
        if (purposeType != null && (purposeType.length() > MAX_PURPOSE_TYPE
                || !PURPOSE_TYPE.matcher(purposeType).matches())) {
            throw invalid("purposeType '" + purposeType + "' must be a compact IRI of the Data Privacy Vocabulary"
                    + " such as dpv:Marketing (prefix, colon, concept name; at most " + MAX_PURPOSE_TYPE
                    + " characters)");
        }
        if (recipients.size() > MAX_RECIPIENTS) {
            throw invalid("recipients lists at most " + MAX_RECIPIENTS + " names, not " + recipients.size());
        }
        for (String recipient : recipients) {
            if (recipient == null || recipient.isEmpty()) {
                throw invalid("recipients must be names, not empty");
            }
            if (recipient.length() > MAX_RECIPIENT) {
                throw invalid("recipient '" + recipient.substring(0, 40) + "…' is longer than " + MAX_RECIPIENT
                        + " characters");
            }
            if (recipient.chars().anyMatch(Character::isISOControl)) {
                throw invalid("recipient '" + recipient.replaceAll("\\p{Cntrl}", "?")
                        + "' must not contain line breaks or control characters");
            }
        }
        if (recipients.stream().distinct().count() != recipients.size()) {
            throw invalid("recipients must not repeat");
        }
        if (version < 1) {
            throw invalid("version must be 1 or more");
        }
        regions.forEach((region, m) -> {
            if (!Regions.isName(region)) {
                throw invalid("region name '" + region + "' must start with a letter and hold only letters, digits,"
                        + " '_' and '-'");
            }
            if (m == null) {
                throw invalid("region '" + region + "' needs a mechanism (opt-in, opt-out or required)");
            }
        });
        validateFrequencies();
        validatePauses();
        if (organization != null && (organization.length() > MAX_LABEL
                || organization.chars().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c)))) {
            throw invalid("organization must be the alias of one of the realm's organizations (no spaces, at most "
                    + MAX_LABEL + " characters)");
        }
        java.util.Map<String, Words> normalized = Words.translations(translations, description);
        return normalized.equals(translations) ? this : withTranslations(normalized);
    }

    /** At most this many pause periods. */
    public static final int MAX_PAUSES = 10;

    private void validatePauses() {
        if (pauses.isEmpty()) {
            return;
        }
        if (mechanism == Mechanism.REQUIRED) {
            throw invalid("only an optional purpose can be paused ('" + key + "' is required)");
        }
        if (pauses.size() > MAX_PAUSES) {
            throw invalid("a purpose offers at most " + MAX_PAUSES + " pause periods, not " + pauses.size());
        }
        if (pauses.stream().distinct().count() != pauses.size()) {
            throw invalid("pauseDays must not repeat");
        }
        for (Duration pause : pauses) {
            if (pause == null || pause.compareTo(Duration.ofSeconds(1)) < 0
                    || pause.compareTo(Duration.ofDays(MAX_RENEW_AFTER_DAYS)) > 0) {
                throw invalid("each of pauseDays must be at least one second (0.0000116 days) and at most "
                        + MAX_RENEW_AFTER_DAYS + " days");
            }
        }
    }

    private void validateFrequencies() {
        if (frequencies.isEmpty()) {
            if (defaultFrequency != null) {
                throw invalid("defaultFrequency '" + defaultFrequency + "' names none of the frequencies: '" + key
                        + "' offers none");
            }
            return;
        }
        if (channels.isEmpty()) {
            throw invalid("only a purpose with channels can offer frequencies ('" + key + "' has none): a frequency"
                    + " says how often a channel reaches the person");
        }
        if (mechanism == Mechanism.REQUIRED) {
            throw invalid("only an optional purpose can offer frequencies ('" + key + "' is required: the person"
                    + " gives no yes a frequency could belong to)");
        }
        if (frequencies.size() > Frequency.MAX) {
            throw invalid("a purpose offers at most " + Frequency.MAX + " frequencies, not " + frequencies.size());
        }
        java.util.Set<String> keys = new java.util.HashSet<>();
        for (Frequency f : frequencies) {
            if (f == null) {
                throw invalid("frequencies must be objects with \"key\" and \"label\"");
            }
            requireSlug("frequency key", f.key(), Frequency.MAX_KEY);
            if (!keys.add(f.key())) {
                throw invalid("frequency '" + f.key() + "' is offered twice");
            }
            if (f.label() == null || f.label().isEmpty()) {
                throw invalid("frequency '" + f.key() + "' needs a label");
            }
            if (f.label().length() > Frequency.MAX_LABEL) {
                throw invalid("the label of frequency '" + f.key() + "' is longer than " + Frequency.MAX_LABEL
                        + " characters");
            }
            f.translations().forEach((tag, text) -> {
                if (!Words.isTag(tag)) {
                    throw invalid("frequency '" + f.key() + "' has a label for '" + tag + "', which is not a language"
                            + " tag (e.g. de, pt-BR)");
                }
                if (text == null || text.isBlank() || text.length() > Frequency.MAX_LABEL) {
                    throw invalid("the " + tag + " label of frequency '" + f.key() + "' must be 1 to "
                            + Frequency.MAX_LABEL + " characters");
                }
            });
        }
        if (defaultFrequency == null) {
            throw invalid("'" + key + "' offers frequencies, so it needs a defaultFrequency (one of " + keys + ")");
        }
        if (!keys.contains(defaultFrequency)) {
            throw invalid("defaultFrequency '" + defaultFrequency + "' is not one of the frequencies " + keys);
        }
    }

    public static boolean isSlug(String value) {
        return value != null && value.length() <= MAX_KEY && SLUG.matcher(value).matches();
    }

    private static void requireSlug(String field, String value, int max) {
        if (value == null || value.isEmpty()) {
            throw invalid(field + " is required");
        }
        if (value.length() > max || !SLUG.matcher(value).matches()) {
            throw invalid(field + " '" + value + "' must be a lower-case slug (a-z, 0-9 and single dashes, at most "
                    + max + " characters)");
        }
    }

    private static ConsentException invalid(String message) {
        return new ConsentException(ErrorCode.INVALID_PURPOSE, message);
    }

    /** The scopes a choice can apply to: each channel, or the purpose as a whole ({@code null}). */
    public List<String> choiceChannels() {
        return channels.isEmpty() ? java.util.Collections.singletonList(null) : channels;
    }

    /** The words the person is shown: label, description and who the data goes to. */
    public boolean sameText(Purpose other) {
        return label.equals(other.label) && description.equals(other.description)
                && recipients.equals(other.recipients) && translations.equals(other.translations);
    }

    public Purpose withVersion(int newVersion) {
        return new Purpose(key, label, description, category, mechanism, channels, newVersion, honorGpc,
                includeInToken, gating, askAtLogin, doubleOptIn, retired, renewAfter, legalBasis, purposeType,
                recipients, translations, regions, frequencies, defaultFrequency, pauses, organization);
    }

    public Purpose withRetired(boolean value) {
        return new Purpose(key, label, description, category, mechanism, channels, version, honorGpc,
                includeInToken, gating, askAtLogin, doubleOptIn, value, renewAfter, legalBasis, purposeType,
                recipients, translations, regions, frequencies, defaultFrequency, pauses, organization);
    }

    public Purpose withRenewAfter(Duration value) {
        return new Purpose(key, label, description, category, mechanism, channels, version, honorGpc,
                includeInToken, gating, askAtLogin, doubleOptIn, retired, value, legalBasis, purposeType, recipients,
                translations, regions, frequencies, defaultFrequency, pauses, organization);
    }

    /** The same purpose with other processing details (legal basis, DPV type, recipients). */
    public Purpose withProcessing(LegalBasis basis, String type, List<String> names) {
        return new Purpose(key, label, description, category, mechanism, channels, version, honorGpc,
                includeInToken, gating, askAtLogin, doubleOptIn, retired, renewAfter, basis, type, names, translations,
                regions, frequencies, defaultFrequency, pauses, organization);
    }

    /** The same purpose with its words in other languages replaced. */
    public Purpose withTranslations(java.util.Map<String, Words> value) {
        return new Purpose(key, label, description, category, mechanism, channels, version, honorGpc,
                includeInToken, gating, askAtLogin, doubleOptIn, retired, renewAfter, legalBasis, purposeType,
                recipients, value, regions, frequencies, defaultFrequency, pauses, organization);
    }

    /** The same purpose with other regional mechanisms. */
    public Purpose withRegions(java.util.Map<String, Mechanism> value) {
        return new Purpose(key, label, description, category, mechanism, channels, version, honorGpc,
                includeInToken, gating, askAtLogin, doubleOptIn, retired, renewAfter, legalBasis, purposeType,
                recipients, translations, value, frequencies, defaultFrequency, pauses, organization);
    }

    /**
     * A lifetime as admins give it, in days (fractions allowed, to the millisecond: tests use seconds);
     * {@code null} or 0: until withdrawn.
     */
    public static Duration lifetimeOfDays(BigDecimal days) {
        if (days != null && days.signum() < 0) {
            throw invalid("renewAfterDays must not be negative; send 0 for a yes that lasts until withdrawn");
        }
        return lifetimeOfDays(days, "renewAfterDays");
    }

    /** A period as admins give it, in days (fractions allowed, to the millisecond); {@code null} or 0: none. */
    public static Duration lifetimeOfDays(BigDecimal days, String field) {
        if (days == null || days.signum() == 0) {
            return null;
        }
        if (days.signum() < 0) {
            throw invalid(field + " must not be negative");
        }
        if (days.compareTo(BigDecimal.valueOf(MAX_RENEW_AFTER_DAYS)) > 0) {
            throw invalid(field + " must be at most " + MAX_RENEW_AFTER_DAYS);
        }
        return Duration.ofMillis(days.multiply(MILLIS_PER_DAY).setScale(0, RoundingMode.HALF_UP).longValueExact());
    }

    /** {@link #renewAfter} in days, as the APIs show it; {@code null} when a yes lasts until withdrawn. */
    public BigDecimal renewAfterDays() {
        if (renewAfter == null) {
            return null;
        }
        return days(renewAfter);
    }

    private static BigDecimal days(Duration period) {
        BigDecimal days = BigDecimal.valueOf(period.toMillis()).divide(MILLIS_PER_DAY, 10, RoundingMode.HALF_UP);
        return new BigDecimal(days.stripTrailingZeros().toPlainString()); // 365, not 3.65E+2
    }
}
