package dev.idconsent.consent;

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
 */
public record Purpose(String key, String label, String description, String category, Mechanism mechanism,
                      List<String> channels, int version, boolean honorGpc, boolean includeInToken,
                      boolean gating, boolean askAtLogin, boolean doubleOptIn, boolean retired) {
    public static final String EMAIL = "email";


    public static final int MAX_KEY = 64;
    public static final int MAX_LABEL = 200;
    public static final int MAX_DESCRIPTION = 2000;
    public static final String DEFAULT_CATEGORY = "general";
    private static final Pattern SLUG = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");

    public Purpose {
        channels = channels == null ? List.of() : List.copyOf(channels);
        category = category == null || category.isBlank() ? DEFAULT_CATEGORY : category;
        description = description == null ? "" : description;
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
        if (version < 1) {
            throw invalid("version must be 1 or more");
        }
        return this;
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

    public boolean sameText(Purpose other) {
        return label.equals(other.label) && description.equals(other.description);
    }

    public Purpose withVersion(int newVersion) {
        return new Purpose(key, label, description, category, mechanism, channels, newVersion, honorGpc,
                includeInToken, gating, askAtLogin, doubleOptIn, retired);
    }

    public Purpose withRetired(boolean value) {
        return new Purpose(key, label, description, category, mechanism, channels, version, honorGpc,
                includeInToken, gating, askAtLogin, doubleOptIn, value);
    }
}
