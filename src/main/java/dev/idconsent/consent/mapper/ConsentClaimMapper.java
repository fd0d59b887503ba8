package dev.idconsent.consent.mapper;

import dev.idconsent.consent.ConsentMode;
import dev.idconsent.consent.Effective;
import dev.idconsent.consent.Purpose;
import java.util.Map;
import org.keycloak.models.ProtocolMapperContainerModel;
import org.keycloak.models.RealmModel;
import org.keycloak.protocol.ProtocolMapperConfigException;
import dev.idconsent.consent.catalog.PurposeComponents;
import dev.idconsent.consent.model.UserSubject;
import java.util.List;
import org.keycloak.models.ClientSessionContext;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.ProtocolMapperModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.protocol.oidc.mappers.AbstractOIDCProtocolMapper;
import org.keycloak.protocol.oidc.mappers.OIDCAccessTokenMapper;
import org.keycloak.protocol.oidc.mappers.OIDCAttributeMapperHelper;
import org.keycloak.protocol.oidc.mappers.OIDCIDTokenMapper;
import org.keycloak.protocol.oidc.mappers.TokenIntrospectionTokenMapper;
import org.keycloak.protocol.oidc.mappers.UserInfoTokenMapper;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.representations.IDToken;

/**
 * Adds {@code "consent": {"<purpose>": true|false}} — may the app use it now — for every active purpose
 * flagged for tokens; in the detailed form per purpose its channels, whether an answer or the default decides and
 * the text version answered; optionally a Google Consent Mode v2 object ({@link ConsentMode}). Reads only the realm
 * (cached catalog) and the user (cached summary attribute): no SQL.
 */
public final class ConsentClaimMapper extends AbstractOIDCProtocolMapper
        implements OIDCAccessTokenMapper, OIDCIDTokenMapper, UserInfoTokenMapper, TokenIntrospectionTokenMapper {
    public static final String PROVIDER_ID = "oidc-consent-mapper";
    public static final String DEFAULT_CLAIM = "consent";
    /** {@value #SIMPLE} (default) or {@value #DETAILED}. */
    public static final String FORM = "claim.form";
    public static final String SIMPLE = "simple";
    public static final String DETAILED = "detailed";
    public static final String CONSENT_MODE = "consentMode";
    public static final String CONSENT_MODE_CLAIM = "consentMode.claim";
    public static final String DEFAULT_CONSENT_MODE_CLAIM = "consent_mode";
    public static final String CONSENT_MODE_PURPOSES = "consentMode.purposes";
    public static final String CONSENT_MODE_CONSTANTS = "consentMode.constants";
    /** Purposes of organizations only for those the token is for (its {@code organization} scope). */
    public static final String TOKEN_ORGANIZATIONS = "organizations.fromToken";

    private static final List<ProviderConfigProperty> PROPERTIES;

    static {
        List<ProviderConfigProperty> properties = new java.util.ArrayList<>();
        OIDCAttributeMapperHelper.addTokenClaimNameConfig(properties);
        properties.get(0).setDefaultValue(DEFAULT_CLAIM);
        properties.get(0).setHelpText("Name of the claim that holds the consent object (default: consent).");
        properties.addAll(org.keycloak.provider.ProviderConfigurationBuilder.create()
                .property().name(FORM).label("Claim form").type(ProviderConfigProperty.LIST_TYPE)
                .options(SIMPLE, DETAILED).defaultValue(SIMPLE)
                .helpText("simple: {\"<purpose>\": true|false}, about 17 bytes per purpose. detailed: per purpose"
                        + " {\"granted\", \"explicit\", \"version\"} and, for a purpose with channels, the same per"
                        + " channel — whether the person's answer or the default decides, and which text version"
                        + " they answered.").add()
                .property().name(TOKEN_ORGANIZATIONS).label("Organization purposes only for the token's organizations")
                .type(ProviderConfigProperty.BOOLEAN_TYPE).defaultValue("false")
                .helpText("Off: a person's answers to the purposes of every organization they belong to. On: only"
                        + " those of the organizations the token is for (Keycloak's organization scope: organization,"
                        + " organization:<alias> or organization:*), so an app of one brand does not learn a"
                        + " person's choices for another; without that scope, none.").add()
                .property().name(CONSENT_MODE).label("Add Google Consent Mode v2")
                .type(ProviderConfigProperty.BOOLEAN_TYPE).defaultValue("false")
                .helpText("Also add an object with Google Consent Mode v2's signals (ad_storage, analytics_storage,"
                        + " ad_user_data, ad_personalization, …), each granted or denied, for"
                        + " gtag('consent', 'update', …).").add()
                .property().name(CONSENT_MODE_CLAIM).label("Consent Mode claim name")
                .type(ProviderConfigProperty.STRING_TYPE).defaultValue(DEFAULT_CONSENT_MODE_CLAIM).add()
                .property().name(CONSENT_MODE_PURPOSES).label("Consent Mode signals from purposes")
                .type(ProviderConfigProperty.MULTIVALUED_STRING_TYPE)
                .helpText("One entry per signal: the signal, a colon, the purposes that must all be granted, e.g."
                        + " \"ad_storage: partner-sharing\" or \"ad_user_data: analytics, partner-sharing\".").add()
                .property().name(CONSENT_MODE_CONSTANTS).label("Consent Mode constant signals")
                .type(ProviderConfigProperty.MULTIVALUED_STRING_TYPE)
                .helpText("Signals that do not depend on a choice, e.g. \"security_storage: granted\". A v2 signal"
                        + " neither mapped nor set is denied.").add()
                .build());
        PROPERTIES = List.copyOf(properties);
    }

    @Override
    protected void setClaim(IDToken token, ProtocolMapperModel mappingModel, UserSessionModel userSession,
                            KeycloakSession session, ClientSessionContext clientSessionCtx) {
        UserModel user = userSession.getUser();
        if (user == null) {
            return;
        }
        Map<String, String> config = mappingModel.getConfig();
        // each purpose as people where the person is see it (the region's mechanism decides a default)
        dev.idconsent.consent.Regions.Location location = dev.idconsent.consent.catalog.RegionSettings
                .locate(userSession.getRealm(), user);
        List<Purpose> catalog = new PurposeComponents(userSession.getRealm()).all().stream()
                .map(p -> p.in(location)).toList();
        if (catalog.stream().anyMatch(p -> p.organization() != null)) {
            // a purpose of an organization only for its members (cached memberships: no SQL)
            java.util.Set<String> organizations = Boolean.parseBoolean(config.get(TOKEN_ORGANIZATIONS))
                    ? dev.idconsent.consent.catalog.Memberships.ofToken(session, userSession.getRealm(), user,
                    clientSessionCtx.getScopeString(true), clientSessionCtx.getClientSession().getNote(
                            org.keycloak.models.OrganizationModel.ORGANIZATION_ATTRIBUTE))
                    : dev.idconsent.consent.catalog.Memberships.of(session, userSession.getRealm(), user);
            catalog = catalog.stream().filter(p -> p.visibleTo(organizations)).toList();
        }
        String summary = user.getFirstAttribute(UserSubject.SUMMARY_ATTRIBUTE);
        token.getOtherClaims().put(orDefault(config.get(OIDCAttributeMapperHelper.TOKEN_CLAIM_NAME), DEFAULT_CLAIM),
                DETAILED.equals(config.get(FORM)) ? Effective.detailedClaim(catalog, summary)
                        : Effective.claim(catalog, summary));
        if (Boolean.parseBoolean(config.get(CONSENT_MODE))) {
            token.getOtherClaims().put(orDefault(config.get(CONSENT_MODE_CLAIM), DEFAULT_CONSENT_MODE_CLAIM),
                    consentMode(config).signals(catalog, summary));
        }
    }

    private static ConsentMode consentMode(Map<String, String> config) {
        return ConsentMode.parse(values(config.get(CONSENT_MODE_PURPOSES)), values(config.get(CONSENT_MODE_CONSTANTS)));
    }

    /** A multivalued field as Keycloak stores it in a mapper's config: values joined by {@code ##}. */
    private static List<String> values(String stored) {
        return stored == null || stored.isBlank() ? List.of() : java.util.Arrays.stream(
                stored.split(java.util.regex.Pattern.quote(org.keycloak.models.Constants.CFG_DELIMITER)))
                .map(String::trim).filter(v -> !v.isEmpty()).toList();
    }

    private static String orDefault(String value, String fallback) {
        return value == null || value.isBlank() ? fallback : value;
    }

    /** Refuses a mapping that cannot work, naming the entry; a purpose the catalog lacks is a mistake too. */
    @Override
    public void validateConfig(KeycloakSession session, RealmModel realm, ProtocolMapperContainerModel client,
                               ProtocolMapperModel mapperModel) throws ProtocolMapperConfigException {
        Map<String, String> config = mapperModel.getConfig() == null ? Map.of() : mapperModel.getConfig();
        String form = config.get(FORM);
        if (form != null && !form.isBlank() && !SIMPLE.equals(form) && !DETAILED.equals(form)) {
            throw refused("Claim form must be simple or detailed, not '" + form + "'");
        }
        ConsentMode mode;
        try {
            mode = consentMode(config);
        } catch (dev.idconsent.consent.ConsentException e) {
            throw refused("Consent Mode: " + e.getMessage());
        }
        List<String> unknown = mode.unknownPurposes(new PurposeComponents(realm).all());
        if (!unknown.isEmpty()) {
            throw refused("Consent Mode: the realm has no purpose " + String.join(", ", unknown));
        }
    }

    /**
     * Keycloak 26.7.3 looks the message key up in its admin messages (a null key fails with a 500) and formats what
     * it finds with MessageFormat, which would eat plain apostrophes: the message is its own key, with typographic
     * apostrophes.
     */
    private static ProtocolMapperConfigException refused(String message) {
        String text = message.replace('\'', '\u2019');
        return new ProtocolMapperConfigException(text, text);
    }

    @Override
    public String getDisplayCategory() {
        return TOKEN_MAPPER_CATEGORY;
    }

    @Override
    public String getDisplayType() {
        return "Consent choices";
    }

    @Override
    public String getHelpText() {
        return "Adds the user's effective consent per purpose (true = the app may use it now).";
    }

    @Override
    public List<ProviderConfigProperty> getConfigProperties() {
        return PROPERTIES;
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }
}
