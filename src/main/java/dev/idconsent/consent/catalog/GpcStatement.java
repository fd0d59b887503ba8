package dev.idconsent.consent.catalog;

import dev.idconsent.consent.Purpose;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import org.keycloak.models.RealmModel;

/**
 * The realm's Global Privacy Control support resource ({@code gpc.json} of the W3C GPC specification):
 * {@code "gpc": true} while an active purpose honours the signal, and {@code lastUpdate}, the day that changed last
 * (kept as a realm attribute whenever a catalog write changes which purposes honour it).
 */
public final class GpcStatement {
    static final String LAST_UPDATE = "idc.gpc.lastUpdate";

    private GpcStatement() {
    }

    /** After a purpose was written: notes the day when it changed whether the realm honours GPC for it. */
    public static void written(RealmModel realm, Purpose before, Purpose after) {
        if (honours(before) != honours(after)) {
            realm.setAttribute(LAST_UPDATE, LocalDate.now(ZoneOffset.UTC).toString());
        }
    }

    /** After a realm import: the day its statement began, unless it has one. */
    public static void imported(RealmModel realm, Iterable<Purpose> purposes) {
        for (Purpose p : purposes) {
            if (honours(p) && realm.getAttribute(LAST_UPDATE) == null) {
                realm.setAttribute(LAST_UPDATE, LocalDate.now(ZoneOffset.UTC).toString());
            }
        }
    }

    /** {@code {"gpc": …, "lastUpdate": "YYYY-MM-DD"}}; {@code lastUpdate} only when known. */
    public static Map<String, Object> of(RealmModel realm) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("gpc", new PurposeComponents(realm).all().stream().anyMatch(GpcStatement::honours));
        String day = realm.getAttribute(LAST_UPDATE);
        if (day != null) {
            out.put("lastUpdate", day);
        }
        return out;
    }

    private static boolean honours(Purpose p) {
        return p != null && p.honorGpc() && !p.retired();
    }
}
