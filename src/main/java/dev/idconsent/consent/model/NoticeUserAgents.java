package dev.idconsent.consent.model;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.keycloak.TokenCategory;
import org.keycloak.crypto.KeyUse;
import org.keycloak.crypto.KeyWrapper;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

/**
 * The keyed hash of the browser a served notice was shown in ({@code noticeUserAgentHash} of the consent settings, a
 * realm attribute; off by default): two showings in the same browser get the same value, and nobody without the
 * realm's key can tell which browser it was or try common user agents against it. The value is
 * {@code <key id>:<64 hex digits>}: HMAC-SHA256 of the {@code User-Agent} header under a key derived from the realm's
 * active HMAC key for internal tokens (so a value can never serve as a signature of Keycloak's own tokens), with that
 * key's id, so values from before a key rotation are recognisably not comparable.
 */
public final class NoticeUserAgents {
    static final String SETTING = "idc.notices.userAgentHash";
    private static final byte[] PURPOSE = "idc-served-notice-user-agent".getBytes(StandardCharsets.UTF_8);

    private NoticeUserAgents() {
    }

    public static boolean enabled(RealmModel realm) {
        return Boolean.parseBoolean(realm.getAttribute(SETTING));
    }

    public static void save(RealmModel realm, boolean enabled) {
        realm.setAttribute(SETTING, Boolean.toString(enabled));
    }

    /** The hash of this request's browser; {@code null} when the realm does not ask for it or there is none. */
    static String ofRequest(KeycloakSession session, RealmModel realm) {
        if (!enabled(realm) || session.getContext().getRequestHeaders() == null) {
            return null;
        }
        String userAgent = session.getContext().getRequestHeaders().getHeaderString("User-Agent");
        if (userAgent == null || userAgent.isBlank()) {
            return null;
        }
        KeyWrapper key = session.keys().getActiveKey(realm, KeyUse.SIG,
                session.tokens().signatureAlgorithm(TokenCategory.INTERNAL));
        if (key == null || key.getSecretKey() == null) {
            return null;
        }
        try {
            byte[] derived = hmac(key.getSecretKey().getEncoded(), PURPOSE);
            return key.getKid() + ":" + HexFormat.of().formatHex(hmac(derived,
                    userAgent.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    }

    private static byte[] hmac(byte[] key, byte[] data) throws GeneralSecurityException {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(data);
    }
}
