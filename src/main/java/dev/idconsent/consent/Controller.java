package dev.idconsent.consent;

import java.net.URI;
import java.util.regex.Pattern;

/**
 * Who is responsible for the processing (the GDPR's controller, ISO/IEC TS 27560's PII controller), as a realm's
 * consent records name it. Every field but the name is optional.
 *
 * @param privacyNotice the address of the privacy notice people are pointed to
 */
public record Controller(String name, String email, String phone, String address, String url, String privacyNotice) {
    public static final int MAX_FIELD = 255;
    public static final int MAX_ADDRESS = 1000;
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");

    public Controller {
        name = blankToNull(name);
        email = blankToNull(email);
        phone = blankToNull(phone);
        address = blankToNull(address);
        url = blankToNull(url);
        privacyNotice = blankToNull(privacyNotice);
    }

    /** True when nothing is set: the realm names no controller. */
    public boolean unset() {
        return name == null && email == null && phone == null && address == null && url == null
                && privacyNotice == null;
    }

    /** Checks every field and names the first that is wrong. */
    public Controller validate() {
        if (unset()) {
            return this;
        }
        if (name == null) {
            throw invalid("controller.name is required when any other controller field is set");
        }
        limit("name", name, MAX_FIELD);
        limit("phone", phone, MAX_FIELD);
        limit("address", address, MAX_ADDRESS);
        if (email != null && (email.length() > MAX_FIELD || !EMAIL.matcher(email).matches())) {
            throw invalid("controller.email '" + email + "' is not an email address");
        }
        web("url", url);
        web("privacyNotice", privacyNotice);
        return this;
    }

    private static void limit(String field, String value, int max) {
        if (value != null && value.length() > max) {
            throw invalid("controller." + field + " is longer than " + max + " characters");
        }
        if (value != null && !"address".equals(field) && value.chars().anyMatch(Character::isISOControl)) {
            throw invalid("controller." + field + " must not contain line breaks or control characters");
        }
    }

    private static void web(String field, String value) {
        if (value == null) {
            return;
        }
        URI uri;
        try {
            uri = new URI(value);
        } catch (java.net.URISyntaxException e) {
            throw invalid("controller." + field + " '" + value + "' is not a URL");
        }
        if (value.length() > MAX_FIELD || !uri.isAbsolute() || uri.getHost() == null
                || !("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()))) {
            throw invalid("controller." + field + " '" + value + "' must be an absolute http or https URL of at most "
                    + MAX_FIELD + " characters");
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }

    private static ConsentException invalid(String message) {
        return new ConsentException(ErrorCode.INVALID_VALUE, message);
    }
}
