package dev.idconsent.consent.admin;

import dev.idconsent.consent.ChangeContext;
import dev.idconsent.consent.ConsentException;
import dev.idconsent.consent.ConsentService;
import dev.idconsent.consent.ConsentView;
import dev.idconsent.consent.ErrorCode;
import dev.idconsent.consent.Via;
import dev.idconsent.consent.rest.Answers;
import dev.idconsent.consent.rest.ConsentJson;
import dev.idconsent.consent.rest.JsonInput;
import dev.idconsent.consent.rest.Receipts;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.services.ErrorResponseException;
import org.keycloak.events.admin.OperationType;
import org.keycloak.services.resources.admin.AdminEventBuilder;
import org.keycloak.services.resources.admin.fgap.AdminPermissionEvaluator;

/**
 * {@code /admin/realms/{realm}/consent/users/{userId}…}: a user's choices, history and receipt (view-users), and
 * changes on their behalf with a reason (manage-users; recorded as the admin's act).
 */
final class UsersResource extends AdminResource {
    UsersResource(KeycloakSession session, RealmModel realm, AdminPermissionEvaluator auth, AdminEventBuilder adminEvent) {
        super(session, realm, auth, adminEvent);
    }

    @GET
    @Path("{userId}")
    @Produces(MediaType.APPLICATION_JSON)
    public Response user(@PathParam("userId") String userId) {
        UserModel user = findUser(userId);
        auth.users().requireView(user);
        return handle(() -> {
            ConsentService consent = plugin().consent(realm);
            ConsentView view = consent.view(plugin().subject(realm, user));
            return ConsentJson.ok(ConsentJson.view(view, consent.outdatedAnswers(view), null,
                    dev.idconsent.consent.catalog.PurposeComponents.baseLocale(realm))).tag(view.tag()).build();
        });
    }

    @GET
    @Path("{userId}/history")
    @Produces(MediaType.APPLICATION_JSON)
    public Response history(@PathParam("userId") String userId, @QueryParam("first") Integer first,
                            @QueryParam("max") Integer max) {
        UserModel user = findUser(userId);
        auth.users().requireView(user);
        return handle(() -> ConsentJson.ok(ConsentJson.historyPage(plugin().consent(realm)
                .history(plugin().subject(realm, user), JsonInput.first(first), JsonInput.max(max)))).build());
    }

    /** What surfaces showed the user: per purpose, version, surface and language, when first and last, how often. */
    @GET
    @Path("{userId}/notices")
    @Produces(MediaType.APPLICATION_JSON)
    public Response notices(@PathParam("userId") String userId) {
        UserModel user = findUser(userId);
        auth.users().requireView(user);
        return handle(() -> ConsentJson.ok(new ConsentJson.NoticesJson(ConsentJson.notices(
                plugin().notices(realm).of(user.getId())))).build());
    }

    /** The user's receipt (as {@code GET /me/receipt}): current choices and every change with the text shown. */
    @GET
    @Path("{userId}/receipt")
    @Produces(MediaType.APPLICATION_JSON)
    public Response receipt(@PathParam("userId") String userId, @QueryParam("format") String format) {
        return receipt(userId, false, format);
    }

    /** The same receipt signed by the realm, as {@code GET /me/receipt/signed}. */
    @GET
    @Path("{userId}/receipt/signed")
    @Produces(Receipts.MEDIA_TYPE)
    public Response signedReceipt(@PathParam("userId") String userId, @QueryParam("format") String format) {
        return receipt(userId, true, format);
    }

    private Response receipt(String userId, boolean signed, String format) {
        UserModel user = findUser(userId);
        auth.users().requireView(user);
        return handle(() -> Receipts.answer(session, realm, user, plugin(), signed, format));
    }

    /** {@code {"reason": "...", "choices": [...]}}: a change on the user's behalf; the reason is recorded. */
    @POST
    @Path("{userId}/choices")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response change(@PathParam("userId") String userId, String body,
                           @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch) {
        UserModel user = findUser(userId);
        auth.users().requireManage(user);
        return handle(() -> {
            OnBehalf request = JsonInput.read(body, OnBehalf.class, "the request");
            String reason = request.reason();
            if (reason == null || reason.isBlank()) {
                throw new ConsentException(ErrorCode.REASON_REQUIRED,
                        "a change on a user's behalf needs a \"reason\" (it is recorded in their history)");
            }
            if (reason.length() > 1000) {
                throw new ConsentException(ErrorCode.INVALID_VALUE, "\"reason\" is longer than 1000 characters");
            }
            ConsentService consent = plugin().consent(realm);
            ConsentView view = consent.record(plugin().subject(realm, user),
                    new JsonInput.Choices(request.choices(), null).changes(), new ChangeContext(adminActor(),
                            Via.ADMIN, auth.adminAuth().getClient().getClientId(), "manage-users", reason,
                            JsonInput.unquoteTag(ifMatch)).inLocale(JsonInput.locale(request.locale())));
            var changed = new OnBehalfEvent(reason, ConsentJson.histories(view.changes()));
            return audited(OperationType.UPDATE, CHOICES_RESOURCE, changed,
                    ConsentJson.ok(ConsentJson.view(view, consent.outdatedAnswers(view), null,
                    dev.idconsent.consent.catalog.PurposeComponents.baseLocale(realm))).tag(view.tag()).build(),
                    "consent", "users", userId,
                    "choices");
        });
    }

    /** {@code {"reason": "...", "choices": [...]}}: a change on the person's behalf. */
    /** @param locale the language the administrator read the purposes to the person in (optional) */
    record OnBehalf(String reason, java.util.List<dev.idconsent.consent.ChangeRequest> choices, String locale) {
    }

    /** The admin event of a change on someone's behalf: the reason and the history rows written. */
    record OnBehalfEvent(String reason, java.util.List<ConsentJson.HistoryJson> changes) {
    }

    private UserModel findUser(String userId) {
        UserModel user = session.users().getUserById(realm, userId);
        if (user == null) {
            // users().requireView needs a user; an unknown id is answered the same way to anyone who may view users
            auth.users().requireView();
            throw new ErrorResponseException(Answers.error(ErrorCode.NOT_FOUND,
                    "there is no user '" + userId + "' in this realm"));
        }
        return user;
    }
}
