package dev.idconsent.consent;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Where people live, as far as a realm's rules differ: named regions, each a list of ISO 3166 codes (a country
 * {@code DE} or a subdivision {@code US-CA}), plus the built-in groups {@code EU} and {@code EEA}; the user-profile
 * attribute that holds a person's code; and the region of people whose code is not known.
 *
 * <p>A person belongs to every region that lists their code, then to every region that lists their country (so
 * {@code US-CA} is in a region of {@code US-CA} before one of {@code US}), in the order the regions are defined, the
 * built-in groups last. A purpose applies the mechanism of the first of these regions it names, else its own
 * ({@link Purpose#in}). Someone without a code is in the default region only.
 *
 * @param attribute     the user-profile attribute with the person's code; {@code null}: regions are off
 * @param regions       the realm's regions in order, by name
 * @param defaultRegion the region of people without a code; {@code null}: they get each purpose's own mechanism
 * @param gpcRegions    where a Global Privacy Control signal switches purposes off by itself; empty: everywhere
 */
public record Regions(String attribute, Map<String, List<String>> regions, String defaultRegion,
                      List<String> gpcRegions) {
    public static final Regions NONE = new Regions(null, Map.of(), null);
    public static final int MAX_REGIONS = 50;
    public static final int MAX_CODES = 300;
    private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_-]{0,63}");
    private static final Pattern CODE = Pattern.compile("[A-Z]{2}(-[A-Z0-9]{1,3})?");
    private static final Pattern ATTRIBUTE = Pattern.compile("[A-Za-z0-9._-]{1,255}");
    /** The member states of the European Union. */
    public static final List<String> EU = List.of("AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR",
            "GR", "HR", "HU", "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK");
    /** The European Economic Area: the EU with Iceland, Liechtenstein and Norway. */
    public static final List<String> EEA;
    /** The groups every realm has, usable by name. */
    public static final Map<String, List<String>> BUILT_IN;

    static {
        List<String> eea = new ArrayList<>(EU);
        eea.addAll(List.of("IS", "LI", "NO"));
        EEA = List.copyOf(eea);
        Map<String, List<String>> builtIn = new LinkedHashMap<>();
        builtIn.put("EU", EU);
        builtIn.put("EEA", EEA);
        BUILT_IN = Collections.unmodifiableMap(builtIn);
    }

    /**
     * Where one person is: their code ({@code null} when not known) and the regions they belong to, the most
     * specific first.
     */
    public record Location(String code, List<String> regions) {
        public static final Location NOWHERE = new Location(null, List.of());
    }

    /** GPC binds everywhere. */
    public Regions(String attribute, Map<String, List<String>> regions, String defaultRegion) {
        this(attribute, regions, defaultRegion, List.of());
    }

    public Regions {
        gpcRegions = gpcRegions == null ? List.of() : List.copyOf(gpcRegions);
        attribute = attribute == null || attribute.isBlank() ? null : attribute.trim();
        regions = regions == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(regions));
        defaultRegion = defaultRegion == null || defaultRegion.isBlank() ? null : defaultRegion.trim();
    }

    public boolean enabled() {
        return attribute != null;
    }

    /** The realm's regions, then the built-in groups. */
    public Map<String, List<String>> all() {
        Map<String, List<String>> all = new LinkedHashMap<>(regions);
        BUILT_IN.forEach(all::putIfAbsent);
        return all;
    }

    public boolean knows(String region) {
        return regions.containsKey(region) || BUILT_IN.containsKey(region);
    }

    /** Where a person with this attribute value is; a blank value is no code. */
    public Location locate(String value) {
        if (!enabled()) {
            return Location.NOWHERE;
        }
        if (value == null || value.isBlank()) {
            return new Location(null, defaultRegion == null ? List.of() : List.of(defaultRegion));
        }
        Set<String> in = new LinkedHashSet<>();
        Map<String, List<String>> all = all();
        all.forEach((name, codes) -> {
            if (codes.contains(value)) {
                in.add(name);
            }
        });
        String country = country(value);
        if (!country.equals(value)) {
            all.forEach((name, codes) -> {
                if (codes.contains(country)) {
                    in.add(name);
                }
            });
        }
        return new Location(value, List.copyOf(in));
    }

    /**
     * The country part of a code as the audience query takes it: the first two characters (a valid code starts with
     * its country).
     */
    public static String country(String code) {
        return code.length() > 2 ? code.substring(0, 2) : code;
    }

    /**
     * Whether a Global Privacy Control signal switches purposes off by itself for people at {@code location}: everywhere
     * unless {@code gpcRegions} names where; without regions, everywhere.
     */
    public boolean gpcBinding(Location location) {
        return !enabled() || gpcRegions.isEmpty() || location.regions().stream().anyMatch(gpcRegions::contains);
    }

    /** Every code some region lists, the built-in groups' included. */
    public Set<String> listedCodes() {
        Set<String> codes = new LinkedHashSet<>();
        all().values().forEach(codes::addAll);
        return codes;
    }

    public static boolean isName(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    public static boolean isCode(String code) {
        return code != null && CODE.matcher(code).matches();
    }

    /** Checks every field and names the first that is wrong. */
    public Regions validate() {
        if (attribute != null && !ATTRIBUTE.matcher(attribute).matches()) {
            throw invalid("regionAttribute '" + attribute + "' must be the name of a user-profile attribute (letters,"
                    + " digits, '.', '_' and '-')");
        }
        if (regions.size() > MAX_REGIONS) {
            throw invalid("at most " + MAX_REGIONS + " regions, not " + regions.size());
        }
        regions.forEach((name, codes) -> {
            if (!isName(name)) {
                throw invalid("region name '" + name + "' must start with a letter and hold only letters, digits,"
                        + " '_' and '-' (at most 64 characters)");
            }
            if (BUILT_IN.containsKey(name)) {
                throw invalid("region '" + name + "' is built in (" + String.join(", ", BUILT_IN.keySet())
                        + "): use it by name without defining it");
            }
            if (codes == null || codes.isEmpty()) {
                throw invalid("region '" + name + "' lists no ISO 3166 codes");
            }
            if (codes.size() > MAX_CODES) {
                throw invalid("region '" + name + "' lists more than " + MAX_CODES + " codes");
            }
            for (String code : codes) {
                if (!isCode(code)) {
                    throw invalid("region '" + name + "': '" + code + "' is not an ISO 3166 code: a country (two"
                            + " capital letters, e.g. DE) or a subdivision (country, '-', up to three letters or"
                            + " digits, e.g. US-CA)");
                }
            }
            if (codes.stream().distinct().count() != codes.size()) {
                throw invalid("region '" + name + "' lists a code twice");
            }
        });
        if (defaultRegion != null && !knows(defaultRegion)) {
            throw invalid("defaultRegion '" + defaultRegion + "' is not a region: define it under regions or use "
                    + String.join(" or ", BUILT_IN.keySet()));
        }
        for (String region : gpcRegions) {
            if (!knows(region)) {
                throw invalid("gpcRegions: '" + region + "' is not a region: define it under regions or use "
                        + String.join(" or ", BUILT_IN.keySet()));
            }
        }
        if (attribute == null && (!regions.isEmpty() || defaultRegion != null || !gpcRegions.isEmpty())) {
            throw invalid("regions need regionAttribute, the user-profile attribute that holds a person's ISO 3166"
                    + " code (e.g. country)");
        }
        return this;
    }

    private static ConsentException invalid(String message) {
        return new ConsentException(ErrorCode.INVALID_REQUEST, message);
    }
}
