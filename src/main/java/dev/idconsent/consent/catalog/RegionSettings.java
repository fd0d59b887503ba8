package dev.idconsent.consent.catalog;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.idconsent.consent.Regions;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.util.JsonSerialization;

/**
 * The realm's {@link Regions} ({@code regions}, {@code regionAttribute}, {@code defaultRegion} of the consent
 * settings), kept as realm attributes {@code idc.regions.*}: exported and imported with the realm, and read from the
 * realm cache, so the token path locates a person without SQL.
 */
public final class RegionSettings {
    static final String ATTRIBUTE = "idc.regions.attribute";
    static final String REGIONS = "idc.regions.list";
    static final String DEFAULT = "idc.regions.default";
    static final String HEADER = "idc.regions.header";
    static final String GPC = "idc.regions.gpc";
    static final String HEADER_PROXIES = "idc.regions.headerProxies";
    private static final TypeReference<LinkedHashMap<String, List<String>>> LIST = new TypeReference<>() {
    };
    /** Parsed region lists by their stored text: the token path reads them for every token. */
    private static final Map<String, Map<String, List<String>>> PARSED = new ConcurrentHashMap<>();

    private RegionSettings() {
    }

    public static Regions of(RealmModel realm) {
        String attribute = realm.getAttribute(ATTRIBUTE);
        if (attribute == null) {
            return Regions.NONE;
        }
        String list = realm.getAttribute(REGIONS);
        String gpc = realm.getAttribute(GPC);
        return new Regions(attribute, list == null ? Map.of() : parse(list), realm.getAttribute(DEFAULT),
                gpc == null || gpc.isBlank() ? List.of() : List.of(gpc.split(",")));
    }

    /** Where a user is: their code from the attribute the realm names. */
    public static Regions.Location locate(RealmModel realm, UserModel user) {
        return locate(realm, user::getFirstAttribute);
    }

    /** @param code the person's value of an attribute (its name given) */
    public static Regions.Location locate(RealmModel realm, java.util.function.UnaryOperator<String> code) {
        Regions regions = of(realm);
        return regions.enabled() ? regions.locate(code.apply(regions.attribute())) : Regions.Location.NOWHERE;
    }

    /** Replaces the realm's regions (validated first: nothing is stored when one part is wrong). */
    public static void save(RealmModel realm, Regions regions) {
        regions.validate();
        put(realm, ATTRIBUTE, regions.attribute());
        try {
            put(realm, REGIONS, regions.regions().isEmpty() ? null
                    : JsonSerialization.writeValueAsString(regions.regions()));
        } catch (IOException e) {
            throw new IllegalStateException("a map of lists of strings is JSON", e);
        }
        put(realm, DEFAULT, regions.defaultRegion());
        put(realm, GPC, regions.gpcRegions().isEmpty() ? null : String.join(",", regions.gpcRegions()));
    }

    /** The header a trusted reverse proxy sets with the person's code ({@code regionHeader}); off by default. */
    public static dev.idconsent.consent.RegionHeader header(RealmModel realm) {
        String name = realm.getAttribute(HEADER);
        if (name == null) {
            return dev.idconsent.consent.RegionHeader.OFF;
        }
        String proxies = realm.getAttribute(HEADER_PROXIES);
        return new dev.idconsent.consent.RegionHeader(name, proxies == null || proxies.isBlank() ? List.of()
                : List.of(proxies.split(",")));
    }

    public static void saveHeader(RealmModel realm, dev.idconsent.consent.RegionHeader header) {
        header.validate();
        put(realm, HEADER, header.name());
        put(realm, HEADER_PROXIES, header.proxies().isEmpty() ? null : String.join(",", header.proxies()));
    }

    /** Refuses a purpose that names a region the realm does not have. */
    public static void check(RealmModel realm, dev.idconsent.consent.Purpose purpose) {
        if (purpose.regions().isEmpty()) {
            return;
        }
        Regions known = of(realm);
        if (!known.enabled()) {
            throw new dev.idconsent.consent.ConsentException(dev.idconsent.consent.ErrorCode.INVALID_PURPOSE,
                    "'" + purpose.key() + "' has regional mechanisms, but the realm has no regions: set"
                            + " regionAttribute (and any regions of your own) in the consent settings first");
        }
        for (String region : purpose.regions().keySet()) {
            if (!known.knows(region)) {
                throw new dev.idconsent.consent.ConsentException(dev.idconsent.consent.ErrorCode.INVALID_PURPOSE,
                        "region '" + region + "' of '" + purpose.key() + "' is not one of the realm's regions ("
                                + String.join(", ", known.all().keySet()) + ")");
            }
        }
    }

    private static Map<String, List<String>> parse(String list) {
        Map<String, List<String>> parsed = PARSED.get(list);
        if (parsed == null) {
            try {
                parsed = java.util.Collections.unmodifiableMap(JsonSerialization.readValue(list, LIST));
            } catch (IOException e) {
                return Map.of(); // only this class writes it
            }
            if (PARSED.size() > 256) {
                PARSED.clear();
            }
            PARSED.put(list, parsed);
        }
        return parsed;
    }

    private static void put(RealmModel realm, String name, String value) {
        if (value == null) {
            realm.removeAttribute(name);
        } else {
            realm.setAttribute(name, value);
        }
    }
}
