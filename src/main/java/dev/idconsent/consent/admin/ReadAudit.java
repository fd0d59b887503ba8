package dev.idconsent.consent.admin;

import java.util.Map;

/**
 * Records a read that takes people's records out of Keycloak (an export, a feed page) as an admin event: who
 * (Keycloak's auth details), what (path, {@code idc_resource}) and with which filter (details {@code idc_<name>}
 * and the representation), so a realm's audit trail shows who took the records.
 */
@FunctionalInterface
interface ReadAudit {
    String EXPORT = "export";
    String FEED = "feed";

    void read(String resource, String[] path, Map<String, String> filter);
}
