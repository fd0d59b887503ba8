package dev.idconsent.consent.jpa;

import dev.idconsent.consent.Mechanism;
import dev.idconsent.consent.Purpose;
import dev.idconsent.consent.Regions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * "The region of user {@code u} gives this purpose mechanism m", as JPQL over Keycloak's user attributes, so an
 * audience or the holders of a gating role stay one query however many regions there are. It decides exactly as
 * {@link Regions#locate} and {@link Purpose#in} do: a listed code takes its regions' mechanism; an unlisted
 * subdivision its country's; a code no region lists the purpose's own; no code the default region's.
 */
final class RegionalDefaults {
    private final Purpose purpose;
    private final Regions regions;
    private final Map<String, Object> parameters = new HashMap<>();

    RegionalDefaults(Purpose purpose, Regions regions) {
        this.purpose = purpose;
        this.regions = regions;
    }

    /** Whether the purpose's mechanism depends on where a person is in this realm. */
    static boolean applies(Purpose purpose, Regions regions) {
        return regions.enabled() && !purpose.regions().isEmpty();
    }

    /**
     * The join that brings each user's code: alias {@code a}, at most one row per user (the attribute is
     * single-valued, as user-profile attributes are unless declared multivalued).
     */
    String join() {
        return " left join UserAttributeEntity a on a.user.id = u.id and a.name = " + parameter("rAttr",
                regions.attribute());
    }

    /**
     * A JPQL condition on the joined code {@code a.value} ({@link #join}), {@code 1 = 0} when nobody gets
     * {@code mechanism}. A condition on a joined column, not a subquery: PostgreSQL could only run a subquery under
     * an {@code or} as a hashed plan over every code of the realm, per page (half a second at a million users).
     */
    String gives(Mechanism mechanism) {
        List<String> codes = new ArrayList<>();
        List<String> countries = new ArrayList<>();
        for (String code : regions.listedCodes()) {
            if (purpose.in(regions.locate(code)).mechanism() == mechanism) {
                codes.add(code);
                if (code.length() == 2) {
                    countries.add(code);
                }
            }
        }
        String suffix = mechanism.name();
        Set<String> listed = regions.listedCodes();
        List<String> terms = new ArrayList<>();
        if (!codes.isEmpty()) {
            terms.add("a.value in " + parameter("rCodes" + suffix, codes));
        }
        if (!countries.isEmpty()) { // a subdivision no region lists: its country's
            terms.add("(a.value not in " + parameter("rListed", List.copyOf(listed)) + " and substring(a.value, 1, 2)"
                    + " in " + parameter("rCountries" + suffix, countries) + ")");
        }
        if (purpose.mechanism() == mechanism) { // a code no region lists
            terms.add("(a.value not in " + parameter("rListed", List.copyOf(listed)) + " and substring(a.value, 1, 2)"
                    + " not in " + parameter("rCountries", listed.stream().filter(c -> c.length() == 2).toList())
                    + ")");
        }
        if (purpose.in(regions.locate(null)).mechanism() == mechanism) { // no code
            terms.add("a.value is null");
        }
        return terms.isEmpty() ? "1 = 0" : "(" + String.join(" or ", terms) + ")";
    }

    /** A named parameter of the conditions; bound by {@link #bind}. */
    private String parameter(String name, Object value) {
        parameters.put(name, value);
        return ":" + name;
    }

    /** Sets the parameters the conditions use (call after every {@link #gives}). */
    <Q extends jakarta.persistence.Query> Q bind(Q query) {
        parameters.forEach(query::setParameter);
        return query;
    }
}
