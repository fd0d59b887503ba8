package dev.idconsent.consent.catalog;

import dev.idconsent.consent.ConsentException;
import dev.idconsent.consent.ErrorCode;
import dev.idconsent.consent.LegalBasis;
import dev.idconsent.consent.Mechanism;
import dev.idconsent.consent.Purpose;
import dev.idconsent.consent.PurposeCatalog;
import java.util.Comparator;
import java.util.List;
import org.keycloak.common.util.MultivaluedHashMap;
import org.keycloak.component.ComponentModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.services.ui.extend.UiPageProvider;

/**
 * The realm's catalog, kept as realm components of Keycloak's declarative-UI type, so the admin console lists
 * and edits them: read from Keycloak's realm cache (no SQL on the token path) and written through the realm
 * model in the request's transaction.
 */
public final class PurposeComponents implements PurposeCatalog {
    public static final String KEY = "key";
    public static final String LABEL = "label";
    public static final String DESCRIPTION = "description";
    public static final String CATEGORY = "category";
    public static final String MECHANISM = "mechanism";
    public static final String CHANNELS = "channels";
    public static final String VERSION = "version";
    public static final String HONOR_GPC = "honorGpc";
    public static final String INCLUDE_IN_TOKEN = "includeInToken";
    public static final String GATING = "gating";
    public static final String ASK_AT_LOGIN = "askAtLogin";
    public static final String DOUBLE_OPT_IN = "doubleOptIn";
    public static final String RETIRED = "retired";
    /** Days a yes lasts (fractions allowed); empty or 0: until withdrawn. */
    public static final String RENEW_AFTER_DAYS = "renewAfterDays";
    /** GDPR Art. 6 basis ({@link LegalBasis}); empty: the mechanism's default. */
    public static final String LEGAL_BASIS = "legalBasis";
    /** Optional W3C DPV purpose concept, e.g. dpv:Marketing. */
    public static final String PURPOSE_TYPE = "purposeType";
    /** Who the data is shared with, one value per name. */
    public static final String RECIPIENTS = "recipients";
    /**
     * The label in other languages than the realm's default, one value per language: {@code "de: Newsletter"}
     * (a language tag, a colon, the words). A list of strings, so the admin console's form edits it as it is.
     */
    public static final String LABEL_TRANSLATIONS = "labelTranslations";
    /** The description in other languages, as {@link #LABEL_TRANSLATIONS}. */
    public static final String DESCRIPTION_TRANSLATIONS = "descriptionTranslations";
    /**
     * The mechanism per region of the realm's consent settings, one value per region: {@code "EU: opt-in"} (a region
     * name, a colon, the mechanism), as the translations.
     */
    public static final String REGIONS = "regions";
    /**
     * The frequencies offered, one per line of a single value, in order: {@code "weekly: Weekly"} (key and label in
     * the default language). One value, not one per frequency: Keycloak keeps the values of a component's
     * multivalued setting unordered in the database, and the order is what people see.
     */
    public static final String FREQUENCIES = "frequencies";
    /** Their labels in other languages, one per line: {@code "de: weekly: Wöchentlich"}. */
    public static final String FREQUENCY_TRANSLATIONS = "frequencyTranslations";
    public static final String DEFAULT_FREQUENCY = "defaultFrequency";
    /** The periods a person may pause the purpose for, in days, one per line (fractions allowed: tests use seconds). */
    public static final String PAUSE_DAYS = "pauseDays";
    /** The alias of the organization the purpose belongs to; absent: everyone in the realm. */
    public static final String ORGANIZATION = "organization";
    /** Form-only field of the admin console: how an edit is to be recorded; never stored. */
    public static final String CHANGE = "change";
    /** Keycloak's declarative-UI component type: the admin console lists and edits these components. */
    public static final String TYPE = UiPageProvider.class.getName();
    /** The provider id of purpose components (the console's page and the stand-in SPI). */
    public static final String PROVIDER_ID = "idc-purpose";
    /**
     * Session attribute set while the catalog itself writes a component: the component factory then leaves the
     * archive and role to the catalog service.
     */
    public static final String CATALOG_WRITE = "idc.catalog.write";

    private final KeycloakSession session;
    private final RealmModel realm;

    /** Read-only view of the realm's catalog. */
    public PurposeComponents(RealmModel realm) {
        this(null, realm);
    }

    /** For {@link dev.idconsent.consent.CatalogService}'s writes, which apply the catalog rules themselves. */
    public PurposeComponents(KeycloakSession session, RealmModel realm) {
        this.session = session;
        this.realm = realm;
    }

    @Override
    public List<Purpose> all() {
        return components().map(PurposeComponents::parsed)
                .sorted(Comparator.comparing(Purpose::category).thenComparing(Purpose::key)).toList();
    }

    /** A component as read last, and the purpose it gave. */
    private record Parsed(ComponentModel model, Object config, Purpose purpose) {
    }

    /**
     * Purposes parsed from components, by component id. Keycloak's realm cache hands out the same
     * {@code ComponentModel} until the realm changes; a changed component is a new instance (or, in the session
     * that changes it, a new config map), so an entry is used only for the very instance and config it was parsed
     * from. Removed components leave an entry of a few hundred bytes until their id is seen again (never).
     */
    private static final java.util.concurrent.ConcurrentMap<String, Parsed> PARSED =
            new java.util.concurrent.ConcurrentHashMap<>();

    private static Purpose parsed(ComponentModel model) {
        String id = model.getId();
        Parsed known = id == null ? null : PARSED.get(id);
        if (known != null && known.model() == model && known.config() == model.getConfig()) {
            return known.purpose();
        }
        Purpose purpose = toPurpose(model);
        if (id != null) {
            PARSED.put(id, new Parsed(model, model.getConfig(), purpose));
        }
        return purpose;
    }

    /** The realm's default language (English when the realm has none). */
    @Override
    public String baseLocale() {
        return baseLocale(realm);
    }

    public static String baseLocale(RealmModel realm) {
        String locale = realm.isInternationalizationEnabled() ? realm.getDefaultLocale() : null;
        return locale == null || locale.isBlank() ? "en" : dev.idconsent.consent.Words.normalize(locale);
    }

    @Override
    public void save(Purpose purpose) {
        if (session == null) {
            throw new IllegalStateException("a read-only catalog view cannot save");
        }
        session.setAttribute(CATALOG_WRITE, Boolean.TRUE);
        try {
            write(purpose);
        } finally {
            session.removeAttribute(CATALOG_WRITE);
        }
    }

    private void write(Purpose purpose) {
        ComponentModel model = components().filter(c -> purpose.key().equals(keyOf(c))).findFirst().orElse(null);
        GpcStatement.written(realm, model == null ? null : toPurpose(model), purpose);
        if (model == null) {
            model = new ComponentModel();
            model.setName(purpose.key());
            model.setParentId(realm.getId());
            model.setProviderId(PROVIDER_ID);
            model.setProviderType(TYPE);
            model.setConfig(toConfig(purpose));
            realm.addComponentModel(model);
        } else {
            model.setConfig(toConfig(purpose));
            realm.updateComponent(model);
        }
    }

    private java.util.stream.Stream<ComponentModel> components() {
        return realm.getComponentsStream(realm.getId(), TYPE)
                .filter(c -> PROVIDER_ID.equals(c.getProviderId()));
    }

    private static String keyOf(ComponentModel model) {
        String key = model.get(KEY);
        return key == null ? model.getName() : key;
    }

    public static Purpose toPurpose(ComponentModel model) {
        String mechanism = model.get(MECHANISM);
        int version;
        try {
            version = Integer.parseInt(model.get(VERSION, "1").trim());
        } catch (NumberFormatException e) {
            throw new ConsentException(ErrorCode.INVALID_PURPOSE, "version must be a whole number");
        }
        List<String> channels = values(model, CHANNELS);
        String legalBasis = model.get(LEGAL_BASIS);
        String renewAfter = model.get(RENEW_AFTER_DAYS);
        java.math.BigDecimal renewAfterDays;
        try {
            renewAfterDays = renewAfter == null || renewAfter.isBlank() ? null
                    : new java.math.BigDecimal(renewAfter.trim());
        } catch (NumberFormatException e) {
            throw new ConsentException(ErrorCode.INVALID_PURPOSE, "renewAfterDays must be a number of days, not '"
                    + renewAfter + "'");
        }
        return new Purpose(keyOf(model), model.get(LABEL), model.get(DESCRIPTION), model.get(CATEGORY),
                mechanism == null ? null : Mechanism.fromValue(mechanism), channels, version,
                model.get(HONOR_GPC, false), model.get(INCLUDE_IN_TOKEN, true), model.get(GATING, false),
                model.get(ASK_AT_LOGIN, false), model.get(DOUBLE_OPT_IN, false), model.get(RETIRED, false),
                Purpose.lifetimeOfDays(renewAfterDays),
                legalBasis == null || legalBasis.isBlank() ? null : LegalBasis.fromValue(legalBasis.trim()),
                model.get(PURPOSE_TYPE), values(model, RECIPIENTS), translations(model), regions(model),
                frequencies(model), model.get(DEFAULT_FREQUENCY), pauses(model),
                model.get(ORGANIZATION));
    }

    private static List<java.time.Duration> pauses(ComponentModel model) {
        List<java.time.Duration> out = new java.util.ArrayList<>();
        for (String line : lines(model, PAUSE_DAYS)) {
            try {
                java.math.BigDecimal days = new java.math.BigDecimal(line.trim());
                if (days.signum() <= 0) {
                    throw new NumberFormatException();
                }
                out.add(Purpose.lifetimeOfDays(days, PAUSE_DAYS));
            } catch (NumberFormatException e) {
                throw new ConsentException(ErrorCode.INVALID_PURPOSE, "pauseDays must be positive numbers of days,"
                        + " one per line, not '" + (line.length() > 40 ? line.substring(0, 40) + "…" : line.strip())
                        + "'");
            }
        }
        return out;
    }

    /** The frequencies from the {@code "key: label"} entries and the {@code "tag: key: label"} translations. */
    private static List<dev.idconsent.consent.Frequency> frequencies(ComponentModel model) {
        java.util.Map<String, String> labels = prefixed(lines(model, FREQUENCIES), "the frequency",
                "its key and a colon, e.g. \"weekly: Weekly\"");
        java.util.Map<String, java.util.Map<String, String>> translated = new java.util.HashMap<>();
        for (String entry : lines(model, FREQUENCY_TRANSLATIONS)) {
            String[] parts = entry.split(":", 3);
            if (parts.length < 3 || parts[0].isBlank() || parts[1].isBlank()) {
                throw new ConsentException(ErrorCode.INVALID_PURPOSE, "the frequency translation '"
                        + (entry.length() > 40 ? entry.substring(0, 40) + "…" : entry) + "' must read"
                        + " \"language: key: label\", e.g. \"de: weekly: Wöchentlich\"");
            }
            String key = parts[1].trim();
            if (!labels.containsKey(key)) {
                throw new ConsentException(ErrorCode.INVALID_PURPOSE, "the frequency translation '" + entry.strip()
                        + "' names no frequency of the purpose (" + String.join(", ", labels.keySet()) + ")");
            }
            translated.computeIfAbsent(key, k -> new java.util.TreeMap<>()).put(parts[0].trim(), parts[2].strip());
        }
        return labels.entrySet().stream().map(e -> new dev.idconsent.consent.Frequency(e.getKey(), e.getValue(),
                translated.get(e.getKey()))).toList();
    }

    /** The mechanism per region, from the {@code "region: mechanism"} entries. */
    private static java.util.Map<String, Mechanism> regions(ComponentModel model) {
        java.util.Map<String, Mechanism> out = new java.util.LinkedHashMap<>();
        for (java.util.Map.Entry<String, String> e : prefixed(values(model, REGIONS),
                "the regional mechanism", "a region name and a colon, e.g. \"EU: opt-in\"").entrySet()) {
            out.put(e.getKey(), Mechanism.fromValue(e.getValue()));
        }
        return out;
    }

    /** The words in other languages, from the two lists of {@code "tag: words"} entries. */
    private static java.util.Map<String, dev.idconsent.consent.Words> translations(ComponentModel model) {
        java.util.Map<String, String> labels = byLanguage(values(model, LABEL_TRANSLATIONS), "label");
        java.util.Map<String, String> descriptions = byLanguage(values(model, DESCRIPTION_TRANSLATIONS),
                "description");
        java.util.Map<String, dev.idconsent.consent.Words> out = new java.util.TreeMap<>();
        for (String tag : descriptions.keySet()) {
            if (!labels.containsKey(tag)) {
                throw new ConsentException(ErrorCode.INVALID_PURPOSE, "there is a " + tag + " description but no "
                        + tag + " label: add \"" + tag + ": …\" to the label translations");
            }
        }
        labels.forEach((tag, label) -> out.put(tag, new dev.idconsent.consent.Words(tag, label,
                descriptions.get(tag))));
        return out;
    }

    private static java.util.Map<String, String> byLanguage(List<String> entries, String field) {
        return prefixed(entries, "the " + field + " translation", "its language and a colon, e.g. \"de: …\"");
    }

    /** {@code "name: value"} entries by name; {@code what} and {@code form} name them in an error. */
    private static java.util.Map<String, String> prefixed(List<String> entries, String what, String form) {
        java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
        for (String entry : entries) {
            int colon = entry.indexOf(':');
            if (colon < 1) {
                throw new ConsentException(ErrorCode.INVALID_PURPOSE, what + " '"
                        + (entry.length() > 40 ? entry.substring(0, 40) + "…" : entry)
                        + "' must start with " + form);
            }
            String tag = entry.substring(0, colon).trim();
            if (out.put(tag, entry.substring(colon + 1).strip()) != null) {
                throw new ConsentException(ErrorCode.INVALID_PURPOSE, what + " for " + tag + " is given twice");
            }
        }
        return out;
    }

    /** A multi-valued field without the blank entries the console's form leaves. */
    /** Every line of every value (a realm file may also give one value per line). */
    private static List<String> lines(ComponentModel model, String name) {
        return values(model, name).stream().flatMap(v -> v.lines().map(String::strip)).filter(l -> !l.isEmpty())
                .toList();
    }

    private static List<String> values(ComponentModel model, String name) {
        return model.getConfig() == null || model.getConfig().get(name) == null ? List.of()
                : model.getConfig().get(name).stream().filter(s -> s != null && !s.isBlank()).toList();
    }

    public static MultivaluedHashMap<String, String> toConfig(Purpose p) {
        MultivaluedHashMap<String, String> config = new MultivaluedHashMap<>();
        config.putSingle(KEY, p.key());
        config.putSingle(LABEL, p.label());
        config.putSingle(DESCRIPTION, p.description());
        config.putSingle(CATEGORY, p.category());
        config.putSingle(MECHANISM, p.mechanism().value());
        if (!p.channels().isEmpty()) {
            config.put(CHANNELS, p.channels());
        }
        config.putSingle(VERSION, Integer.toString(p.version()));
        config.putSingle(HONOR_GPC, Boolean.toString(p.honorGpc()));
        config.putSingle(INCLUDE_IN_TOKEN, Boolean.toString(p.includeInToken()));
        config.putSingle(GATING, Boolean.toString(p.gating()));
        config.putSingle(ASK_AT_LOGIN, Boolean.toString(p.askAtLogin()));
        config.putSingle(DOUBLE_OPT_IN, Boolean.toString(p.doubleOptIn()));
        config.putSingle(RETIRED, Boolean.toString(p.retired()));
        if (p.renewAfter() != null) {
            config.putSingle(RENEW_AFTER_DAYS, p.renewAfterDays().toPlainString());
        }
        config.putSingle(LEGAL_BASIS, p.legalBasis().value());
        if (p.purposeType() != null) {
            config.putSingle(PURPOSE_TYPE, p.purposeType());
        }
        if (!p.recipients().isEmpty()) {
            config.put(RECIPIENTS, p.recipients());
        }
        if (!p.regions().isEmpty()) {
            config.put(REGIONS, p.regions().entrySet().stream().map(e -> e.getKey() + ": " + e.getValue().value())
                    .toList());
        }
        if (!p.frequencies().isEmpty()) {
            config.putSingle(FREQUENCIES, String.join("\n", p.frequencies().stream()
                    .map(f -> f.key() + ": " + f.label()).toList()));
            List<String> translated = p.frequencies().stream().flatMap(f -> f.translations().entrySet().stream()
                    .map(t -> t.getKey() + ": " + f.key() + ": " + t.getValue())).toList();
            if (!translated.isEmpty()) {
                config.putSingle(FREQUENCY_TRANSLATIONS, String.join("\n", translated));
            }
            config.putSingle(DEFAULT_FREQUENCY, p.defaultFrequency());
        }
        if (p.organization() != null) {
            config.putSingle(ORGANIZATION, p.organization());
        }
        if (!p.pauses().isEmpty()) {
            config.putSingle(PAUSE_DAYS, String.join("\n", p.pauseDays().stream().map(d -> d.toPlainString())
                    .toList()));
        }
        if (!p.translations().isEmpty()) {
            config.put(LABEL_TRANSLATIONS, p.translations().values().stream().map(w -> w.locale() + ": "
                    + w.label()).toList());
            List<String> descriptions = p.translations().values().stream().filter(w -> !w.description().isEmpty())
                    .map(w -> w.locale() + ": " + w.description()).toList();
            if (!descriptions.isEmpty()) {
                config.put(DESCRIPTION_TRANSLATIONS, descriptions);
            }
        }
        return config;
    }
}
