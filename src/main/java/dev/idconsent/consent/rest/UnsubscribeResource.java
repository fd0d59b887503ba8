package dev.idconsent.consent.rest;

import dev.idconsent.consent.model.Actors;
import dev.idconsent.consent.model.ConsentProvider;
import dev.idconsent.consent.catalog.Wording;
import dev.idconsent.consent.ChangeContext;
import dev.idconsent.consent.ChangeRequest;
import dev.idconsent.consent.ConsentException;
import dev.idconsent.consent.ConsentView;
import dev.idconsent.consent.Via;
import dev.idconsent.consent.mail.UnsubscribeLinks;
import dev.idconsent.consent.mail.UnsubscribeToken;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.keycloak.forms.login.LoginFormsProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/**
 * {@code /realms/{realm}/consent/unsubscribe?token=…}. {@code POST} with {@code List-Unsubscribe=One-Click} (RFC
 * 8058; no cookie, no session) switches the purpose off at once and is idempotent; {@code GET} never changes
 * anything (mail scanners prefetch links): it shows a page whose button makes that POST, then offers undo.
 *
 * <p>The page after the click may offer "pause instead" or "fewer emails instead" (#23): only <em>after</em> the
 * unsubscribe has taken full effect, below it, as secondary buttons — never in place of unsubscribing, and a mail
 * provider's one-click POST unsubscribes fully without any of it.
 */
public final class UnsubscribeResource {
    static final String TEMPLATE = "idc-unsubscribe.ftl";
    private static final String ONE_CLICK = "List-Unsubscribe=One-Click";

    private final KeycloakSession session;
    private final RealmModel realm;
    private final Duration lifetime;

    public UnsubscribeResource(KeycloakSession session, RealmModel realm, Duration lifetime) {
        this.session = session;
        this.realm = realm;
        this.lifetime = lifetime;
    }

    @GET
    @Path("")
    public Response confirm(@QueryParam("token") String token) {
        try {
            LinkTarget target = target(token, UnsubscribeToken.TYPE);
            return page("confirm", target, wording(target), null, java.util.Map.of());
        } catch (ConsentException e) {
            return error(e);
        } catch (RuntimeException e) {
            return error(Answers.unavailable(session, e));
        }
    }

    @POST
    @Path("")
    public Response unsubscribe(@QueryParam("token") String token, String body,
                                @jakarta.ws.rs.HeaderParam(HttpHeaders.ACCEPT) String accept) {
        boolean browser = accept != null && accept.contains(MediaType.TEXT_HTML);
        try {
            LinkTarget target = target(token, UnsubscribeToken.TYPE);
            String form = body == null ? "" : URLDecoder.decode(body, StandardCharsets.UTF_8);
            if (!form.contains(ONE_CLICK)) {
                throw new ConsentException(dev.idconsent.consent.ErrorCode.INVALID_REQUEST,
                        "a one-click unsubscribe is a POST with the body " + ONE_CLICK);
            }
            // from our page's button the person read the purpose in their language; a mail client's POST shows none
            ChangeContext context = context(target, "unsubscribe-link");
            Wording wording = browser ? wording(target) : null;
            ConsentView after = plugin().consent(realm).record(subject(target),
                    List.of(new ChangeRequest(target.purpose().key(), target.channel(), false, null)),
                    browser ? context.inLocale(wording.locale()) : context);
            if (browser) {
                // undo only what this click changed: a purpose that was already off stays off
                if (after.changes().isEmpty()) {
                    return page("done", target, wording, null, java.util.Map.of());
                }
                dev.idconsent.consent.HistoryEntry click = after.changes().get(0);
                UnsubscribeLinks links = new UnsubscribeLinks(session, realm, lifetime);
                return page("done", target, wording, links.mintUndo(target.claims(), click.id()),
                        instead(target, wording, click, links));
            }
            return Response.ok("Unsubscribed from " + target.purpose().label()
                    + (target.channel() == null ? "" : " (" + target.channel() + ")") + ". Effective now.\n",
                    MediaType.TEXT_PLAIN_TYPE).build();
        } catch (ConsentException e) {
            session.getTransactionManager().setRollbackOnly();
            return refused(e, browser);
        } catch (RuntimeException e) {
            return refused(Answers.unavailable(session, e), browser);
        }
    }

    /** A page for a browser, plain text for a mail provider's one-click POST. */
    private Response refused(ConsentException e, boolean browser) {
        if (browser) {
            return error(e);
        }
        return Response.status(e.code().status()).type(MediaType.TEXT_PLAIN_TYPE)
                .entity(e.code().code() + ": " + e.getMessage() + "\n").build();
    }

    /**
     * The undo button of the page after a click: needs the short-lived undo token that page carried, and only
     * works while that click's change is still the current state. It restores exactly what was there before the
     * click (an earlier answer, or none at all), so neither the link nor its undo can ever subscribe anyone.
     */
    @POST
    @Path("undo")
    public Response undo(@QueryParam("token") String token) {
        try {
            LinkTarget target = target(token, UnsubscribeToken.UNDO_TYPE);
            if (target.claims().getHistoryId() == null) {
                throw new ConsentException(dev.idconsent.consent.ErrorCode.INVALID_LINK,
                        "the undo request does not name the change it undoes");
            }
            Wording wording = wording(target);
            plugin().consent(realm).restore(subject(target), target.purpose().key(), target.channel(),
                    target.claims().getHistoryId(), context(target, "undo-link").inLocale(wording.locale()));
            return page("undone", target, wording, null, java.util.Map.of());
        } catch (ConsentException e) {
            session.getTransactionManager().setRollbackOnly();
            return error(e);
        } catch (RuntimeException e) {
            return error(Answers.unavailable(session, e));
        }
    }

    /**
     * What the page after a click offers in place of it: a pause for each period the purpose offers, where something
     * was on before the click; another frequency, where a yes was (a link never creates a yes).
     */
    private java.util.Map<String, Object> instead(LinkTarget target, Wording wording,
                                                  dev.idconsent.consent.HistoryEntry click, UnsubscribeLinks links) {
        dev.idconsent.consent.Purpose purpose = target.purpose();
        java.util.Map<String, Object> offer = new java.util.HashMap<>();
        List<java.util.Map<String, String>> pauses = !dev.idconsent.consent.Effective.granted(purpose, click.previous())
                ? List.of() : purpose.pauseDays().stream().map(d -> java.util.Map.of("days", d.toPlainString()))
                .toList();
        List<java.util.Map<String, String>> frequencies = click.previous() != dev.idconsent.consent.ChoiceState.GRANTED
                ? List.of() : purpose.frequencies().stream()
                .filter(f -> !f.key().equals(purpose.frequencyOf(click.previousFrequency())))
                .map(f -> java.util.Map.of("key", f.key(), "label", f.label(wording.locale()))).toList();
        offer.put("idcPauses", pauses);
        offer.put("idcFrequencies", frequencies);
        if (!pauses.isEmpty() || !frequencies.isEmpty()) {
            offer.put("idcInsteadUrl", links.mintInstead(target.claims(), click.id()));
        }
        return offer;
    }

    /**
     * A choice from the page after a click, in place of it: {@code pauseDays=30} pauses the purpose instead (at the
     * end, what was there before the click returns); {@code frequency=monthly} gives back the yes that was there
     * before the click, with that frequency. Needs the page's short-lived token, bound to the click: refused once
     * anything changed after it.
     */
    @POST
    @Path("instead")
    public Response instead(@QueryParam("token") String token, String body) {
        try {
            LinkTarget target = target(token, UnsubscribeToken.UNDO_TYPE);
            Long click = target.claims().getHistoryId();
            if (click == null) {
                throw new ConsentException(dev.idconsent.consent.ErrorCode.INVALID_LINK,
                        "the request does not name the unsubscribe it replaces");
            }
            java.util.Map<String, String> form = form(body);
            Wording wording = wording(target);
            ChangeContext context = context(target, "instead-link").inLocale(wording.locale());
            dev.idconsent.consent.ConsentService consent = plugin().consent(realm);
            String key = target.purpose().key();
            if (form.containsKey("pauseDays")) {
                java.math.BigDecimal days;
                try {
                    days = new java.math.BigDecimal(form.get("pauseDays").trim());
                } catch (NumberFormatException e) {
                    throw new ConsentException(dev.idconsent.consent.ErrorCode.INVALID_VALUE,
                            "pauseDays must be a number of days");
                }
                ConsentView after = consent.pauseInstead(subject(target), key, target.channel(), click, days, context);
                java.time.Instant until = after.changes().get(0).pausedUntil();
                return page("paused", target, wording, null, java.util.Map.of("idcUntil",
                        java.time.format.DateTimeFormatter.ofLocalizedDateTime(java.time.format.FormatStyle.MEDIUM)
                                .withLocale(java.util.Locale.forLanguageTag(wording.locale()))
                                .withZone(java.time.ZoneOffset.UTC).format(until) + " UTC"));
            }
            if (form.containsKey("frequency")) {
                String frequency = form.get("frequency");
                consent.fewerInstead(subject(target), key, target.channel(), click, frequency, context);
                return page("fewer", target, wording, null, java.util.Map.of("idcFrequency", target.purpose()
                        .frequency(frequency).map(f -> f.label(wording.locale())).orElse(frequency)));
            }
            throw new ConsentException(dev.idconsent.consent.ErrorCode.INVALID_REQUEST,
                    "choose a pause (pauseDays) or how often (frequency)");
        } catch (ConsentException e) {
            session.getTransactionManager().setRollbackOnly();
            return error(e);
        } catch (RuntimeException e) {
            return error(Answers.unavailable(session, e));
        }
    }

    /** An HTML form's fields ({@code a=1&b=2}); the first value of each. */
    private static java.util.Map<String, String> form(String body) {
        java.util.Map<String, String> fields = new java.util.HashMap<>();
        for (String pair : (body == null ? "" : body).split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                fields.putIfAbsent(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return fields;
    }

    private dev.idconsent.consent.Subject subject(LinkTarget target) {
        return plugin().subject(realm, target.user());
    }

    /**
     * The person is the actor only because the link was sent to them: the row says {@code via=email}, which kind
     * of link, and the sender that minted it (as its client).
     */
    private static ChangeContext context(LinkTarget target, String capability) {
        UserModel user = target.user();
        return new ChangeContext(Actors.self(user), Via.EMAIL,
                target.claims().getSender(), capability, null, null);
    }

    private LinkTarget target(String token, String type) {
        return LinkTarget.resolve(session, realm, lifetime, token, type);
    }

    /** @param wording the person's words for the page (the language its change was recorded in, if any) */
    private Response page(String state, LinkTarget target, Wording wording, String undoUrl,
                          java.util.Map<String, Object> extra) {
        // read only: the GET page must not write (no summary repair, no lock)
        ConsentView view = plugin().consent(realm).peek(plugin().subject(realm,
                target.user()));
        boolean on = view.purposes().stream().filter(p -> p.purpose().key().equals(target.purpose().key()))
                .flatMap(p -> p.channels().stream())
                .filter(c -> target.channel() == null || target.channel().equals(c.channel()))
                .anyMatch(ConsentView.ChannelState::granted);
        // the person's own language (their locale attribute), as Keycloak's pages for a known user
        LoginFormsProvider form = form();
        extra.forEach(form::setAttribute);
        return form.setStatus(Response.Status.OK).setUser(target.user())
                .setAttribute("idcState", state)
                .setAttribute("idcPurpose", wording.words(target.purpose()).label())
                .setAttribute("idcChannel", wording.channel(target.channel()))
                .setAttribute("idcSubscribed", on)
                .setAttribute("idcCanUndo", undoUrl != null)
                .setAttribute("idcUndoUrl", undoUrl == null ? "" : undoUrl)
                .setAttribute("idcPostUrl", session.getContext().getUri().getRequestUriBuilder().build().toString())
                .setAttribute("idcAccountUrl", accountUrl())
                .createForm(TEMPLATE);
    }

    /** The words of the link's purpose in the person's language. */
    private Wording wording(LinkTarget target) {
        return Wording.of(session, realm, target.user(), org.keycloak.theme.Theme.Type.LOGIN);
    }

    private Response error(ConsentException e) {
        return form().setStatus(Response.Status.fromStatusCode(e.code().status())).setAttribute("idcState", "error")
                .setAttribute("idcError", e.getMessage()).setAttribute("idcAccountUrl", accountUrl())
                .createForm(TEMPLATE);
    }

    private LoginFormsProvider form() {
        return session.getProvider(LoginFormsProvider.class);
    }

    private String accountUrl() {
        return UnsubscribeLinks.accountUrl(session, realm);
    }

    /** The plugin's services in this request's session. */
    private ConsentProvider plugin() {
        return session.getProvider(ConsentProvider.class);
    }
}
