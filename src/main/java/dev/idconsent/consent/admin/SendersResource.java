package dev.idconsent.consent.admin;

import dev.idconsent.consent.ConsentException;
import dev.idconsent.consent.ErrorCode;
import dev.idconsent.consent.SenderReport;
import dev.idconsent.consent.jpa.JpaSenders;
import dev.idconsent.consent.model.SenderWarning;
import dev.idconsent.consent.rest.ConsentJson;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import org.keycloak.events.admin.OperationType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.services.resources.admin.AdminEventBuilder;
import org.keycloak.services.resources.admin.fgap.AdminPermissionEvaluator;

/**
 * {@code /admin/realms/{realm}/consent/senders}: how fast opt-outs reach each client that reads the change feed and
 * each webhook ({@link SenderReport}). Client ids, positions and times only, no one's choices: view-realm reads it,
 * manage-realm forgets a feed reader that stopped for good (a webhook goes with its endpoint).
 */
public final class SendersResource extends AdminResource {
    static final String SENDER_RESOURCE = "sender";

    SendersResource(KeycloakSession session, RealmModel realm, AdminPermissionEvaluator auth,
                    AdminEventBuilder adminEvent) {
        super(session, realm, auth, adminEvent);
    }

    /**
     * {@code {"warningHours": 24, "windowDays": 7, "senders": [{id, kind, name, since, lastSeen, reached, late,
     * warnedAt, oldestWaiting: {at, ageSeconds, purpose, channel}|null, optOuts, p50Seconds, p99Seconds,
     * maxSeconds}]}}.
     */
    @GET
    @Path("")
    @Produces(MediaType.APPLICATION_JSON)
    public Response list() {
        auth.realm().requireViewRealm();
        return handle(() -> {
            Instant now = Instant.now();
            var senders = JpaSenders.of(session, realm.getId()).report(now);
            return ConsentJson.ok(ConsentJson.senders(senders, SenderWarning.hours(realm), SenderWarning.of(realm),
                    now)).build();
        });
    }

    /** Forgets a feed or audience reader (it counts again from its next read, as a new sender). */
    @DELETE
    @Path("{id}")
    @Produces(MediaType.APPLICATION_JSON)
    public Response delete(@PathParam("id") String id) {
        auth.realm().requireManageRealm();
        return handle(() -> {
            JpaSenders senders = JpaSenders.of(session, realm.getId());
            SenderReport.Kind kind = senders.kind(id).orElseThrow(() -> new ConsentException(ErrorCode.NOT_FOUND,
                    "there is no sender '" + id + "' in this realm"));
            if (kind == SenderReport.Kind.WEBHOOK) {
                throw new ConsentException(ErrorCode.CONFLICT, "sender '" + id + "' is a webhook endpoint: it is"
                        + " measured as long as the endpoint exists; delete the webhook to stop it");
            }
            senders.delete(id);
            return audited(OperationType.DELETE, SENDER_RESOURCE, null, Response.noContent().build(), "consent",
                    "senders", id);
        });
    }
}
