package dev.idconsent.consent.mail;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.keycloak.crypto.Algorithm;
import org.keycloak.crypto.KeyType;
import org.keycloak.crypto.KeyUse;
import org.keycloak.crypto.KeyWrapper;
import org.keycloak.crypto.MacSignatureVerifierContext;
import org.keycloak.jose.jws.JWSInput;

@DisplayName("Unsubscribe links of an audience page: signed once per page where they agree, valid JWS each")
class PageLinksTest {
    static final String BASE = "https://id.example.com/realms/shop/consent/unsubscribe?token=";

    static KeyWrapper key(String secret) {
        KeyWrapper key = new KeyWrapper();
        key.setKid("2c1d-kid");
        key.setAlgorithm(Algorithm.HS512);
        key.setType(KeyType.OCT);
        key.setUse(KeyUse.SIG);
        key.setSecretKey(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA512"));
        return key;
    }

    static UnsubscribeToken claims() {
        return new UnsubscribeToken(UnsubscribeToken.TYPE, "https://id.example.com/realms/shop", null, "newsletter",
                "email", 1_900_000_000L).sender("mailer");
    }

    @Test
    @DisplayName("given people with plain and unusual ids, then each link is a JWS of the realm key naming that person"
            + " and the page's purpose, channel, sender, issuer and expiry")
    void eachLinkVerifies() throws Exception {
        KeyWrapper key = key("a-secret-of-the-realm-that-is-long-enough-for-hs512-0123456789abcdef");
        UnsubscribeLinks.Minter page = PageLinks.of(BASE, key, claims());
        assertThat(page).isNotNull();
        // ids of 1, 2 and 3 bytes modulo 3, a federated id, quotes and non-ASCII
        for (String id : new String[] {"a", "ab", "abc", "3f0c1b9e-53d1-4a7e-9a55-0d7c3b1e7f21", "f:ldap:jörg",
                "x\"y\\z"}) {
            String url = page.url(id);
            assertThat(url).startsWith(BASE);
            JWSInput jws = new JWSInput(url.substring(BASE.length()));
            assertThat(new MacSignatureVerifierContext(key).verify(
                    jws.getEncodedSignatureInput().getBytes(StandardCharsets.UTF_8), jws.getSignature()))
                    .as("signature of %s", id).isTrue();
            assertThat(jws.getHeader().getKeyId()).isEqualTo("2c1d-kid");
            assertThat(jws.getHeader().getAlgorithm().name()).isEqualTo("HS512");
            UnsubscribeToken token = jws.readJsonContent(UnsubscribeToken.class);
            assertThat(token.getSubject()).isEqualTo(id);
            assertThat(token.getType()).isEqualTo(UnsubscribeToken.TYPE);
            assertThat(token.getIssuer()).isEqualTo("https://id.example.com/realms/shop");
            assertThat(token.getPurpose()).isEqualTo("newsletter");
            assertThat(token.getChannel()).isEqualTo("email");
            assertThat(token.getSender()).isEqualTo("mailer");
            assertThat(token.getExp()).isEqualTo(1_900_000_000L);
        }
    }

    @Test
    @DisplayName("given a link whose person is swapped, or signed with another key, then its signature fails")
    void tamperingFails() throws Exception {
        KeyWrapper key = key("a-secret-of-the-realm-that-is-long-enough-for-hs512-0123456789abcdef");
        UnsubscribeLinks.Minter page = PageLinks.of(BASE, key, claims());
        String token = page.url("alice").substring(BASE.length());
        String[] parts = token.split("\\.");
        String bob = Base64.getUrlEncoder().withoutPadding().encodeToString(new String(Base64.getUrlDecoder()
                .decode(parts[1]), StandardCharsets.UTF_8).replace("alice", "bobby").getBytes(StandardCharsets.UTF_8));
        JWSInput swapped = new JWSInput(parts[0] + "." + bob + "." + parts[2]);
        assertThat(swapped.readJsonContent(UnsubscribeToken.class).getSubject()).isEqualTo("bobby");
        assertThat(new MacSignatureVerifierContext(key).verify(
                swapped.getEncodedSignatureInput().getBytes(StandardCharsets.UTF_8), swapped.getSignature())).isFalse();

        JWSInput other = new JWSInput(PageLinks.of(BASE, key("another-realm-secret-also-long-enough-for-hs512-xyz"),
                claims()).url("alice").substring(BASE.length()));
        assertThat(new MacSignatureVerifierContext(key).verify(
                other.getEncodedSignatureInput().getBytes(StandardCharsets.UTF_8), other.getSignature())).isFalse();
    }

    @Test
    @DisplayName("given a key that is not a secret key, then the page falls back to signing each link whole")
    void asymmetricKeyFallsBack() {
        KeyWrapper rsa = new KeyWrapper();
        rsa.setAlgorithm(Algorithm.RS256);
        assertThat(PageLinks.of(BASE, rsa, claims())).isNull();
        assertThat(PageLinks.of(BASE, null, claims())).isNull();
    }
}
