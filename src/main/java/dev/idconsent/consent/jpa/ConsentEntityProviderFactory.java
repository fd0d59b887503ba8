package dev.idconsent.consent.jpa;

import java.util.List;
import org.keycloak.Config;
import org.keycloak.connections.jpa.entityprovider.JpaEntityProvider;
import org.keycloak.connections.jpa.entityprovider.JpaEntityProviderFactory;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;

/**
 * Hands the plugin's Liquibase changelog to Keycloak. On Quarkus the entity list is ignored: every
 * {@code @Entity} in this JAR joins Keycloak's persistence unit by itself.
 */
public final class ConsentEntityProviderFactory implements JpaEntityProviderFactory {
    /** Its first ten letters name the Liquibase tracking table: DATABASECHANGELOG_IDC_CONSEN. */
    public static final String PROVIDER_ID = "idc-consent-entities";

    private static final JpaEntityProvider PROVIDER = new JpaEntityProvider() {
        @Override
        public List<Class<?>> getEntities() {
            return List.of(ChoiceEntity.class, HistoryEntity.class, PurposeTextEntity.class, WebhookEntity.class,
                    SuppressionEntity.class, SuppressionKeyEntity.class, ServedNoticeEntity.class);
        }

        @Override
        public String getChangelogLocation() {
            return "META-INF/idc-consent-changelog.xml";
        }

        @Override
        public String getFactoryId() {
            return PROVIDER_ID;
        }

        @Override
        public void close() {
        }
    };

    @Override
    public JpaEntityProvider create(KeycloakSession session) {
        return PROVIDER;
    }

    @Override
    public void init(Config.Scope config) {
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        factory.register(new ConsentCleanup());
    }

    @Override
    public void close() {
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    /** The request's EntityManager, the one Keycloak's own JPA stores use: one transaction for both. */
    static jakarta.persistence.EntityManager em(KeycloakSession session) {
        return session.getProvider(org.keycloak.connections.jpa.JpaConnectionProvider.class).getEntityManager();
    }
}
