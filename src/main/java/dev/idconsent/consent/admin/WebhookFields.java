package dev.idconsent.consent.admin;

import dev.idconsent.consent.ConsentException;
import dev.idconsent.consent.ErrorCode;
import dev.idconsent.consent.rest.JsonInput;
import dev.idconsent.consent.webhooks.WebhookDestinations;
import dev.idconsent.consent.webhooks.WebhookSettings;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * The fields of a webhook endpoint as the admin API takes them: each checked with a refusal that names the field
 * ({@code invalid_webhook} with {@code "field"}), the destination checked against the server's rules.
 */
final class WebhookFields {
    private WebhookFields() {
    }

    /** A refused webhook field: {@code {"error": "invalid_webhook", "message": "...", "field": "<name>"}}. */
    static ConsentException invalid(String field, String message) {
        return new ConsentException(ErrorCode.INVALID_WEBHOOK, message, field);
    }

    /** A webhook as the admin creates it ({@code start}: "end", the default, or "beginning"). */
    record Create(String url, String description, Boolean enabled, String secret, String start,
                  Integer retryBaseSeconds, Integer retryMaxSeconds) {
    }

    /** A change of a webhook: fields left out keep their value ({@code "description": null} removes it). */
    record Change(String url, String description, Boolean enabled, String secret, Integer retryBaseSeconds,
                  Integer retryMaxSeconds) {
    }

    /** The body as {@code type}; a value of the wrong type is refused as {@code invalid_webhook} naming the field. */
    static <T> JsonInput.Given<T> read(String body, Class<T> type) {
        return JsonInput.readGiven(body, type, "a webhook", WebhookFields::invalid);
    }

    static String url(String value, boolean required) {
        if (value == null) {
            if (required) {
                throw invalid("url", "\"url\" is required: the http(s) address that receives the changes");
            }
            return null;
        }
        String problem = urlProblem(value);
        if (problem != null) {
            throw invalid("url", "\"url\" " + problem);
        }
        return value;
    }

    /** Why this is not a usable receiver address, or {@code null} if it is. */
    static String urlProblem(String value) {
        if (value.length() > 2000) {
            return "is longer than 2000 characters";
        }
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            return "is not a valid URL: " + e.getReason();
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!uri.isAbsolute() || !(scheme.equals("http") || scheme.equals("https"))) {
            return "must be an absolute http:// or https:// URL, not '" + value + "'";
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            return "must name a host";
        }
        if (uri.getRawUserInfo() != null) {
            return "must not carry credentials (they would be shown to every admin); use the signature to"
                    + " authenticate deliveries";
        }
        if (uri.getRawFragment() != null) {
            return "must not have a #fragment";
        }
        return null;
    }

    /**
     * Refuses a receiver inside the server's own network (loopback, link-local such as the cloud's metadata service,
     * private, any-local, multicast) unless the server's allow-list names it. A host that does not resolve now is
     * accepted: the deliverer applies the same rule to whatever it resolves to at each delivery.
     */
    static void destination(String url, WebhookSettings settings) {
        WebhookDestinations.Refusal refusal;
        try {
            refusal = settings.allowedDestinations().check(URI.create(url).getHost());
        } catch (UnknownHostException e) {
            return;
        }
        if (refusal != null) {
            throw invalid("url", "\"url\" points at " + refusal.describe() + ": the server sends no webhooks"
                    + " into its own network unless the server option " + WebhookDestinations.OPTION
                    + " names the host, the address or its range");
        }
    }

    /** The description of {@code body}: left out keeps {@code fallback}, sent as null removes it. */
    static String description(JsonInput.Given<?> body, String value, String fallback) {
        if (!body.fields().contains("description")) {
            return fallback;
        }
        if (value != null && value.length() > 255) {
            throw invalid("description", "\"description\" is longer than 255 characters");
        }
        return value;
    }

    static String secret(String value) {
        if (value != null && (value.length() < 16 || value.length() > 255)) {
            throw invalid("secret", "\"secret\" must be 16 to 255 characters long (leave it out and one is"
                    + " generated)");
        }
        return value;
    }

    static Integer seconds(Integer value, String field) {
        if (value == null) {
            return null;
        }
        if (value < 1 || value > WebhooksResource.MAX_RETRY_SECONDS) {
            throw invalid(field, "\"" + field + "\" must be a whole number of seconds from 1 to "
                    + WebhooksResource.MAX_RETRY_SECONDS + ", not " + value);
        }
        return value;
    }

    static void retry(int base, int max) {
        if (max < base) {
            throw invalid("retryMaxSeconds", "\"retryMaxSeconds\" (" + max
                    + ") must not be less than \"retryBaseSeconds\" (" + base + ")");
        }
    }
}
