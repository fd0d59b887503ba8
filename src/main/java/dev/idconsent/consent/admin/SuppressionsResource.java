package dev.idconsent.consent.admin;

import dev.idconsent.consent.ConsentException;
import dev.idconsent.consent.ErrorCode;
import dev.idconsent.consent.Suppressions;
import dev.idconsent.consent.rest.ConsentJson;
import dev.idconsent.consent.rest.JsonInput;
import com.fasterxml.jackson.annotation.JsonInclude;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.keycloak.events.admin.OperationType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.services.resources.admin.AdminEventBuilder;
import org.keycloak.services.resources.admin.fgap.AdminPermissionEvaluator;

/**
 * {@code /admin/realms/{realm}/consent/suppressions…}: the opt-outs kept after accounts were deleted. Entries are
 * keyed hashes, so the list can be counted but not read back as addresses; an admin who knows an address can take
 * its entries away, with a reason (an admin event that names neither the address nor its hash).
 */
final class SuppressionsResource extends AdminResource {
    static final String RESOURCE = "suppressions";

    @JsonInclude(JsonInclude.Include.ALWAYS)
    record CountJson(String purpose, String channel, long entries) {
    }

    @JsonInclude(JsonInclude.Include.ALWAYS)
    record ListJson(boolean enabled, List<CountJson> counts) {
    }

    /** {@code {"channel": "email", "address": "…", "purpose": "newsletter" (optional), "reason": "…"}} */
    record RemoveBody(String channel, String address, String purpose, String reason) {
    }

    /** What the admin event keeps: not the address. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record Removed(String channel, String purpose, int removed, String reason) {
    }

    SuppressionsResource(KeycloakSession session, RealmModel realm, AdminPermissionEvaluator auth,
                         AdminEventBuilder adminEvent) {
        super(session, realm, auth, adminEvent);
    }

    /** {@code {"enabled": true, "counts": [{"purpose", "channel", "entries"}]}} (view-users). */
    @GET
    @Path("")
    @Produces(MediaType.APPLICATION_JSON)
    public Response counts() {
        auth.users().requireView();
        return handle(() -> {
            Suppressions suppressions = plugin().suppressions(realm);
            List<CountJson> counts = suppressions == null ? List.of() : suppressions.counts().stream()
                    .map(c -> new CountJson(c.purpose(), c.channel(), c.entries())).toList();
            return ConsentJson.ok(new ListJson(suppressions != null, counts)).build();
        });
    }

    /** Takes an address's entries away (manage-users); {@code {"removed": n}} — 0 when there were none. */
    @POST
    @Path("remove")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response remove(String body) {
        auth.users().requireManage();
        return handle(() -> {
            RemoveBody request = JsonInput.read(body, RemoveBody.class, "the request");
            String channel = JsonInput.required(request.channel(), "channel");
            String address = JsonInput.required(request.address(), "address");
            if (request.reason() == null || request.reason().isBlank()) {
                throw new ConsentException(ErrorCode.REASON_REQUIRED, "removing an opt-out needs a \"reason\"");
            }
            Suppressions suppressions = plugin().suppressions(realm);
            if (suppressions == null) {
                throw new ConsentException(ErrorCode.CONFLICT, "this realm keeps no opt-outs after accounts are"
                        + " deleted (settings: \"suppression\": false)");
            }
            int removed = suppressions.remove(channel, address, request.purpose());
            Removed out = new Removed(channel, request.purpose(), removed, request.reason());
            return audited(OperationType.DELETE, RESOURCE, out, ConsentJson.ok(out).build(), "consent", RESOURCE);
        });
    }
}
