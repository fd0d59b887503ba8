package dev.idconsent.consent.jpa;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.keycloak.models.KeycloakSession;

/**
 * A realm's localization texts read from Keycloak's table. {@code RealmModel.getRealmLocalizationTexts()} does not
 * see the texts of a realm being imported in the same transaction (Keycloak 26.7.3's JPA RealmAdapter persists a new
 * locale's entity without adding it to the realm entity's collection); a query does.
 */
public final class RealmTexts {
    private RealmTexts() {
    }

    /** Locale → key → text. */
    @SuppressWarnings("unchecked")
    public static Map<String, Map<String, String>> of(KeycloakSession session, String realmId) {
        List<Object[]> rows = ConsentEntityProviderFactory.em(session).createQuery(
                "select t.locale, t.texts from RealmLocalizationTextsEntity t where t.realm.id = :realmId",
                Object[].class).setParameter("realmId", realmId).getResultList();
        Map<String, Map<String, String>> out = new HashMap<>();
        for (Object[] row : rows) {
            out.put((String) row[0], row[1] == null ? Map.of() : Map.copyOf((Map<String, String>) row[1]));
        }
        return out;
    }
}
