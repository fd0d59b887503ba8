package dev.idconsent.consent;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Google Consent Mode v2 from the record: each signal is {@code granted} when every purpose mapped to it is
 * effectively granted, a constant when one is set, and {@code denied} otherwise — so a web app passes the object to
 * {@code gtag('consent', 'update', …)} unchanged. The four signals of v2 are always present; the three others only
 * when mapped or set.
 *
 * @param purposes  signal → the purpose keys that must all be granted
 * @param constants signal → {@code granted} or {@code denied}
 */
public record ConsentMode(Map<String, List<String>> purposes, Map<String, String> constants) {
    /** Always in the object (Consent Mode v2). */
    public static final List<String> REQUIRED = List.of("ad_storage", "analytics_storage", "ad_user_data",
            "ad_personalization");
    /** In the object when mapped or set. */
    public static final List<String> OPTIONAL = List.of("functionality_storage", "personalization_storage",
            "security_storage");
    public static final String GRANTED = "granted";
    public static final String DENIED = "denied";
    private static final Set<String> VALUES = Set.of(GRANTED, DENIED);

    /**
     * Reads the mapper's two lists and names the first entry that is wrong.
     *
     * @param mapping   entries {@code "ad_storage: partner-sharing"} or {@code "ad_user_data: analytics, ads"}
     * @param constants entries {@code "security_storage: granted"}
     */
    public static ConsentMode parse(List<String> mapping, List<String> constants) {
        Map<String, List<String>> purposes = new LinkedHashMap<>();
        for (String entry : mapping) {
            String[] parts = split(entry, "purpose mapping", "ad_storage: partner-sharing");
            List<String> keys = java.util.Arrays.stream(parts[1].split(",")).map(String::trim).toList();
            for (String key : keys) {
                if (!Purpose.isSlug(key)) {
                    throw invalid("'" + entry + "': '" + key + "' is not a purpose key (lower-case letters, digits"
                            + " and dashes)");
                }
            }
            if (purposes.put(parts[0], keys) != null) {
                throw invalid("the signal " + parts[0] + " is mapped twice");
            }
        }
        Map<String, String> fixed = new LinkedHashMap<>();
        for (String entry : constants) {
            String[] parts = split(entry, "constant", "security_storage: granted");
            if (!VALUES.contains(parts[1])) {
                throw invalid("'" + entry + "': a constant is granted or denied, not '" + parts[1] + "'");
            }
            if (purposes.containsKey(parts[0]) || fixed.put(parts[0], parts[1]) != null) {
                throw invalid("the signal " + parts[0] + " is given twice (mapped to purposes or set as a constant,"
                        + " not both)");
            }
        }
        return new ConsentMode(purposes, fixed);
    }

    /** Purposes the mapping names that the catalog does not have (a typo would deny the signal for everyone). */
    public List<String> unknownPurposes(Iterable<Purpose> catalog) {
        Set<String> known = new java.util.HashSet<>();
        catalog.forEach(p -> known.add(p.key()));
        return purposes.values().stream().flatMap(List::stream).filter(k -> !known.contains(k)).distinct().toList();
    }

    /** The object for one person: {@code {"ad_storage": "denied", …}}. A retired purpose counts as not granted. */
    public Map<String, String> signals(Iterable<Purpose> catalog, String summary) {
        Map<String, ChoiceState> answers = Summary.decode(summary);
        Map<String, Boolean> granted = new java.util.HashMap<>();
        for (Purpose purpose : catalog) {
            granted.put(purpose.key(), !purpose.retired() && Effective.granted(purpose, answers));
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (String signal : REQUIRED) {
            out.put(signal, value(signal, granted));
        }
        for (String signal : OPTIONAL) {
            if (purposes.containsKey(signal) || constants.containsKey(signal)) {
                out.put(signal, value(signal, granted));
            }
        }
        return out;
    }

    private String value(String signal, Map<String, Boolean> granted) {
        List<String> keys = purposes.get(signal);
        if (keys != null) {
            return keys.stream().allMatch(k -> granted.getOrDefault(k, false)) ? GRANTED : DENIED;
        }
        return constants.getOrDefault(signal, DENIED);
    }

    private static String[] split(String entry, String what, String example) {
        int colon = entry.indexOf(':');
        String signal = colon < 0 ? "" : entry.substring(0, colon).trim();
        String value = colon < 0 ? "" : entry.substring(colon + 1).trim();
        if (signal.isEmpty() || value.isEmpty()) {
            throw invalid("the " + what + " '" + entry + "' must be a signal, a colon and "
                    + (what.equals("constant") ? "granted or denied" : "purpose keys") + ", e.g. \"" + example + "\"");
        }
        if (!REQUIRED.contains(signal) && !OPTIONAL.contains(signal)) {
            throw invalid("'" + signal + "' is not a Consent Mode v2 signal (" + String.join(", ", REQUIRED) + ", "
                    + String.join(", ", OPTIONAL) + ")");
        }
        return new String[] {signal, value};
    }

    private static ConsentException invalid(String message) {
        return new ConsentException(ErrorCode.INVALID_REQUEST, message);
    }
}
