package dev.idconsent.consent.catalog;

import dev.idconsent.consent.ConsentException;
import dev.idconsent.consent.ErrorCode;
import dev.idconsent.consent.Purpose;
import java.util.Set;
import java.util.stream.Collectors;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.OrganizationModel;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.organization.OrganizationProvider;

/**
 * A person's organizations (Keycloak's Organizations feature), which decide the purposes of an organization they see.
 * Keycloak caches a user's memberships in its user cache and invalidates them cluster-wide when a member joins or
 * leaves, so reading them on the token path costs no SQL in steady state (except with fine-grained admin permissions
 * v2, under which Keycloak 26.7 reads them from the database each time).
 */
public final class Memberships {
    private Memberships() {
    }

    /** The provider where the realm has Organizations on; {@code null} otherwise (also when the feature is off). */
    private static OrganizationProvider provider(KeycloakSession session, RealmModel realm) {
        if (!realm.isOrganizationsEnabled()) {
            return null;
        }
        return session.getProvider(OrganizationProvider.class); // null when the server's feature is off
    }

    /** The aliases of the enabled organizations {@code user} is a member of; empty without Organizations. */
    public static Set<String> of(KeycloakSession session, RealmModel realm, UserModel user) {
        OrganizationProvider organizations = provider(session, realm);
        if (organizations == null) {
            return Set.of();
        }
        return organizations.getByMember(user).filter(OrganizationModel::isEnabled).map(OrganizationModel::getAlias)
                .collect(Collectors.toUnmodifiableSet());
    }

    /**
     * The aliases of the organizations a token is for, as Keycloak's own {@code organization} scope decides them
     * ({@code organization}: the one the person belongs to or chose at login; {@code organization:*}: all of theirs;
     * {@code organization:<alias>}: those named that they belong to): read from the requested scope and the person's
     * cached memberships, without a query. Empty when the token asks for no organization.
     *
     * @param chosen the id of the organization the person chose at login (client session note {@code kc.org})
     */
    public static Set<String> ofToken(KeycloakSession session, RealmModel realm, UserModel user, String scope,
                                      String chosen) {
        OrganizationProvider organizations = provider(session, realm);
        if (organizations == null || scope == null) {
            return Set.of();
        }
        java.util.List<OrganizationModel> mine = organizations.getByMember(user).filter(OrganizationModel::isEnabled)
                .toList();
        Set<String> named = new java.util.HashSet<>();
        boolean any = false;
        for (String s : scope.split(" ")) {
            if (s.equals("organization:*")) {
                return mine.stream().map(OrganizationModel::getAlias).collect(Collectors.toUnmodifiableSet());
            } else if (s.equals("organization")) {
                any = true;
            } else if (s.startsWith("organization:")) {
                named.add(s.substring("organization:".length()));
            }
        }
        if (!named.isEmpty()) {
            return mine.stream().map(OrganizationModel::getAlias).filter(named::contains)
                    .collect(Collectors.toUnmodifiableSet());
        }
        if (!any) {
            return Set.of();
        }
        if (mine.size() == 1) {
            return Set.of(mine.get(0).getAlias());
        }
        return mine.stream().filter(o -> o.getId().equals(chosen)).map(OrganizationModel::getAlias)
                .collect(Collectors.toUnmodifiableSet());
    }

    /** Refuses a purpose of an organization the realm does not have (admin writes only: this one may query). */
    public static void check(KeycloakSession session, RealmModel realm, Purpose purpose) {
        if (purpose.organization() != null) {
            exists(session, realm, purpose.organization(), ErrorCode.INVALID_PURPOSE);
        }
    }

    /** Refuses an organization a request names that the realm does not have. */
    public static void require(KeycloakSession session, RealmModel realm, String alias) {
        exists(session, realm, alias, ErrorCode.INVALID_VALUE);
    }

    private static void exists(KeycloakSession session, RealmModel realm, String alias, ErrorCode code) {
        OrganizationProvider organizations = provider(session, realm);
        if (organizations == null) {
            throw new ConsentException(code, "the organization '" + alias + "' is named, but Organizations are not"
                    + " enabled in this realm");
        }
        if (organizations.getByAlias(alias) == null) {
            throw new ConsentException(code, "there is no organization '" + alias + "' in this realm (an"
                    + " organization is named by its alias)");
        }
    }
}
