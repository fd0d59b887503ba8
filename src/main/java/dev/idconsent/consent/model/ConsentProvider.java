package dev.idconsent.consent.model;

import dev.idconsent.consent.CatalogService;
import dev.idconsent.consent.ConsentReports;
import dev.idconsent.consent.ConsentService;
import dev.idconsent.consent.PurposeTexts;
import dev.idconsent.consent.catalog.ConsentRoles;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.provider.Provider;

/**
 * The plugin's services for one Keycloak session, as every surface obtains them:
 * {@code session.getProvider(ConsentProvider.class)} (Keycloak's own wiring, as its organization feature does).
 * Everything it hands out works in the session's transaction, the same one as Keycloak's own user data.
 */
public interface ConsentProvider extends Provider {
    /** The one writer of choices, for a realm. */
    ConsentService consent(RealmModel realm);

    /** Receipts and counts: reads of the record for people and auditors. */
    ConsentReports reports(RealmModel realm);

    /** Catalog writes, which also keep each gating purpose's role in line. */
    CatalogService catalog(RealmModel realm);

    /** The user as the consent service sees them: summary attribute and consent roles. */
    UserSubject subject(RealmModel realm, UserModel user);

    ConsentRoles roles(RealmModel realm);

    /** Every text each purpose ever had. */
    PurposeTexts texts(RealmModel realm);

    /** What surfaces showed people (served notices), read in the session's transaction. */
    dev.idconsent.consent.ServedNotices notices(RealmModel realm);

    /**
     * Records served notices in a transaction of their own, so that a failure (e.g. two tabs rendering at once)
     * never breaks the page that showed them; it is logged and answered with {@code false}. The request's browser is
     * kept as a keyed hash when the realm asks for it ({@link NoticeUserAgents}).
     */
    boolean recordNotices(RealmModel realm, String subjectId, dev.idconsent.consent.ServedNotices.Surface surface,
                          String clientId, java.util.List<dev.idconsent.consent.ServedNotices.Shown> shown);

    /** The realm's opt-outs that outlive the account; {@code null} when the realm has switched them off. */
    dev.idconsent.consent.Suppressions suppressions(RealmModel realm);

    @Override
    default void close() {
    }
}
