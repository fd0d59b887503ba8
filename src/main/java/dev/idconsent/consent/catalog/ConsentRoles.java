package dev.idconsent.consent.catalog;

import dev.idconsent.consent.Purpose;
import dev.idconsent.consent.jpa.JpaChoiceStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.jboss.logging.Logger;
import org.keycloak.models.ClientModel;
import org.keycloak.models.GroupModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RoleModel;
import org.keycloak.models.UserModel;

/**
 * The realm role of each gating purpose, held by exactly the users whose answer grants it. Keycloak then applies
 * a client scope that maps this role only to those users ("client scope permissions"), so token issuance runs
 * no plugin code. The consent records are the truth; {@link #check} reports drift and {@link #reconcile}
 * repairs it.
 */
public final class ConsentRoles {
    public static final String ROLE_PREFIX = "idc-consent-";
    public static final String PURPOSE_ATTRIBUTE = "idc.purpose";
    private static final Logger LOG = Logger.getLogger(ConsentRoles.class);

    /** One thing that is not as the consent records say. */
    public record Problem(String purpose, String role, String kind, String id, String name) {
    }

    private final KeycloakSession session;
    private final RealmModel realm;
    private final JpaChoiceStore store;

    public ConsentRoles(KeycloakSession session, RealmModel realm, JpaChoiceStore store) {
        this.session = session;
        this.realm = realm;
        this.store = store;
    }

    public static String roleName(String purposeKey) {
        return ROLE_PREFIX + purposeKey;
    }

    /** Grants or revokes the user's consent role; called by the consent service in the same transaction. */
    public void permit(UserModel user, Purpose purpose, boolean granted) {
        RoleModel role = ensure(purpose);
        if (granted && !user.hasDirectRole(role)) {
            user.grantRole(role);
        } else if (!granted && user.hasDirectRole(role)) {
            user.deleteRoleMapping(role);
        }
    }

    /** After a catalog write: a gating purpose gets its role and the right members; otherwise the role goes. */
    public void sync(Purpose purpose) {
        if (purpose.gating()) {
            inspect(purpose, true);
        } else {
            RoleModel role = realm.getRole(roleName(purpose.key()));
            if (role != null && purpose.key().equals(role.getFirstAttribute(PURPOSE_ATTRIBUTE))) {
                realm.removeRole(role);
            }
        }
    }

    public RoleModel role(Purpose purpose) {
        return realm.getRole(roleName(purpose.key()));
    }

    public List<Problem> check(List<Purpose> purposes) {
        List<Problem> problems = new ArrayList<>();
        purposes.stream().filter(Purpose::gating).forEach(p -> problems.addAll(inspect(p, false)));
        problems.forEach(p -> LOG.warnf("Consent role %s in realm %s: %s %s%s", p.role(), realm.getName(), p.kind(),
                p.name() == null ? "" : p.name(), " (the consent records are the truth; reconcile repairs it)"));
        return problems;
    }

    /** Repairs every problem {@link #check} would report and returns what it repaired. */
    public List<Problem> reconcile(List<Purpose> purposes) {
        List<Problem> repaired = new ArrayList<>();
        purposes.stream().filter(Purpose::gating).forEach(p -> repaired.addAll(inspect(p, true)));
        repaired.forEach(p -> LOG.infof("Consent role %s in realm %s repaired: %s %s", p.role(), realm.getName(),
                p.kind(), p.name() == null ? "" : p.name()));
        return repaired;
    }

    private RoleModel ensure(Purpose purpose) {
        RoleModel role = role(purpose);
        if (role == null) {
            role = realm.addRole(roleName(purpose.key()));
        }
        if (!purpose.key().equals(role.getFirstAttribute(PURPOSE_ATTRIBUTE))) {
            role.setSingleAttribute(PURPOSE_ATTRIBUTE, purpose.key());
        }
        String description = "Managed by the consent plugin: held exactly by the users who consented to '"
                + purpose.key() + "'. Do not assign it by hand, to groups, composites or default roles.";
        if (!description.equals(role.getDescription())) {
            role.setDescription(description);
        }
        return role;
    }

    private List<Problem> inspect(Purpose purpose, boolean repair) {
        List<Problem> problems = new ArrayList<>();
        String name = roleName(purpose.key());
        RoleModel role = role(purpose);
        if (role == null) {
            problems.add(new Problem(purpose.key(), name, "role_missing", null, null));
            if (!repair) {
                return problems;
            }
        }
        if (repair) {
            role = ensure(purpose);
        }
        RoleModel theRole = role;
        RoleModel defaults = realm.getDefaultRole();
        if (defaults != null && contains(defaults, theRole)) {
            problems.add(new Problem(purpose.key(), name, "default_roles", defaults.getId(), defaults.getName()));
            if (repair) {
                defaults.removeCompositeRole(theRole);
            }
        }
        Stream.concat(realm.getRolesStream(), realm.getClientsStream().flatMap(ClientModel::getRolesStream))
                .filter(r -> (defaults == null || !r.getId().equals(defaults.getId())) && contains(r, theRole)).toList()
                .forEach(r -> {
                    problems.add(new Problem(purpose.key(), name, "composite", r.getId(), r.getName()));
                    if (repair) {
                        r.removeCompositeRole(theRole);
                    }
                });
        session.groups().getGroupsStream(realm).filter(g -> g.hasDirectRole(theRole)).toList().forEach(g -> {
            problems.add(new Problem(purpose.key(), name, "group", g.getId(), path(g)));
            if (repair) {
                g.deleteRoleMapping(theRole);
            }
        });
        // a retired purpose can no longer be withdrawn, so it grants nothing any more (the role stays, so its
        // scopes stay closed)
        Set<String> consenting = purpose.retired() ? Set.of() : store.grantedSubjects(purpose,
                dev.idconsent.consent.catalog.RegionSettings.of(realm));
        session.users().getRoleMembersStream(realm, theRole).filter(u -> !consenting.contains(u.getId())).toList()
                .forEach(u -> {
                    problems.add(new Problem(purpose.key(), name, "role_without_consent", u.getId(), u.getUsername()));
                    if (repair) {
                        u.deleteRoleMapping(theRole);
                    }
                });
        for (String userId : consenting) {
            UserModel user = session.users().getUserById(realm, userId);
            if (user != null && !user.hasDirectRole(theRole)) {
                problems.add(new Problem(purpose.key(), name, "consent_without_role", user.getId(),
                        user.getUsername()));
                if (repair) {
                    user.grantRole(theRole);
                }
            }
        }
        return problems;
    }

    private static boolean contains(RoleModel composite, RoleModel role) {
        return composite.isComposite() && composite.getCompositesStream().anyMatch(r -> r.getId().equals(role.getId()));
    }

    private static String path(GroupModel group) {
        return group.getParent() == null ? "/" + group.getName() : path(group.getParent()) + "/" + group.getName();
    }
}
