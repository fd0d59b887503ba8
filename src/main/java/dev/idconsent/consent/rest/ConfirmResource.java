package dev.idconsent.consent.rest;

import dev.idconsent.consent.model.Actors;
import dev.idconsent.consent.model.ConsentProvider;
import dev.idconsent.consent.catalog.Wording;
import dev.idconsent.consent.ChangeContext;
import dev.idconsent.consent.ConsentException;
import dev.idconsent.consent.Via;
import dev.idconsent.consent.mail.UnsubscribeLinks;
import dev.idconsent.consent.mail.UnsubscribeToken;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import org.keycloak.forms.login.LoginFormsProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/**
 * {@code /realms/{realm}/consent/confirm?token=…}: the link of a double-opt-in email. {@code GET} only shows a page
 * (mail scanners prefetch links); its button POSTs, which turns the pending yes into a granted one.
 */
public final class ConfirmResource {
    static final String TEMPLATE = "idc-confirm.ftl";

    private final KeycloakSession session;
    private final RealmModel realm;
    private final Duration lifetime;

    public ConfirmResource(KeycloakSession session, RealmModel realm, Duration lifetime) {
        this.session = session;
        this.realm = realm;
        this.lifetime = lifetime;
    }

    @GET
    @Path("")
    public Response page(@QueryParam("token") String token) {
        try {
            LinkTarget target = target(token);
            // the person's own language (their locale attribute), as Keycloak's pages for a known user
            return form(Response.Status.OK).setUser(target.user()).setAttribute("idcState", "ask")
                    .setAttribute("idcPurpose", wording(user(target)).words(target.purpose()).label())
                    .setAttribute("idcPostUrl", session.getContext().getUri().getRequestUri().toString())
                    .createForm(TEMPLATE);
        } catch (ConsentException e) {
            return error(e);
        } catch (RuntimeException e) {
            return error(Answers.unavailable(session, e));
        }
    }

    @POST
    @Path("")
    public Response confirm(@QueryParam("token") String token) {
        try {
            LinkTarget target = target(token);
            UserModel user = target.user();
            // the person confirms on our page, having read the purpose in their language there
            Wording wording = wording(user);
            plugin().consent(realm).confirm(plugin().subject(realm, user), target.purpose().key(),
                    target.claims().getHistoryId(), new ChangeContext(Actors.self(user), Via.EMAIL, null,
                            "confirm-link", null, null).inLocale(wording.locale()));
            return form(Response.Status.OK).setUser(user).setAttribute("idcState", "confirmed")
                    .setAttribute("idcPurpose", wording.words(target.purpose()).label()).createForm(TEMPLATE);
        } catch (ConsentException e) {
            session.getTransactionManager().setRollbackOnly();
            return error(e);
        } catch (RuntimeException e) {
            return error(Answers.unavailable(session, e));
        }
    }

    private static UserModel user(LinkTarget target) {
        return target.user();
    }

    private Wording wording(UserModel user) {
        return Wording.of(session, realm, user, org.keycloak.theme.Theme.Type.LOGIN);
    }

    private LinkTarget target(String token) {
        return LinkTarget.resolve(session, realm, lifetime, token, UnsubscribeToken.CONFIRM_TYPE);
    }

    private Response error(ConsentException e) {
        return form(Response.Status.fromStatusCode(e.code().status())).setAttribute("idcState", "error")
                .setAttribute("idcError", e.getMessage()).createForm(TEMPLATE);
    }

    private LoginFormsProvider form(Response.Status status) {
        return session.getProvider(LoginFormsProvider.class).setStatus(status)
                .setAttribute("idcAccountUrl", UnsubscribeLinks.accountUrl(session, realm));
    }

    /** The plugin's services in this request's session. */
    private ConsentProvider plugin() {
        return session.getProvider(ConsentProvider.class);
    }
}
