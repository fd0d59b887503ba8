package dev.idconsent.consent.mail;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.Mac;
import org.keycloak.crypto.JavaAlgorithm;
import org.keycloak.crypto.KeyWrapper;
import org.keycloak.util.JsonSerialization;

/**
 * The unsubscribe tokens of one audience page, where only the person differs from link to link: the header, the
 * claims before {@code sub} and the HMAC's state over both are computed once per page; per person only the subject,
 * the end of the hash and the signature remain. Each token is an ordinary compact JWS of the realm's HMAC key (same
 * algorithm and kid as Keycloak's internal tokens), so links verify exactly like those of
 * {@link UnsubscribeLinks#mint}: the payload is the same JSON, with the subject last and a few spaces after its
 * opening brace (JSON whitespace) so that the shared part is a whole number of base64 groups.
 * Not thread-safe: one page, one thread.
 */
final class PageLinks implements UnsubscribeLinks.Minter {
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    private final String base;
    /** {@code base + header + "." + the payload's shared part}, as base64url. */
    private final String prefix;
    /** Keyed and fed the signing input's shared part; cloned per person. */
    private final Mac shared;

    private PageLinks(String base, String prefix, Mac shared) {
        this.base = base;
        this.prefix = prefix;
        this.shared = shared;
    }

    /**
     * @param base   the link up to and including {@code token=}
     * @param claims the page's claims, without a subject
     * @return {@code null} when the key is not a secret key or its {@code Mac} cannot be cloned (the caller then
     *         signs each link whole)
     */
    static PageLinks of(String base, KeyWrapper key, UnsubscribeToken claims) {
        if (key == null || key.getSecretKey() == null || claims.getSubject() != null) {
            return null;
        }
        try {
            Map<String, String> header = new LinkedHashMap<>();
            header.put("alg", key.getAlgorithmOrDefault());
            header.put("typ", "JWT");
            header.put("kid", key.getKid());
            String json = new String(JsonSerialization.writeValueAsBytes(claims), StandardCharsets.UTF_8);
            if (!json.startsWith("{") || !json.endsWith("}") || json.length() < 3 || json.contains("\"sub\":")) {
                return null;
            }
            StringBuilder payload = new StringBuilder("{").append(json, 1, json.length() - 1).append(",\"sub\":");
            while (payload.toString().getBytes(StandardCharsets.UTF_8).length % 3 != 0) {
                payload.insert(1, ' ');
            }
            String signed = BASE64URL.encodeToString(JsonSerialization.writeValueAsBytes(header)) + "."
                    + BASE64URL.encodeToString(payload.toString().getBytes(StandardCharsets.UTF_8));
            Mac mac = Mac.getInstance(JavaAlgorithm.getJavaAlgorithm(key.getAlgorithmOrDefault()));
            mac.init(key.getSecretKey());
            mac.update(signed.getBytes(StandardCharsets.US_ASCII));
            mac.clone(); // fails here, not per link, where the provider's Mac cannot be cloned
            return new PageLinks(base, base + signed, mac);
        } catch (IOException | GeneralSecurityException | CloneNotSupportedException e) {
            return null;
        }
    }

    @Override
    public String url(String userId) {
        byte[] end = ('"' + new String(JsonStringEncoder.getInstance().quoteAsString(userId)) + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        String tail = BASE64URL.encodeToString(end);
        try {
            Mac mac = (Mac) shared.clone();
            mac.update(tail.getBytes(StandardCharsets.US_ASCII));
            return prefix + tail + "." + BASE64URL.encodeToString(mac.doFinal());
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("cloned once already when the page began", e);
        }
    }
}
