package dev.idconsent.consent.mail;

import dev.idconsent.consent.ConsentException;
import dev.idconsent.consent.ErrorCode;
import java.time.Duration;
import java.time.Instant;
import org.keycloak.TokenCategory;
import org.keycloak.common.util.Time;
import org.keycloak.crypto.SignatureProvider;
import org.keycloak.crypto.SignatureSignerContext;
import org.keycloak.jose.jws.JWSBuilder;
import org.keycloak.jose.jws.JWSInput;
import org.keycloak.jose.jws.JWSInputException;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.services.Urls;
import jakarta.ws.rs.core.UriBuilder;

/**
 * Mints and verifies the signed links of the email channel: one-click unsubscribe (RFC 8058) for a user, purpose
 * and channel, and the confirmation link of a double opt-in.
 */
public final class UnsubscribeLinks {
    /** Long enough for old mail: CAN-SPAM asks for 30 days. */
    public static final Duration DEFAULT_LIFETIME = Duration.ofDays(90);
    /** How long the undo button after an unsubscribe works. */
    public static final Duration UNDO_WINDOW = Duration.ofMinutes(15);

    /** A minted link and the mail headers that carry it. */
    public record Link(String url, Instant expiresAt) {
        public String listUnsubscribe() {
            return "<" + url + ">";
        }

        public static String listUnsubscribePost() {
            return "List-Unsubscribe=One-Click";
        }
    }

    private final KeycloakSession session;
    private final RealmModel realm;
    private final Duration lifetime;

    public UnsubscribeLinks(KeycloakSession session, RealmModel realm, Duration lifetime) {
        this.session = session;
        this.realm = realm;
        this.lifetime = lifetime;
    }

    /**
     * @param sender   the client id of the sender minting it, recorded with the change a click makes
     * @param validFor at most the configured lifetime (e.g. shorter for a one-off transactional mail)
     */
    public Link mint(String userId, String purpose, String channel, String sender, Duration validFor) {
        return mint(new UnsubscribeToken(UnsubscribeToken.TYPE, issuer(), userId, purpose, channel, expiry(validFor))
                .sender(sender), "unsubscribe");
    }

    /**
     * Unsubscribe links for many people at once (a page of an audience): the realm's signing key, the issuer and
     * the link's base are looked up once, not per person, and what the page's tokens share is signed once
     * ({@link PageLinks}).
     */
    public Minter minter(String purpose, String channel, String sender, Duration validFor) {
        String algorithm = session.tokens().signatureAlgorithm(TokenCategory.INTERNAL);
        String base = base("unsubscribe").queryParam("token", "").build() + "";
        String issuer = issuer();
        long exp = expiry(validFor);
        // the key the realm's signer uses: its active key for the algorithm
        Minter page = PageLinks.of(base, session.keys().getActiveKey(realm, org.keycloak.crypto.KeyUse.SIG,
                algorithm), new UnsubscribeToken(UnsubscribeToken.TYPE, issuer, null, purpose, channel, exp)
                .sender(sender));
        if (page != null) {
            return page;
        }
        SignatureSignerContext signer = session.getProvider(SignatureProvider.class, algorithm).signer();
        return userId -> base + new JWSBuilder().type("JWT").jsonContent(
                new UnsubscribeToken(UnsubscribeToken.TYPE, issuer, userId, purpose, channel, exp).sender(sender))
                .sign(signer);
    }

    /** Mints the unsubscribe links of one purpose, channel and sender. */
    @FunctionalInterface
    public interface Minter {
        /** The link for one person; same claims and signature as {@link #mint}. */
        String url(String userId);
    }

    /** The link in a double-opt-in email that confirms the pending yes recorded as {@code pendingRow}. */
    public Link mintConfirmation(String userId, String purpose, long pendingRow) {
        return mint(new UnsubscribeToken(UnsubscribeToken.CONFIRM_TYPE, issuer(), userId, purpose, "email",
                expiry(lifetime)).historyId(pendingRow), "confirm");
    }

    /**
     * The link lifetime the server is configured with ({@code unsubscribe-link-lifetime-days} of the user API
     * extension), for links minted outside a request to that extension (e.g. confirmation emails).
     */
    public static Duration configuredLifetime(KeycloakSession session) {
        var factory = session.getKeycloakSessionFactory().getProviderFactory(
                org.keycloak.services.resource.RealmResourceProvider.class, "consent");
        return factory instanceof Settings settings ? settings.linkLifetime() : DEFAULT_LIFETIME;
    }

    /** Implemented by the provider factory that owns the link settings. */
    public interface Settings {
        Duration linkLifetime();
    }

    /** The undo link of the page shown after an unsubscribe click; valid for {@link #UNDO_WINDOW}. */
    public String mintUndo(UnsubscribeToken click, long historyId) {
        return mintUndo(click, historyId, "unsubscribe/undo");
    }

    /**
     * The alternatives the page after a click offers in place of it (a pause, fewer emails): the same short-lived
     * token as the undo, bound to the click's history row, at {@code unsubscribe/instead}.
     */
    public String mintInstead(UnsubscribeToken click, long historyId) {
        return mintUndo(click, historyId, "unsubscribe/instead");
    }

    private String mintUndo(UnsubscribeToken click, long historyId, String path) {
        long exp = Time.currentTime() + UNDO_WINDOW.toSeconds();
        return mint(new UnsubscribeToken(UnsubscribeToken.UNDO_TYPE, issuer(), click.getSubject(), click.getPurpose(),
                click.getChannel(), exp).historyId(historyId).sender(click.getSender()), path).url();
    }

    private long expiry(Duration validFor) {
        return Time.currentTime() + Math.min(validFor.toSeconds(), lifetime.toSeconds());
    }

    private Link mint(UnsubscribeToken claims, String path) {
        long exp = claims.getExp();
        String token = session.tokens().encode(claims);
        return new Link(base(path).queryParam("token", token).build().toString(), Instant.ofEpochSecond(exp));
    }

    private UriBuilder base(String path) {
        return UriBuilder.fromUri(session.getContext().getUri().getBaseUri()).path("realms").path(realm.getName())
                .path("consent").path(path);
    }

    /**
     * @throws ConsentException {@code invalid_link} with the reason: malformed, another realm, another kind of
     *                          token, a bad signature, or expired
     */
    public UnsubscribeToken verify(String token) {
        return verify(token, UnsubscribeToken.TYPE);
    }

    /** @param type {@link UnsubscribeToken#TYPE} or {@link UnsubscribeToken#CONFIRM_TYPE} */
    public UnsubscribeToken verify(String token, String type) {
        if (token == null || token.isBlank()) {
            throw invalid("the link has no token");
        }
        UnsubscribeToken claims;
        try {
            claims = new JWSInput(token).readJsonContent(UnsubscribeToken.class);
        } catch (JWSInputException | RuntimeException e) {
            throw invalid("the link is damaged (its token cannot be read)");
        }
        if (!type.equals(claims.getType())) {
            throw invalid(switch (type) {
                case UnsubscribeToken.TYPE -> "this is not an unsubscribe link";
                case UnsubscribeToken.CONFIRM_TYPE -> "this is not a confirmation link";
                default -> "this is not an undo request";
            });
        }
        if (!issuer().equals(claims.getIssuer())) {
            throw invalid("the link belongs to another realm");
        }
        UnsubscribeToken verified = session.tokens().decode(token, UnsubscribeToken.class);
        if (verified == null) {
            throw invalid("the link has been altered (its signature does not match)");
        }
        if (verified.isExpired()) {
            throw invalid("the link has expired");
        }
        if (verified.getSubject() == null || verified.getPurpose() == null) {
            throw invalid("the link does not name a person and a purpose");
        }
        return verified;
    }

    /** Where people manage all their choices: the realm's account console. */
    public static String accountUrl(KeycloakSession session, RealmModel realm) {
        return session.getContext().getUri().getBaseUriBuilder().path("realms").path(realm.getName())
                .path("account").build() + "/";
    }

    private String issuer() {
        return Urls.realmIssuer(session.getContext().getUri().getBaseUri(), realm.getName());
    }

    private static ConsentException invalid(String message) {
        return new ConsentException(ErrorCode.INVALID_LINK, message);
    }
}
