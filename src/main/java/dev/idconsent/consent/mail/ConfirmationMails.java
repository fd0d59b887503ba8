package dev.idconsent.consent.mail;

import dev.idconsent.consent.ChangeContext;
import dev.idconsent.consent.ChoiceState;
import dev.idconsent.consent.ConsentEvents;
import dev.idconsent.consent.HistoryEntry;
import dev.idconsent.consent.Purpose;
import dev.idconsent.consent.Via;
import dev.idconsent.consent.catalog.PurposeComponents;
import dev.idconsent.consent.catalog.Wording;
import java.util.ArrayList;
import org.keycloak.theme.Theme;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;
import org.keycloak.email.EmailException;
import org.keycloak.email.EmailTemplateProvider;
import org.keycloak.models.AbstractKeycloakTransaction;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/**
 * After a change made from an email link or by an administrator, the person gets a confirmation email (realm
 * SMTP settings, Keycloak's email sender, localized templates {@code idc-choices-changed.ftl}) — sent only once
 * the change has committed. Switched on per realm (realm attribute {@value #SETTING}).
 */
public final class ConfirmationMails implements ConsentEvents {
    public static final String SETTING = "idc.confirmationEmails";
    static final String TEMPLATE = "idc-choices-changed.ftl";
    static final String CONFIRM_TEMPLATE = "idc-confirm-subscription.ftl";
    private static final Logger LOG = Logger.getLogger(ConfirmationMails.class);

    private final KeycloakSession session;
    private final RealmModel realm;

    public ConfirmationMails(KeycloakSession session, RealmModel realm) {
        this.session = session;
        this.realm = realm;
    }

    public static boolean enabled(RealmModel realm) {
        return Boolean.parseBoolean(realm.getAttribute(SETTING));
    }

    @Override
    public void recorded(String subjectId, List<HistoryEntry> rows, ChangeContext context) {
        rows.stream().filter(r -> r.state() == ChoiceState.PENDING)
                .forEach(r -> askToConfirm(subjectId, r.purpose(), r.id()));
        if (!enabled(realm) || (context.via() != Via.EMAIL && context.via() != Via.ADMIN)) {
            return;
        }
        UserModel user = session.users().getUserById(realm, subjectId);
        if (user == null || user.getEmail() == null) {
            LOG.warnf("No confirmation email for user %s in realm %s: no email address", subjectId, realm.getName());
            return;
        }
        Map<String, Purpose> catalog = new LinkedHashMap<>();
        new PurposeComponents(realm).all().forEach(p -> catalog.put(p.key(), p));
        // in the language Keycloak writes the person's mails in
        Wording wording = Wording.of(session, realm, user, Theme.Type.EMAIL);
        List<Map<String, Object>> changes = new ArrayList<>();
        for (HistoryEntry row : rows) {
            Map<String, Object> change = new LinkedHashMap<>();
            Purpose purpose = catalog.get(row.purpose());
            change.put("label", purpose == null ? row.purpose() : wording.words(purpose).label());
            change.put("channel", wording.channel(row.channel()));
            // what the person now gets: a cleared answer (an undone click) is the purpose's default again
            change.put("on", purpose == null ? row.state().granted()
                    : dev.idconsent.consent.Effective.granted(purpose, row.state()));
            changes.add(change);
        }
        Map<String, Object> attributes = new LinkedHashMap<>();
        attributes.put("idcChanges", changes);
        attributes.put("idcByAdmin", context.via() == Via.ADMIN);
        attributes.put("idcAccountUrl", UnsubscribeLinks.accountUrl(session, realm));
        sendAfterCommit(user, "idcChoicesChangedSubject", TEMPLATE, attributes);
    }

    /** A double opt-in: the yes waits for the link in this mail (sent whatever the realm setting). */
    private void askToConfirm(String subjectId, String purposeKey, long pendingRow) {
        UserModel user = session.users().getUserById(realm, subjectId);
        if (user == null || user.getEmail() == null) {
            LOG.warnf("No double-opt-in email for user %s in realm %s: no email address; the yes stays pending",
                    subjectId, realm.getName());
            return;
        }
        Map<String, Object> attributes = new LinkedHashMap<>();
        Wording wording = Wording.of(session, realm, user, Theme.Type.EMAIL);
        attributes.put("idcPurpose", new PurposeComponents(realm).find(purposeKey)
                .map(p -> wording.words(p).label()).orElse(purposeKey));
        attributes.put("idcConfirmUrl", new UnsubscribeLinks(session, realm,
                UnsubscribeLinks.configuredLifetime(session)).mintConfirmation(user.getId(), purposeKey, pendingRow)
                .url());
        sendAfterCommit(user, "idcConfirmSubscriptionSubject", CONFIRM_TEMPLATE, attributes);
    }

    private void sendAfterCommit(UserModel user, String subjectKey, String template, Map<String, Object> attributes) {
        session.getTransactionManager().enlistAfterCompletion(new AbstractKeycloakTransaction() {
            @Override
            protected void commitImpl() {
                try {
                    session.getProvider(EmailTemplateProvider.class).setRealm(realm).setUser(user)
                            .send(subjectKey, template, attributes);
                } catch (EmailException e) {
                    // the change stands (it is committed); the missing mail must not go unnoticed
                    LOG.warnf(e, "Email %s to user %s in realm %s failed", template, user.getId(), realm.getName());
                }
            }

            @Override
            protected void rollbackImpl() {
                // nothing was changed, nothing to send
            }
        });
    }
}
