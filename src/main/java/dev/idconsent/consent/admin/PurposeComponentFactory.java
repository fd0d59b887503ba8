package dev.idconsent.consent.admin;

import dev.idconsent.consent.model.Actors;
import dev.idconsent.consent.model.ConsentProvider;
import dev.idconsent.consent.Actor;
import dev.idconsent.consent.CatalogService;
import dev.idconsent.consent.ConsentException;
import dev.idconsent.consent.ErrorCode;
import dev.idconsent.consent.Purpose;
import dev.idconsent.consent.catalog.PurposeComponents;
import dev.idconsent.consent.model.AdminOverview;
import dev.idconsent.consent.model.RealmImportReconciler;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Map;
import org.keycloak.Config;
import org.keycloak.common.util.MultivaluedHashMap;
import org.keycloak.component.ComponentModel;
import org.keycloak.component.ComponentValidationException;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;
import org.keycloak.services.ErrorResponse;
import org.keycloak.services.ui.extend.UiPageProvider;
import org.keycloak.services.ui.extend.UiPageProviderFactory;

/**
 * The purpose component type and the admin console's catalog page (declarative UI: a list under "Configure", a
 * form from the properties below). Every component write passes here, also from Keycloak's generic components
 * API and realm import: the console's form gets the same rules as the consent admin API (through
 * {@link CatalogService}), its text archived and its consent role kept in line.
 */
public final class PurposeComponentFactory implements UiPageProviderFactory<UiPageProvider> {
    public static final String PROVIDER_ID = PurposeComponents.PROVIDER_ID;
    /** Set while {@link CatalogService} writes through {@link PurposeComponents}: it has applied the rules. */
    private static final String CATALOG_WRITE = PurposeComponents.CATALOG_WRITE;

    private static final List<ProviderConfigProperty> PROPERTIES = ProviderConfigurationBuilder.create()
            .property().name(PurposeComponents.KEY).label("Key")
            .helpText("Stable identifier used in tokens, links and the API: lowercase letters and digits, words joined"
                    + " by single dashes (e.g. partner-sharing), at most 64 characters. It never changes.")
            .type(ProviderConfigProperty.STRING_TYPE).required(true).add()
            .property().name(PurposeComponents.LABEL).label("Label").type(ProviderConfigProperty.STRING_TYPE)
            .required(true).add()
            .property().name(PurposeComponents.DESCRIPTION).label("Description")
            .type(ProviderConfigProperty.TEXT_TYPE).add()
            .property().name(PurposeComponents.LABEL_TRANSLATIONS).label("Label in other languages")
            .helpText("One entry per language: its tag, a colon, the label, e.g. \"de: Newsletter\". The label"
                    + " and description above are in the realm's default language; people reading another"
                    + " language see its words here. A change is a change of the text.")
            .type(ProviderConfigProperty.MULTIVALUED_STRING_TYPE).add()
            .property().name(PurposeComponents.DESCRIPTION_TRANSLATIONS).label("Description in other languages")
            .helpText("One entry per language with a label above: \"de: Unser monatlicher Newsletter …\"."
                    + " Needed for every language when the purpose has a description.")
            .type(ProviderConfigProperty.MULTIVALUED_STRING_TYPE).add()
            .property().name(PurposeComponents.RECIPIENTS).label("Shared with")
            .helpText("The recipients or third parties the data goes to, one name per entry (e.g. Acme Analytics"
                    + " Ltd). People see them with the description; a change is a change of the text.")
            .type(ProviderConfigProperty.MULTIVALUED_STRING_TYPE).add()
            .property().name(PurposeComponents.CHANGE).label("This edit is")
            .helpText("When you change the label, description (in any language), recipients, mechanism or legal basis of an existing"
                    + " purpose: material (new version, users are asked again) or correction (same version, e.g. a"
                    + " typo; not for mechanism or legal basis). Leave empty otherwise.")
            .type(ProviderConfigProperty.LIST_TYPE).options("", "correction", "material").add()
            .property().name(PurposeComponents.CATEGORY).label("Category").type(ProviderConfigProperty.STRING_TYPE)
            .defaultValue("general").add()
            .property().name(PurposeComponents.MECHANISM).label("Mechanism").type(ProviderConfigProperty.LIST_TYPE)
            .options("opt-in", "opt-out", "required").defaultValue("opt-in").add()
            .property().name(PurposeComponents.REGIONS).label("Mechanism by region")
            .helpText("Another mechanism for people in a region of the consent settings, one line per region:"
                    + " \"EU: opt-in\", \"california: opt-out\" (EU and EEA are built in). People in no region"
                    + " named here get the mechanism above. Warning: on a purpose that gates access, an opt-out"
                    + " region opens the gate for everyone there until they say no.")
            .type(ProviderConfigProperty.MULTIVALUED_STRING_TYPE).add()
            .property().name(PurposeComponents.FREQUENCIES).label("How often (frequencies)")
            .helpText("For a purpose with channels: the frequencies a person may choose, one per line in the order"
                    + " shown, key and label: \"weekly: Weekly\", \"monthly: Monthly\". Empty: no choice of"
                    + " frequency.")
            .type(ProviderConfigProperty.TEXT_TYPE).add()
            .property().name(PurposeComponents.FREQUENCY_TRANSLATIONS).label("Frequencies in other languages")
            .helpText("One line per language and frequency: \"de: weekly: Wöchentlich\".")
            .type(ProviderConfigProperty.TEXT_TYPE).add()
            .property().name(PurposeComponents.DEFAULT_FREQUENCY).label("Default frequency")
            .helpText("The key of the frequency of people who chose none (required with frequencies).")
            .type(ProviderConfigProperty.STRING_TYPE).add()
            .property().name(PurposeComponents.ORGANIZATION).label("Organization")
            .helpText("The alias of one of the realm's organizations (Organizations must be on): only its members"
                    + " see and answer the purpose, and only their tokens carry it. Empty: everyone in the realm.")
            .type(ProviderConfigProperty.STRING_TYPE).add()
            .property().name(PurposeComponents.PAUSE_DAYS).label("Pause for (days)")
            .helpText("The periods a person may pause this purpose for instead of leaving, in days, one per line:"
                    + " \"30\", \"90\". While paused it is off everywhere; at the end the answer before returns by"
                    + " itself. Empty: no pause.")
            .type(ProviderConfigProperty.TEXT_TYPE).add()
            .property().name(PurposeComponents.LEGAL_BASIS).label("Legal basis")
            .helpText("What the processing rests on (GDPR Art. 6(1)), stated in consent records. Consent fits only"
                    + " opt-in purposes; empty: consent for opt-in, legitimate-interest for opt-out, contract for"
                    + " required.")
            .type(ProviderConfigProperty.LIST_TYPE).options("", "consent", "legitimate-interest", "contract",
                    "legal-obligation", "vital-interest", "public-task").add()
            .property().name(PurposeComponents.PURPOSE_TYPE).label("Purpose type (DPV)")
            .helpText("Optional: the purpose's concept in the W3C Data Privacy Vocabulary"
                    + " (https://w3id.org/dpv), e.g. dpv:Marketing, dpv:ServiceProvision, dpv:Personalisation;"
                    + " it appears in ISO/IEC TS 27560 records.")
            .type(ProviderConfigProperty.STRING_TYPE).add()
            .property().name(PurposeComponents.CHANNELS).label("Channels")
            .helpText("For example email, sms, push; answers are kept per channel, so the list never changes")
            .type(ProviderConfigProperty.MULTIVALUED_STRING_TYPE).add()
            .property().name(PurposeComponents.VERSION).label("Version")
            .helpText("Set by the catalog: 1 when created, raised by each material change")
            .type(ProviderConfigProperty.STRING_TYPE).defaultValue("1").add()
            .property().name(PurposeComponents.HONOR_GPC).label("Honor Global Privacy Control")
            .type(ProviderConfigProperty.BOOLEAN_TYPE).defaultValue("false").add()
            .property().name(PurposeComponents.INCLUDE_IN_TOKEN).label("Include in tokens")
            .type(ProviderConfigProperty.BOOLEAN_TYPE).defaultValue("true").add()
            .property().name(PurposeComponents.GATING).label("Gates access")
            .helpText("Opt-in only: the plugin keeps the realm role idc-consent-<key> on exactly the consenting users;"
                    + " map it to client scopes (Scope tab) to grant them only with consent")
            .type(ProviderConfigProperty.BOOLEAN_TYPE).defaultValue("false").add()
            .property().name(PurposeComponents.ASK_AT_LOGIN).label("Ask at login")
            .helpText("Opt-in only: the consent step asks users who never answered when they log in")
            .type(ProviderConfigProperty.BOOLEAN_TYPE).defaultValue("false").add()
            .property().name(PurposeComponents.DOUBLE_OPT_IN).label("Double opt-in")
            .helpText("Opt-in with the email channel: a yes stays pending until confirmed from a link sent by email")
            .type(ProviderConfigProperty.BOOLEAN_TYPE).defaultValue("false").add()
            .property().name(PurposeComponents.RENEW_AFTER_DAYS).label("Renew consent after (days)")
            .helpText("Opt-in only: a yes expires this many days after it was given (the access it gates is"
                    + " withdrawn) and the consent step asks again at the next login. Empty or 0: a yes lasts"
                    + " until withdrawn.")
            .type(ProviderConfigProperty.STRING_TYPE).add()
            .property().name(PurposeComponents.RETIRED).label("Retired")
            .helpText("Hidden from users and tokens; answers and history are kept. Purposes are never deleted.")
            .type(ProviderConfigProperty.BOOLEAN_TYPE).defaultValue("false").add()
            .build();

    static {
        PROPERTIES.stream().filter(p -> p.getName().equals(PurposeComponents.VERSION))
                .forEach(p -> p.setReadOnly(true));
    }

    @Override
    public void validateConfiguration(KeycloakSession session, RealmModel realm, ComponentModel model) {
        try {
            if (session.getAttribute(CATALOG_WRITE) != null) {
                return; // planned by CatalogService
            }
            ComponentModel before = model.getId() == null ? null : realm.getComponent(model.getId());
            if (model.getConfig() == null) {
                model.setConfig(new MultivaluedHashMap<>());
            }
            if (model.get(PurposeComponents.KEY) == null && model.getName() != null) {
                model.getConfig().putSingle(PurposeComponents.KEY, model.getName()); // realm files name the key
            }
            CatalogService.ChangeKind kind = CatalogService.ChangeKind.fromValue(
                    blankToNull(model.get(PurposeComponents.CHANGE)));
            Purpose draft = PurposeComponents.toPurpose(model);
            Purpose next;
            if (before == null) {
                // as a realm file or the console's form has it (realm files bring versions and retired purposes)
                next = draft.validate();
                if (new PurposeComponents(realm).find(next.key()).isPresent()) {
                    throw new ConsentException(ErrorCode.PURPOSE_EXISTS, "purpose '" + next.key()
                            + "' already exists (keys are never reused, also not after retirement)");
                }
            } else {
                next = CatalogService.planUpdate(PurposeComponents.toPurpose(before), draft, kind);
            }
            dev.idconsent.consent.catalog.RegionSettings.check(realm, next);
            model.setName(next.key());
            model.setConfig(PurposeComponents.toConfig(next));
        } catch (ConsentException e) {
            // Keycloak formats the message with MessageFormat, which would eat plain apostrophes
            throw new ComponentValidationException(e.getMessage().replace('\'', '\u2019'));
        }
    }

    @Override
    public void onCreate(KeycloakSession session, RealmModel realm, ComponentModel model) {
        afterConsoleWrite(session, realm, null, model);
    }

    @Override
    public void onUpdate(KeycloakSession session, RealmModel realm, ComponentModel oldModel, ComponentModel newModel) {
        afterConsoleWrite(session, realm, oldModel, newModel);
    }

    /** Purposes are retired, never deleted: their answers and history must keep their meaning. */
    @Override
    public void preRemove(KeycloakSession session, RealmModel realm, ComponentModel model) {
        throw ErrorResponse.error("A purpose cannot be deleted: its answers and history must keep their meaning."
                + " Retire it instead.", Response.Status.BAD_REQUEST);
    }

    /** What {@link CatalogService} does after its own writes, for writes that did not come through it. */
    private static void afterConsoleWrite(KeycloakSession session, RealmModel realm, ComponentModel before,
                                          ComponentModel after) {
        if (session.getAttribute(CATALOG_WRITE) != null) {
            return;
        }
        Purpose purpose = PurposeComponents.toPurpose(after);
        dev.idconsent.consent.catalog.GpcStatement.written(realm, before == null ? null
                : PurposeComponents.toPurpose(before), purpose);
        UserModel admin = session.getContext().getUser();
        Actor actor = admin == null ? null : Actors.admin(admin);
        session.getProvider(ConsentProvider.class).catalog(realm).archive(before == null ? null : PurposeComponents.toPurpose(before),
                purpose, actor);
        session.getProvider(ConsentProvider.class).roles(realm).sync(purpose);
        AdminOverview.declare(session, realm);
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    @Override
    public String getHelpText() {
        return "The purposes users are asked about: communications and data uses, each with its mechanism and"
                + " versioned text";
    }

    @Override
    public List<ProviderConfigProperty> getConfigProperties() {
        return PROPERTIES;
    }

    @Override
    public Map<String, Object> getTypeMetadata() {
        return Map.of("displayFields", List.of(PurposeComponents.KEY, PurposeComponents.LABEL,
                PurposeComponents.MECHANISM, PurposeComponents.VERSION, PurposeComponents.RETIRED));
    }

    @Override
    public void init(Config.Scope config) {
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        factory.register(new RealmImportReconciler(factory));
    }

    @Override
    public void close() {
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }
}
