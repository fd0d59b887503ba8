package dev.idconsent.consent.admin;

import dev.idconsent.consent.model.Actors;
import dev.idconsent.consent.model.ConsentProvider;
import dev.idconsent.consent.Actor;
import dev.idconsent.consent.rest.Answers;
import jakarta.ws.rs.core.Response;
import java.util.function.Supplier;
import org.keycloak.events.admin.OperationType;
import org.keycloak.events.admin.ResourceType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.services.resources.admin.AdminEventBuilder;
import org.keycloak.services.resources.admin.fgap.AdminPermissionEvaluator;

/**
 * What every part of the admin API shares: the request's session, realm, Keycloak's admin permissions and its
 * admin-event builder, and how a result becomes an answer (refusals and a lost database as JSON errors, changes as
 * admin events).
 */
abstract class AdminResource {
    /** What an admin event is about (detail {@code idc_resource}). */
    static final String PURPOSE_RESOURCE = "purpose";
    static final String CHOICES_RESOURCE = "user-choices";
    static final String SETTINGS_RESOURCE = "settings";

    final KeycloakSession session;
    final RealmModel realm;
    final AdminPermissionEvaluator auth;
    final AdminEventBuilder adminEvent;

    AdminResource(KeycloakSession session, RealmModel realm, AdminPermissionEvaluator auth,
                  AdminEventBuilder adminEvent) {
        this.session = session;
        this.realm = realm;
        this.auth = auth;
        this.adminEvent = adminEvent;
    }

    /**
     * Records a successful admin action as a Keycloak admin event (with its representation when the realm keeps
     * them). Resource type {@code CUSTOM}: Keycloak's admin-events query and console filter know only their own
     * types (a type of our own answers the query with a 500); the path ({@code consent/…}) and the detail
     * {@code idc_resource} say what it was.
     */
    Response audited(OperationType operation, String resource, Object representation, Response response,
                     String... path) {
        adminEvent.operation(operation).resource(ResourceType.CUSTOM).resourcePath(path)
                .representation(representation).detail("idc_resource", resource).success();
        return response;
    }

    /** Reads that take people's records out (exports, the feed) are admin events too. */
    ReadAudit readAudit() {
        return (resource, path, filter) -> {
            AdminEventBuilder event = adminEvent.operation(OperationType.ACTION).resource(ResourceType.CUSTOM)
                    .resourcePath(path).representation(filter).detail("idc_resource", resource);
            filter.forEach((k, v) -> event.detail("idc_" + k, v));
            event.success();
        };
    }

    /** The plugin's services in this request's session. */
    ConsentProvider plugin() {
        return session.getProvider(ConsentProvider.class);
    }

    Response handle(Supplier<Response> action) {
        return Answers.guarded(session, action);
    }

    Actor adminActor() {
        return Actors.admin(auth.adminAuth().getUser());
    }
}
