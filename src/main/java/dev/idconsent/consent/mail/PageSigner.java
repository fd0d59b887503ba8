package dev.idconsent.consent.mail;

import java.security.GeneralSecurityException;
import javax.crypto.Mac;
import org.keycloak.crypto.JavaAlgorithm;
import org.keycloak.crypto.KeyWrapper;
import org.keycloak.crypto.SignatureException;
import org.keycloak.crypto.SignatureSignerContext;

/**
 * Signs the links of one audience page with one {@link Mac}: Keycloak's HMAC signer context creates and keys a new
 * {@code Mac} for every signature, which is a third of a link's signing time. Same key, algorithm and kid, so the
 * links verify exactly like those of {@link UnsubscribeLinks#mint}. Not thread-safe: one page, one thread.
 */
final class PageSigner implements SignatureSignerContext {
    private final KeyWrapper key;
    private final Mac mac;

    private PageSigner(KeyWrapper key, Mac mac) {
        this.key = key;
        this.mac = mac;
    }

    /** A page signer for the realm's HMAC key, or the realm's own signer when its key is not a secret key. */
    static SignatureSignerContext of(KeyWrapper key, SignatureSignerContext realmSigner) {
        if (key == null || key.getSecretKey() == null) {
            return realmSigner;
        }
        try {
            Mac mac = Mac.getInstance(JavaAlgorithm.getJavaAlgorithm(key.getAlgorithmOrDefault()));
            mac.init(key.getSecretKey());
            return new PageSigner(key, mac);
        } catch (GeneralSecurityException e) {
            return realmSigner;
        }
    }

    @Override
    public String getKid() {
        return key.getKid();
    }

    @Override
    public String getAlgorithm() {
        return key.getAlgorithmOrDefault();
    }

    @Override
    public String getHashAlgorithm() {
        return JavaAlgorithm.getJavaAlgorithmForHash(key.getAlgorithmOrDefault());
    }

    @Override
    public byte[] sign(byte[] data) throws SignatureException {
        return mac.doFinal(data); // doFinal resets the Mac for the next link
    }
}
