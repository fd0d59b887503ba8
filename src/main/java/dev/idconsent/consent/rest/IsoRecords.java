package dev.idconsent.consent.rest;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.idconsent.consent.ConsentReports;
import dev.idconsent.consent.Controller;
import dev.idconsent.consent.HistoryEntry;
import dev.idconsent.consent.Iso27560;
import dev.idconsent.consent.Purpose;
import dev.idconsent.consent.PurposeTexts;
import dev.idconsent.consent.catalog.PurposeComponents;
import dev.idconsent.consent.mail.UnsubscribeLinks;
import dev.idconsent.consent.model.ConsentProvider;
import dev.idconsent.consent.model.ControllerSettings;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.services.Urls;

/**
 * Consent records in the structure of ISO/IEC TS 27560:2023 ({@link Iso27560}; JSON Schema in
 * {@code docs/schema/iso-27560-record.schema.json}): one record per purpose resting on consent (and channel) with
 * the person's events, the realm's controller and the purpose's recipients as parties. Fields the standard does
 * not have are prefixed {@code idc_}.
 */
public final class IsoRecords {
    private final RealmModel realm;
    private final Controller controller;
    private final String accountUrl;
    private final String baseLocale;

    /** The realm's parts of every record: its controller and where people withdraw. */
    public IsoRecords(KeycloakSession session, RealmModel realm) {
        this.realm = realm;
        this.controller = ControllerSettings.of(realm);
        this.accountUrl = UnsubscribeLinks.accountUrl(session, realm) + "communication-privacy";
        this.baseLocale = PurposeComponents.baseLocale(realm);
    }

    /** A person's records, written as the history is read: one purpose and channel at a time, a page at a time. */
    static Receipts.Body receipt(KeycloakSession session, RealmModel realm, UserModel user, ConsentProvider plugin) {
        IsoRecords iso = new IsoRecords(session, realm);
        String subjectId = plugin.subject(realm, user).id();
        String issuer = Urls.realmIssuer(session.getContext().getUri().getBaseUri(), realm.getName());
        List<Purpose> purposes = new PurposeComponents(realm).all().stream().filter(Iso27560::hasRecord).toList();
        // one read now, in the request's transaction: an unreachable database is a clear 503
        plugin.reports(realm).receiptRows(subjectId, 0, 1);
        return json -> {
            json.writeStringField("schema_version", Iso27560.SCHEMA_VERSION);
            json.writeStringField("idc_issuer", issuer);
            json.writeStringField("idc_realm", realm.getName());
            json.writeStringField("pii_principal_id", subjectId);
            json.writeStringField("idc_generated_at", Instant.now().toString());
            json.writeArrayFieldStart("records");
            for (Purpose purpose : purposes) {
                for (String channel : purpose.choiceChannels()) {
                    List<ConsentReports.ReceiptRow> page = Receipts.inTransaction(session, realm,
                            r -> r.receiptRows(subjectId, purpose.key(), channel, 0, ConsentReports.PAGE));
                    if (page.isEmpty()) {
                        continue; // never answered: no consent to record
                    }
                    json.writeStartObject();
                    iso.writeHead(json, subjectId, purpose, channel);
                    json.writeArrayFieldStart("events");
                    while (!page.isEmpty()) {
                        for (ConsentReports.ReceiptRow row : page) {
                            write(json, iso.event(purpose, row.entry(), row.text()));
                        }
                        json.flush();
                        long after = page.get(page.size() - 1).entry().id();
                        page = Receipts.inTransaction(session, realm,
                                r -> r.receiptRows(subjectId, purpose.key(), channel, after, ConsentReports.PAGE));
                    }
                    json.writeEndArray();
                    json.writeEndObject();
                }
            }
            json.writeEndArray();
        };
    }

    /** One record holding one event: a row of the realm-wide export (rows of one record share its record_id). */
    public Map<String, Object> record(String subjectId, Purpose purpose, HistoryEntry entry) {
        Map<String, Object> record = new LinkedHashMap<>();
        record.putAll(head(subjectId, purpose, entry.channel()));
        record.put("events", List.of(event(purpose, entry, null)));
        return record;
    }

    private void writeHead(JsonGenerator json, String subjectId, Purpose purpose, String channel) throws IOException {
        for (Map.Entry<String, Object> e : head(subjectId, purpose, channel).entrySet()) {
            json.writeFieldName(e.getKey());
            write(json, e.getValue());
        }
    }

    /**
     * Writes maps and lists as they are, nulls included: the standard's mandatory fields stay present when their
     * value is null (Keycloak's mapper would leave them out).
     */
    public static void write(JsonGenerator json, Object value) throws IOException {
        if (value instanceof Map<?, ?> map) {
            json.writeStartObject();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                json.writeFieldName(String.valueOf(e.getKey()));
                write(json, e.getValue());
            }
            json.writeEndObject();
        } else if (value instanceof List<?> list) {
            json.writeStartArray();
            for (Object item : list) {
                write(json, item);
            }
            json.writeEndArray();
        } else if (value == null) {
            json.writeNull();
        } else {
            json.writeObject(value);
        }
    }

    /** Header, processing and parties of the record of one person's consent to one purpose (and channel). */
    private Map<String, Object> head(String subjectId, Purpose purpose, String channel) {
        Map<String, Object> head = new LinkedHashMap<>();
        head.put("schema_version", Iso27560.SCHEMA_VERSION);
        head.put("record_id", Iso27560.recordId(realm.getId(), subjectId, purpose.key(), channel).toString());
        head.put("pii_principal_id", subjectId);
        if (controller.privacyNotice() != null) {
            head.put("privacy_notice", controller.privacyNotice());
        }
        if (realm.isInternationalizationEnabled() && realm.getDefaultLocale() != null) {
            head.put("language", List.of(realm.getDefaultLocale()));
        }
        Map<String, Object> processing = new LinkedHashMap<>();
        processing.put("purpose", purpose.label());
        if (purpose.purposeType() != null) {
            processing.put("purpose_type", purpose.purposeType());
        }
        processing.put("lawful_basis", List.of(purpose.legalBasis().dpv()));
        List<String> pii = Iso27560.piiTypes(channel);
        if (!pii.isEmpty()) {
            processing.put("pii_information", pii.stream().map(t -> Map.of("pii_type", t)).toList());
        }
        processing.put("pii_controllers", List.of(Iso27560.CONTROLLER));
        List<String> recipientIds = new ArrayList<>();
        for (int i = 1; i <= purpose.recipients().size(); i++) {
            recipientIds.add("recipient-" + i);
        }
        processing.put("recipient_third_parties", recipientIds);
        List<String> withdraw = new ArrayList<>(List.of(accountUrl));
        if (Purpose.EMAIL.equals(channel)) {
            withdraw.add("the one-click unsubscribe link in every email (RFC 8058)");
        }
        processing.put("withdrawal_method", withdraw);
        processing.put("idc_purpose", purpose.key());
        processing.put("idc_channel", channel);
        processing.put("idc_version", purpose.version());
        processing.put("idc_description", purpose.description());
        head.put("purposes", List.of(processing));
        List<Map<String, Object>> parties = new ArrayList<>();
        parties.add(controllerParty());
        for (int i = 0; i < purpose.recipients().size(); i++) {
            Map<String, Object> party = new LinkedHashMap<>();
            party.put("party_id", recipientIds.get(i));
            party.put("party_name", purpose.recipients().get(i));
            party.put("party_role", "dpv:Recipient");
            party.put("party_type", "dpv:ThirdParty");
            parties.add(party);
        }
        head.put("parties", parties);
        return head;
    }

    private Map<String, Object> controllerParty() {
        Map<String, Object> party = new LinkedHashMap<>();
        party.put("party_id", Iso27560.CONTROLLER);
        // with no controller in the settings, the realm stands for it (README says to set one)
        party.put("party_name", controller.name() != null ? controller.name()
                : realm.getDisplayName() != null && !realm.getDisplayName().isBlank() ? realm.getDisplayName()
                : realm.getName());
        if (controller.address() != null) {
            party.put("party_address", controller.address());
        }
        if (controller.email() != null) {
            party.put("party_email", controller.email());
        }
        if (controller.url() != null) {
            party.put("party_url", controller.url());
        }
        if (controller.phone() != null) {
            party.put("party_phone", controller.phone());
        }
        List<String> contact = new ArrayList<>();
        for (String c : new String[] {controller.email(), controller.phone(), controller.url()}) {
            if (c != null) {
                contact.add(c);
            }
        }
        if (!contact.isEmpty()) {
            party.put("party_contact", contact);
        }
        party.put("party_role", "dpv:DataController");
        party.put("party_type", "dpv:DataController");
        return party;
    }

    /** One event: the standard's five fields, then the row's proof (who, how, which text) as {@code idc_} fields. */
    private Map<String, Object> event(Purpose purpose, HistoryEntry e, PurposeTexts.Text text) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("event_time", e.at().toString());
        event.put("validity_duration", Iso27560.validity(purpose, e));
        event.put("entity_id", Iso27560.entityId(e));
        event.put("event_type", Iso27560.EVENT_TYPE);
        event.put("event_state", Iso27560.eventState(e));
        event.put("idc_history_id", e.id());
        event.put("idc_state", e.state().value());
        event.put("idc_previous", e.previous() == null ? null : e.previous().value());
        event.put("idc_via", e.via().value());
        event.put("idc_actor", ConsentJson.actor(e.actor()));
        event.put("idc_client_id", e.clientId());
        event.put("idc_reason", e.reason());
        if (e.provenance() != null) {
            event.put("idc_source", e.provenance().source());
            event.put("idc_evidence", e.provenance().evidence());
        }
        event.put("idc_notice_version", e.purposeVersion());
        if (text != null) {
            // the words of the language the person was shown
            dev.idconsent.consent.Words shown = text.words(e.locale(), baseLocale);
            Map<String, Object> notice = new LinkedHashMap<>();
            notice.put("language", shown.locale());
            notice.put("label", shown.label());
            notice.put("description", shown.description());
            notice.put("recipients", text.recipients());
            notice.put("legal_basis", text.legalBasis() == null ? null : text.legalBasis().dpv());
            event.put("idc_notice", notice);
        }
        return event;
    }
}
