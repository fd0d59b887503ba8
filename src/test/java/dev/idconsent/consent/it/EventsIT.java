package dev.idconsent.consent.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** What an administrator finds in Keycloak's own event lists (Events → User events / Admin events). */
@ExtendWith(KeycloakExtension.class)
@DisplayName("Keycloak events: catalog and on-behalf changes as admin events, every change as a user event")
class EventsIT {
    static final String REALM = "/admin/realms/demo";
    static Api api;

    @BeforeAll
    static void enableEvents() {
        api = new Api(KeycloakExtension.server());
        events(true);
    }

    @AfterAll
    static void disableEvents() {
        events(false);
        api.post(REALM + "/consent/purposes/it-events/retire", api.adminToken(), null);
    }

    @Test
    @DisplayName("given an admin creates, changes and retires a purpose, then each is an admin event with its"
            + " representation")
    void catalogAdminEvents() {
        String admin = api.adminToken();
        assertThat(api.post(REALM + "/consent/purposes", admin, Map.of("key", "it-events", "label", "Events",
                "description", "First.", "mechanism", "opt-in")).status()).isEqualTo(201);
        assertThat(api.put(REALM + "/consent/purposes/it-events", admin, Map.of("description", "Second.",
                "change", "material")).status()).isEqualTo(200);
        assertThat(api.post(REALM + "/consent/purposes/it-events/retire", admin, null).status()).isEqualTo(200);

        JsonNode events = api.get(REALM + "/admin-events?resourceTypes=CUSTOM&resourcePath=consent/purposes/*&max=50",
                admin).json();
        assertThat(events).extracting(e -> e.get("operationType").asText() + " " + e.get("resourcePath").asText())
                .contains("CREATE consent/purposes/it-events", "UPDATE consent/purposes/it-events",
                        "ACTION consent/purposes/it-events/retire");
        JsonNode update = find(events, "UPDATE consent/purposes/it-events");
        assertThat(update.at("/details/idc_resource").asText()).isEqualTo("purpose");
        assertThat(update.get("representation").asText()).contains("\"version\":2").contains("Second.");
        assertThat(update.at("/authDetails/userId").asText()).isEqualTo(api.get(
                "/admin/realms/master/users?exact=true&username=admin", admin).json().get(0).get("id").asText());
    }

    @Test
    @DisplayName("given a user changes a choice and an admin changes one on their behalf, then both are user events"
            + " with purpose, state and channel; the admin's is also an admin event with the reason")
    void choiceEvents() {
        String id = api.createUser("eve-events");
        assertThat(api.choose(api.login("eve-events").access(), List.of(Api.choice("newsletter", false))).status())
                .isEqualTo(200);
        String admin = api.adminToken();
        assertThat(api.post(REALM + "/consent/users/" + id + "/choices", admin, Map.of("reason", "asked by phone",
                "choices", List.of(Api.choice("analytics", true)))).status()).isEqualTo(200);

        JsonNode events = api.get(REALM + "/events?type=UPDATE_PROFILE&user=" + id + "&max=10", admin).json();
        assertThat(events).hasSize(2);
        JsonNode byUser = events.get(1); // newest first
        assertThat(byUser.at("/details/idc_changes").asText()).isEqualTo("newsletter/email=denied");
        assertThat(byUser.at("/details/idc_via").asText()).isEqualTo("api");
        assertThat(byUser.get("clientId").asText()).isEqualTo("demo-app");
        assertThat(byUser.at("/details/idc_history").asText()).matches("\\d+");
        JsonNode byAdmin = events.get(0);
        assertThat(byAdmin.at("/details/idc_changes").asText()).isEqualTo("analytics=granted");
        assertThat(byAdmin.at("/details/idc_via").asText()).isEqualTo("admin");
        assertThat(byAdmin.at("/details/idc_actor").asText()).isEqualTo("admin");
        assertThat(byAdmin.at("/details/idc_reason").asText()).isEqualTo("asked by phone");

        JsonNode adminEvents = api.get(REALM + "/admin-events?resourceTypes=CUSTOM&resourcePath=consent/users/*&max=50",
                admin).json();
        JsonNode onBehalf = find(adminEvents, "UPDATE consent/users/" + id + "/choices");
        assertThat(onBehalf.get("representation").asText()).contains("asked by phone").contains("analytics");
        assertThat(onBehalf.at("/details/idc_resource").asText()).isEqualTo("user-choices");
    }

    @Test
    @DisplayName("given an admin exports records or reads the change feed, then each read is an admin event naming"
            + " who and with which filter")
    void readsAreAudited() {
        String admin = api.adminToken();
        assertThat(api.get(REALM + "/consent/export/history?format=csv&purpose=newsletter", admin).status())
                .isEqualTo(200);
        assertThat(api.get(REALM + "/consent/feed?after=0&max=5", admin).status()).isEqualTo(200);

        JsonNode events = api.get(REALM + "/admin-events?resourceTypes=CUSTOM&operationTypes=ACTION&max=100",
                admin).json();
        JsonNode export = find(events, "ACTION consent/export/history");
        assertThat(export.at("/details/idc_resource").asText()).isEqualTo("export");
        assertThat(export.at("/details/idc_purpose").asText()).isEqualTo("newsletter");
        assertThat(export.at("/details/idc_format").asText()).isEqualTo("csv");
        assertThat(export.at("/authDetails/userId").asText()).isEqualTo(api.get(
                "/admin/realms/master/users?exact=true&username=admin", admin).json().get(0).get("id").asText());
        JsonNode feed = find(events, "ACTION consent/feed");
        assertThat(feed.at("/details/idc_resource").asText()).isEqualTo("feed");
        assertThat(feed.at("/details/idc_after").asText()).isEqualTo("0");
        assertThat(feed.at("/details/idc_max").asText()).isEqualTo("5");
    }

    static JsonNode find(JsonNode events, String operationAndPath) {
        for (JsonNode e : events) {
            if ((e.get("operationType").asText() + " " + e.get("resourcePath").asText()).equals(operationAndPath)) {
                return e;
            }
        }
        throw new AssertionError("no admin event " + operationAndPath + " in " + events);
    }

    /** Realm settings → Events: save user events and admin events with representations. */
    static void events(boolean on) {
        Api.Reply r = api.put(REALM + "/events/config", api.adminToken(), Map.of("eventsEnabled", on,
                "adminEventsEnabled", on, "adminEventsDetailsEnabled", on));
        assertThat(r.status()).as(r.toString()).isEqualTo(204);
    }
}
