package dev.idconsent.consent.model;

import dev.idconsent.consent.Choice;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.keycloak.models.KeycloakContext;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.representations.userprofile.config.UPAttribute;
import org.keycloak.representations.userprofile.config.UPAttributePermissions;
import org.keycloak.representations.userprofile.config.UPConfig;
import org.keycloak.representations.userprofile.config.UPGroup;
import org.keycloak.userprofile.UserProfileProvider;

/**
 * What an administrator sees of a user's choices on the user's page of the admin console: one user-profile
 * attribute, declared viewable by admins only and editable by nobody, written by the consent service in the same
 * transaction as the choices (so it cannot drift from them), one line per purpose and channel in one text.
 */
public final class AdminOverview {
    public static final String ATTRIBUTE = "idc-consent";
    static final String GROUP = "idc-consent";
    private static final DateTimeFormatter AT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);

    private AdminOverview() {
    }

    /**
     * One line per choice, e.g. {@code newsletter (email): no since 2026-11-26 10:02:11 UTC, text version 2, via
     * account by alice}; a yes with a chosen frequency says it: {@code yes (weekly) since …}.
     */
    static String text(List<Choice> choices) {
        return choices.stream()
                .sorted(Comparator.comparing(Choice::purpose).thenComparing(c -> c.channel() == null ? "" : c.channel()))
                .map(c -> c.purpose() + (c.channel() == null ? "" : " (" + c.channel() + ")") + ": "
                        + switch (c.state()) {
                            case GRANTED -> "yes";
                            case DENIED -> "no";
                            case PENDING -> "yes, waiting for email confirmation";
                            case CLEARED -> "no answer"; // history only, never a current choice
                            case EXPIRED -> "expired (the yes reached the lifetime of the purpose)";
                            case PAUSED -> "paused until " + AT.format(c.pausedUntil());
                        }
                        + (c.frequency() == null ? "" : " (" + c.frequency() + ")")
                        + " since " + AT.format(c.at()) + ", text version " + c.purposeVersion() + ", via "
                        + c.via().value() + (c.actor() == null || c.actor().username() == null ? ""
                        : " by " + c.actor().username()))
                .collect(java.util.stream.Collectors.joining("\n"));
    }

    /**
     * Declares the attribute in the realm's user profile if it is not there yet (after catalog writes and realm
     * import); an admin may move or relabel it, but the plugin puts back the permissions if they were widened.
     */
    public static void declare(KeycloakSession session, RealmModel realm) {
        KeycloakContext context = session.getContext();
        RealmModel before = context.getRealm();
        context.setRealm(realm); // the user-profile provider works on the context's realm
        try {
            UserProfileProvider profiles = session.getProvider(UserProfileProvider.class);
            UPConfig config = profiles.getConfiguration();
            UPAttribute existing = config.getAttribute(ATTRIBUTE);
            UPAttributePermissions readOnlyForAdmins = new UPAttributePermissions(Set.of("admin"), Set.of());
            if (existing != null && readOnlyForAdmins.equals(existing.getPermissions()) && !existing.isMultivalued()
                    && existing.getAnnotations() != null
                    && "textarea".equals(existing.getAnnotations().get("inputType"))) {
                return;
            }
            UPAttribute attribute = existing != null ? existing : new UPAttribute(ATTRIBUTE);
            attribute.setPermissions(readOnlyForAdmins);
            attribute.setMultivalued(false); // one text, a line per choice: shown whole, no add/remove buttons
            attribute.setAnnotations(Map.of("inputType", "textarea"));
            if (existing == null) {
                attribute.setDisplayName("${idc.admin.choices}");
                attribute.setGroup(GROUP);
                if (config.getGroups().stream().noneMatch(g -> GROUP.equals(g.getName()))) {
                    UPGroup group = new UPGroup(GROUP);
                    group.setDisplayHeader("${idc.admin.choices.header}");
                    group.setDisplayDescription("${idc.admin.choices.help}");
                    config.addGroup(group);
                }
            }
            config.addOrReplaceAttribute(attribute);
            profiles.setConfiguration(config);
        } finally {
            context.setRealm(before);
        }
    }
}
