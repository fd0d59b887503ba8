package dev.idconsent.consent.mapper;

import dev.idconsent.consent.Effective;
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
 * flagged for tokens. Reads only the realm (cached catalog) and the user (cached summary attribute): no SQL.
 */
public final class ConsentClaimMapper extends AbstractOIDCProtocolMapper
        implements OIDCAccessTokenMapper, OIDCIDTokenMapper, UserInfoTokenMapper, TokenIntrospectionTokenMapper {
    public static final String PROVIDER_ID = "oidc-consent-mapper";
    public static final String DEFAULT_CLAIM = "consent";

    private static final List<ProviderConfigProperty> PROPERTIES;

    static {
        List<ProviderConfigProperty> properties = new java.util.ArrayList<>();
        OIDCAttributeMapperHelper.addTokenClaimNameConfig(properties);
        properties.get(0).setDefaultValue(DEFAULT_CLAIM);
        properties.get(0).setHelpText("Name of the claim that holds the consent object (default: consent).");
        OIDCAttributeMapperHelper.addIncludeInTokensConfig(properties, ConsentClaimMapper.class);
        PROPERTIES = List.copyOf(properties);
    }

    @Override
    protected void setClaim(IDToken token, ProtocolMapperModel mappingModel, UserSessionModel userSession,
                            KeycloakSession session, ClientSessionContext clientSessionCtx) {
        UserModel user = userSession.getUser();
        if (user == null) {
            return;
        }
        String claim = mappingModel.getConfig().get(OIDCAttributeMapperHelper.TOKEN_CLAIM_NAME);
        token.getOtherClaims().put(claim == null || claim.isBlank() ? DEFAULT_CLAIM : claim,
                Effective.claim(new PurposeComponents(userSession.getRealm()).all(),
                        user.getFirstAttribute(UserSubject.SUMMARY_ATTRIBUTE)));
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
