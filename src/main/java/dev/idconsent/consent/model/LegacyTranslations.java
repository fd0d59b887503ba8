package dev.idconsent.consent.model;

import dev.idconsent.consent.CatalogService;
import dev.idconsent.consent.ConsentException;
import dev.idconsent.consent.Purpose;
import dev.idconsent.consent.Words;
import dev.idconsent.consent.catalog.PurposeComponents;
import dev.idconsent.consent.jpa.RealmTexts;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

/**
 * Before 0.8 a realm translated its purposes with realm localization texts ({@code idc.purpose.<key>.label} and
 * {@code .description}), which only the account console read and no text version kept. They move into the catalog:
 * each becomes a translation of the purpose's current text — a correction under the same version, archived, since
 * these are the words people were shown — and the realm text is removed. Run at start-up and after a realm import,
 * so realm files from before keep working.
 */
final class LegacyTranslations {
    private static final Logger LOG = Logger.getLogger(LegacyTranslations.class);
    private static final Pattern KEY = Pattern.compile("idc\\.purpose\\.([a-z0-9]+(?:-[a-z0-9]+)*)\\.(label|description)");

    private LegacyTranslations() {
    }

    static void migrate(KeycloakSession session, RealmModel realm) {
        // purpose → language → label, description (either may be missing)
        Map<String, Map<String, String[]>> found = new TreeMap<>();
        RealmTexts.of(session, realm.getId()).forEach((locale, texts) -> texts.forEach((key, text) -> {
            Matcher m = KEY.matcher(key);
            if (m.matches() && Words.isTag(locale)) {
                String[] words = found.computeIfAbsent(m.group(1), k -> new TreeMap<>())
                        .computeIfAbsent(locale, k -> new String[2]);
                words["label".equals(m.group(2)) ? 0 : 1] = text;
            }
        }));
        if (found.isEmpty()) {
            return;
        }
        CatalogService catalog = session.getProvider(ConsentProvider.class).catalog(realm);
        PurposeComponents purposes = new PurposeComponents(realm);
        String base = PurposeComponents.baseLocale(realm);
        found.forEach((key, byLocale) -> {
            Purpose current = purposes.find(key).orElse(null);
            if (current == null) {
                LOG.warnf("Realm %s has localization texts for purpose '%s', which it does not have; left as they are",
                        realm.getName(), key);
                return;
            }
            Map<String, Words> translations = new LinkedHashMap<>(current.translations());
            Purpose next = current;
            for (Map.Entry<String, String[]> e : byLocale.entrySet()) {
                String tag = Words.normalize(e.getKey());
                // what the account console showed: the realm text where there was one, the catalog's otherwise
                String label = e.getValue()[0] != null ? e.getValue()[0] : current.label();
                String description = e.getValue()[1] != null ? e.getValue()[1] : current.description();
                if (tag.equals(base)) {
                    next = new Purpose(key, label, description, next.category(), next.mechanism(), next.channels(),
                            next.version(), next.honorGpc(), next.includeInToken(), next.gating(), next.askAtLogin(),
                            next.doubleOptIn(), next.retired(), next.renewAfter(), next.legalBasis(),
                            next.purposeType(), next.recipients(), next.translations(), next.regions(),
                            next.frequencies(), next.defaultFrequency(), next.pauses(), next.organization());
                } else if (!translations.containsKey(tag)) { // the catalog's own translation wins
                    translations.put(tag, new Words(tag, label, description));
                }
            }
            try {
                catalog.update(key, next.withTranslations(translations), CatalogService.ChangeKind.CORRECTION, null);
            } catch (ConsentException ex) {
                LOG.warnf("Realm %s: the localization texts of purpose '%s' cannot become its translations (%s);"
                        + " left as they are", realm.getName(), key, ex.getMessage());
                return;
            }
            byLocale.keySet().forEach(locale -> {
                session.realms().deleteLocalizationText(realm, locale, "idc.purpose." + key + ".label");
                session.realms().deleteLocalizationText(realm, locale, "idc.purpose." + key + ".description");
            });
            LOG.infof("Realm %s: the localization texts of purpose '%s' (%s) are now its translations in the"
                    + " catalog", realm.getName(), key, String.join(", ", byLocale.keySet()));
        });
    }
}
