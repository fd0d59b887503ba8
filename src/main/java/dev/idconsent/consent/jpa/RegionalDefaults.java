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

    /** A JPQL condition on {@code u} (a {@code UserEntity}), {@code 1 = 0} when nobody gets {@code mechanism}. */
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
        String attribute = "select a.id from UserAttributeEntity a where a.user.id = u.id and a.name = "
                + parameter("rAttr", regions.attribute());
        List<String> terms = new ArrayList<>();
        if (!codes.isEmpty()) {
            String byCountry = countries.isEmpty() ? "" : " or (a.value not in " + parameter("rListed",
                    List.copyOf(listed)) + " and substring(a.value, 1, 2) in " + parameter("rCountries" + suffix,
                    countries) + ")";
            terms.add("exists (" + attribute + " and (a.value in " + parameter("rCodes" + suffix, codes) + byCountry
                    + "))");
        }
        if (purpose.mechanism() == mechanism) { // a code no region lists
            terms.add("exists (" + attribute + " and a.value not in " + parameter("rListed", List.copyOf(listed))
                    + " and substring(a.value, 1, 2) not in " + parameter("rCountries",
                    listed.stream().filter(c -> c.length() == 2).toList()) + ")");
        }
        if (purpose.in(regions.locate(null)).mechanism() == mechanism) { // no code
            terms.add("not exists (" + attribute + ")");
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
