package dev.idconsent.consent.rest;

import dev.idconsent.consent.ConsentException;
import dev.idconsent.consent.ErrorCode;
import dev.idconsent.consent.Purpose;
import dev.idconsent.consent.catalog.PurposeComponents;
import dev.idconsent.consent.mail.UnsubscribeLinks;
import dev.idconsent.consent.mail.UnsubscribeToken;
import java.time.Duration;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/**
 * What a verified link (unsubscribe, undo, confirm) is about: its person, its active purpose, and its claims
 * (channel, history row, the sender that minted it). The one place the link pages resolve a link.
 */
record LinkTarget(UserModel user, Purpose purpose, UnsubscribeToken claims) {
    String channel() {
        return claims.getChannel();
    }

    /**
     * @param type {@link UnsubscribeToken#TYPE}, {@link UnsubscribeToken#UNDO_TYPE} or
     *             {@link UnsubscribeToken#CONFIRM_TYPE}
     * @throws ConsentException {@code invalid_link} for a bad token, or when its person or purpose is gone
     */
    static LinkTarget resolve(KeycloakSession session, RealmModel realm, Duration lifetime, String token,
                              String type) {
        UnsubscribeToken claims = new UnsubscribeLinks(session, realm, lifetime).verify(token, type);
        UserModel user = session.users().getUserById(realm, claims.getSubject());
        if (user == null) {
            throw new ConsentException(ErrorCode.INVALID_LINK, "the account this link was made for no longer exists");
        }
        Purpose purpose = new PurposeComponents(realm).find(claims.getPurpose()).filter(p -> !p.retired())
                .orElseThrow(() -> new ConsentException(ErrorCode.INVALID_LINK,
                        "what this link is about no longer exists"));
        return new LinkTarget(user, purpose, claims);
    }
}
