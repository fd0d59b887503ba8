package dev.idconsent.consent.admin;

import dev.idconsent.consent.ConsentException;
import dev.idconsent.consent.Controller;
import dev.idconsent.consent.model.ControllerSettings;
import dev.idconsent.consent.Regions;
import dev.idconsent.consent.catalog.RegionSettings;
import dev.idconsent.consent.ErrorCode;
import dev.idconsent.consent.mail.ConfirmationMails;
import dev.idconsent.consent.catalog.PurposeComponents;
import dev.idconsent.consent.rest.ConsentJson;
import dev.idconsent.consent.rest.JsonInput;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.events.admin.OperationType;
import org.keycloak.services.resources.admin.AdminEventBuilder;
import org.keycloak.services.resources.admin.fgap.AdminPermissionEvaluator;

/**
 * {@code /admin/realms/{realm}/consent/…}: the catalog (view/manage realm) and users' choices (view/manage
 * users). Keycloak has authenticated the admin and handled CORS before this runs.
 */
public final class AdminConsentResource extends AdminResource {
    AdminConsentResource(KeycloakSession session, RealmModel realm, AdminPermissionEvaluator auth,
                         AdminEventBuilder adminEvent) {
        super(session, realm, auth, adminEvent);
    }

    // ---- catalog ------------------------------------------------------------------------------------------

    /** The catalog: {@link PurposesResource}. */
    @Path("purposes")
    public PurposesResource purposes() {
        return new PurposesResource(session, realm, auth, adminEvent);
    }

    /** Answers from another system: {@link ImportResource}. */
    @Path("import")
    public ImportResource imports() {
        return new ImportResource(session, realm, auth, adminEvent);
    }

    /** The opt-outs kept after accounts were deleted: {@link SuppressionsResource}. */
    @Path("suppressions")
    public SuppressionsResource suppressions() {
        return new SuppressionsResource(session, realm, auth, adminEvent);
    }

    /** {@code {"confirmationEmails": bool, "suppression": bool, "controller": {…}}}: the realm's consent settings. */
    @GET
    @Path("settings")
    @Produces(MediaType.APPLICATION_JSON)
    public Response settings() {
        auth.realm().requireViewRealm();
        return handle(() -> ConsentJson.ok(settingsJson()).build());
    }

    @PUT
    @Path("settings")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response updateSettings(String body) {
        auth.realm().requireManageRealm();
        return handle(() -> {
            Settings in = JsonInput.read(body, Settings.class, "the settings");
            if (in.confirmationEmails() != null) {
                realm.setAttribute(ConfirmationMails.SETTING, in.confirmationEmails().toString());
            }
            if (in.suppression() != null) {
                realm.setAttribute(dev.idconsent.consent.model.SuppressionSettings.SETTING, in.suppression().toString());
            }
            if (in.controller() != null) {
                ControllerSettings.save(realm, in.controller());
            }
            if (in.noticeRetentionDays() != null) {
                dev.idconsent.consent.model.NoticeRetention.save(realm, in.noticeRetentionDays());
            }
            if (in.senderWarningHours() != null) {
                dev.idconsent.consent.model.SenderWarning.save(realm, in.senderWarningHours());
            }
            if (in.noticeUserAgentHash() != null) {
                dev.idconsent.consent.model.NoticeUserAgents.save(realm, in.noticeUserAgentHash());
            }
            if (in.regionAttribute() != null || in.regions() != null || in.defaultRegion() != null
                    || in.gpcRegions() != null) {
                saveRegions(in);
            }
            if (in.regionHeader() != null || in.regionHeaderProxies() != null) {
                dev.idconsent.consent.RegionHeader before = RegionSettings.header(realm);
                if (in.regionHeaderProxies() != null && in.regionHeaderProxies().contains(null)) {
                    throw new ConsentException(ErrorCode.INVALID_VALUE, "\"regionHeaderProxies\" must contain only"
                            + " strings");
                }
                RegionSettings.saveHeader(realm, new dev.idconsent.consent.RegionHeader(
                        in.regionHeader() != null ? in.regionHeader() : before.name(),
                        in.regionHeaderProxies() != null ? in.regionHeaderProxies() : before.proxies()));
            }
            Settings out = settingsJson();
            return audited(OperationType.UPDATE, SETTINGS_RESOURCE, out, ConsentJson.ok(out).build(), "consent",
                    "settings");
        });
    }

    /**
     * {@code {"confirmationEmails": true, "suppression": true, "controller": {...}}}: the realm's consent settings;
     * fields left out keep their value, a controller sent replaces the one before ({@code {}} removes it).
     */
    record Settings(Boolean confirmationEmails, Boolean suppression, Controller controller,
                    java.math.BigDecimal noticeRetentionDays, Boolean noticeUserAgentHash, String regionAttribute,
                    java.util.Map<String, List<String>> regions, String defaultRegion, List<String> gpcRegions,
                    String regionHeader, List<String> regionHeaderProxies, java.math.BigDecimal senderWarningHours) {
    }

    private Settings settingsJson() {
        Regions regions = RegionSettings.of(realm);
        dev.idconsent.consent.RegionHeader header = RegionSettings.header(realm);
        return new Settings(ConfirmationMails.enabled(realm),
                dev.idconsent.consent.model.SuppressionSettings.enabled(realm), ControllerSettings.of(realm),
                dev.idconsent.consent.model.NoticeRetention.days(realm),
                dev.idconsent.consent.model.NoticeUserAgents.enabled(realm),
                regions.attribute() == null ? "" : regions.attribute(), regions.regions(),
                regions.defaultRegion() == null ? "" : regions.defaultRegion(), regions.gpcRegions(),
                header.name() == null ? "" : header.name(), header.proxies(),
                dev.idconsent.consent.model.SenderWarning.hours(realm).stripTrailingZeros());
    }

    /**
     * Replaces the parts of the realm's regions given ({@code ""} clears the attribute or the default region; the
     * regions as a whole). A region a purpose still names cannot go. Gating roles then follow the new defaults.
     */
    private void saveRegions(Settings in) {
        if (in.gpcRegions() != null && in.gpcRegions().contains(null)) {
            throw new ConsentException(ErrorCode.INVALID_VALUE, "\"gpcRegions\" must contain only region names");
        }
        Regions before = RegionSettings.of(realm);
        Regions next = new Regions(in.regionAttribute() != null ? in.regionAttribute() : before.attribute(),
                in.regions() != null ? in.regions() : before.regions(),
                in.defaultRegion() != null ? in.defaultRegion() : before.defaultRegion(),
                in.gpcRegions() != null ? in.gpcRegions() : before.gpcRegions());
        if (next.regions().containsKey(null) || next.regions().containsValue(null)) {
            throw new ConsentException(ErrorCode.INVALID_VALUE, "\"regions\" maps each region name to a list of"
                    + " ISO 3166 codes, e.g. {\"california\": [\"US-CA\"]}");
        }
        next.validate();
        List<dev.idconsent.consent.Purpose> purposes = new PurposeComponents(realm).all();
        for (dev.idconsent.consent.Purpose p : purposes) {
            for (String region : p.regions().keySet()) {
                if (!next.enabled() || !next.knows(region)) {
                    throw new ConsentException(ErrorCode.CONFLICT, "purpose '" + p.key() + "' gives region '"
                            + region + "' its own mechanism: change the purpose before "
                            + (next.enabled() ? "removing the region" : "turning regions off"));
                }
            }
        }
        RegionSettings.save(realm, next);
        var roles = plugin().roles(realm);
        purposes.stream().filter(p -> p.gating() && !p.regions().isEmpty()).forEach(roles::sync);
    }

    record Integrity(boolean ok, List<ConsentJson.ProblemJson> problems) {
    }

    record Repaired(List<ConsentJson.ProblemJson> repaired) {
    }

    /** Where the consent roles differ from the consent records (also logged as warnings). */
    @GET
    @Path("integrity")
    @Produces(MediaType.APPLICATION_JSON)
    public Response integrity() {
        auth.realm().requireViewRealm();
        auth.users().requireView();
        return handle(() -> {
            var problems = plugin().roles(realm).check(new PurposeComponents(realm).all());
            return ConsentJson.ok(new Integrity(problems.isEmpty(), ConsentJson.problems(problems))).build();
        });
    }

    /** Repairs the consent roles from the consent records, which are the truth; answers what it repaired. */
    @POST
    @Path("reconcile")
    @Produces(MediaType.APPLICATION_JSON)
    public Response reconcile() {
        auth.realm().requireManageRealm();
        auth.users().requireManage();
        return handle(() -> {
            var repaired = plugin().roles(realm).reconcile(new PurposeComponents(realm).all());
            Repaired out = new Repaired(ConsentJson.problems(repaired));
            return audited(OperationType.ACTION, PURPOSE_RESOURCE, out, ConsentJson.ok(out).build(), "consent",
                    "reconcile");
        });
    }

    // ---- reports ------------------------------------------------------------------------------------------

    /**
     * {@code {"people": n, "counts": [{"purpose", "channel", "mechanism", "granted", "denied", "pending", "expired",
     * "noAnswer", "on", "expiringSoon"}]}}: per active purpose and channel, how many people of the realm (service
     * accounts not counted) said yes, no, wait for a double-opt-in confirmation, whose yes expired, never answered,
     * for how many it is on, and how many yeses expire within 30 days (null: a yes lasts until withdrawn).
     */
    @GET
    @Path("reports/counts")
    @Produces(MediaType.APPLICATION_JSON)
    public Response counts() {
        auth.realm().requireViewRealm();
        auth.users().requireView();
        return handle(() -> {
            long people = session.users().getUsersCount(realm, false);
            return ConsentJson.ok(ConsentJson.counts(people, plugin().reports(realm).counts(RegionSettings.of(realm),
                    people, java.time.Instant.now()))).build();
        });
    }

    /** Streaming CSV/JSON exports of current choices and history (view-realm and view-users). */
    @Path("export")
    public ExportResource export() {
        return new ExportResource(session, realm, auth, readAudit());
    }

    /**
     * The change feed: {@code {"changes": [{"position": n, ...history row}], "next": n}}, every history row of the
     * realm in feed order after {@code after} (0 for the start). Poll with {@code after} = the last {@code next}:
     * no row is missed or repeated, also while people change choices concurrently. View-users. The token's client
     * becomes a sender whose delay is measured: a read from {@code after} tells that it has taken in the rows up to
     * there ({@link SendersResource}).
     */
    @GET
    @Path("feed")
    @Produces(MediaType.APPLICATION_JSON)
    public Response feed(@QueryParam("after") Long after, @QueryParam("max") Integer max) {
        auth.users().requireView();
        return handle(() -> {
            if (after != null && after < 0) {
                throw new ConsentException(ErrorCode.INVALID_VALUE, "\"after\" must be 0 or more");
            }
            long cursor = after == null ? 0 : after;
            var entries = new dev.idconsent.consent.jpa.JpaChangeFeed(session.getKeycloakSessionFactory(),
                    realm.getId()).after(cursor, JsonInput.max(max));
            var out = ConsentJson.feed(entries, cursor);
            // a client of another realm (master's admin-cli) is named with its realm
            var by = auth.adminAuth();
            String sender = by.getRealm().getId().equals(realm.getId()) ? by.getClient().getClientId()
                    : by.getRealm().getName() + "/" + by.getClient().getClientId();
            dev.idconsent.consent.jpa.JpaSenders.feedRead(session.getKeycloakSessionFactory(), realm.getId(), sender,
                    cursor, java.time.Instant.now());
            readAudit().read(ReadAudit.FEED, new String[] {"consent", "feed"}, java.util.Map.of("after",
                    Long.toString(cursor), "max", Integer.toString(JsonInput.max(max)), "rows",
                    Integer.toString(entries.size())));
            return ConsentJson.ok(out).build();
        });
    }

    /** How fast opt-outs reach the feed's readers and the webhooks: {@link SendersResource}. */
    @Path("senders")
    public SendersResource senders() {
        return new SendersResource(session, realm, auth, adminEvent);
    }

    /** The realm's webhook endpoints: {@link WebhooksResource}. */
    @Path("webhooks")
    public WebhooksResource webhooks() {
        return new WebhooksResource(session, realm, auth, adminEvent);
    }

    // ---- users --------------------------------------------------------------------------------------------

    /** A user's choices: {@link UsersResource}. */
    @Path("users")
    public UsersResource users() {
        return new UsersResource(session, realm, auth, adminEvent);
    }
}
