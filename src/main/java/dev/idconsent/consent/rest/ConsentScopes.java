package dev.idconsent.consent.rest;

import java.util.Arrays;
import java.util.Map;
import org.keycloak.models.ClientModel;
import org.keycloak.models.ClientScopeModel;
import org.keycloak.models.Constants;
import org.keycloak.models.RealmModel;
import org.keycloak.protocol.oidc.OIDCLoginProtocol;
import org.keycloak.representations.AccessToken;

/**
 * The user API's capabilities: client scopes the person (on Keycloak's consent screen) or an admin (as a client's
 * default scope) granted to an app. The API checks the token's {@code scope}, never the user's roles, so a token
 * of an app the person did not give the capability to — or a resource server replaying such a token — can
 * neither read nor change anything.
 */
public final class ConsentScopes {
    /** Read one's own choices, history and receipt. */
    public static final String READ = "idc-choices-read";
    /** Change one's own choices: withdraw anything; say yes to a non-gating purpose, naming the text version shown. */
    public static final String WRITE = "idc-choices-write";

    /** Consent-screen texts: message keys the JAR's login theme resources carry (en, de). */
    private static final Map<String, String> TEXTS = Map.of(READ, "${idcScopeChoicesRead}",
            WRITE, "${idcScopeChoicesWrite}");
    private static final Map<String, String> DESCRIPTIONS = Map.of(
            READ, "Consent plugin: read the person's own communication and privacy choices (/realms/{realm}/consent/me)",
            WRITE, "Consent plugin: change the person's own communication and privacy choices (withdraw; a yes only "
                    + "with the text version shown, never for a purpose that unlocks access)");

    private ConsentScopes() {
    }

    /** Whether the token was granted {@code scope}. */
    public static boolean granted(AccessToken token, String scope) {
        return token.getScope() != null && Arrays.asList(token.getScope().split(" ")).contains(scope);
    }

    /**
     * Creates the scopes a realm lacks. Keycloak's account console gets both as default scopes when they are
     * created here (also on a realm's creation or import), so the Communication &amp; privacy page works; scopes
     * that exist are left as the admin set them.
     *
     * @param newRealm the realm was just created or imported: the account console gets both scopes in any case
     */
    public static void ensure(RealmModel realm, boolean newRealm) {
        ClientModel console = realm.getClientByClientId(Constants.ACCOUNT_CONSOLE_CLIENT_ID);
        for (String name : new String[]{READ, WRITE}) {
            ClientScopeModel scope = realm.getClientScopesStream().filter(s -> name.equals(s.getName())).findFirst()
                    .orElse(null);
            boolean created = scope == null;
            if (created) {
                scope = realm.addClientScope(name);
                scope.setProtocol(OIDCLoginProtocol.LOGIN_PROTOCOL);
                scope.setDescription(DESCRIPTIONS.get(name));
                scope.setIncludeInTokenScope(true);
                scope.setDisplayOnConsentScreen(true);
                scope.setConsentScreenText(TEXTS.get(name));
            }
            if ((created || newRealm) && console != null && !console.getClientScopes(true).containsKey(name)) {
                console.addClientScope(scope, true);
            }
        }
    }
}
