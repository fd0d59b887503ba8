package dev.idconsent.consent.rest;

import dev.idconsent.consent.model.Actors;
import dev.idconsent.consent.model.ConsentProvider;
import dev.idconsent.consent.Actor;
import dev.idconsent.consent.ChangeContext;
import dev.idconsent.consent.ConsentService;
import dev.idconsent.consent.ConsentView;
import dev.idconsent.consent.ErrorCode;
import dev.idconsent.consent.Via;
import dev.idconsent.consent.catalog.PurposeComponents;
import dev.idconsent.consent.rest.SenderResource;
import dev.idconsent.consent.rest.UnsubscribeResource;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.OPTIONS;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.keycloak.models.Constants;
import org.keycloak.models.KeycloakSession;
import org.keycloak.services.cors.Cors;
import org.keycloak.services.managers.AppAuthManager;
import org.keycloak.services.managers.AuthenticationManager.AuthResult;

/**
 * {@code /realms/{realm}/consent/me…}: a person reads and changes their own choices through an app they gave the
 * capability to: reads need the client scope {@value ConsentScopes#READ}, writes {@value ConsentScopes#WRITE}
 * (checked on the token, 403 {@code insufficient_scope} otherwise). Parses, calls the consent service, maps the
 * result; nothing else.
 */
public final class UserConsentResource {
    private static final String[] METHODS = {"GET", "POST", "OPTIONS"};

    private final KeycloakSession session;
    private final java.time.Duration linkLifetime;

    UserConsentResource(KeycloakSession session, java.time.Duration linkLifetime) {
        this.session = session;
        this.linkLifetime = linkLifetime;
    }

    /** One-click unsubscribe links (no token, no cookie: the link is the credential). */
    @Path("unsubscribe")
    public UnsubscribeResource unsubscribe() {
        return new UnsubscribeResource(session, session.getContext().getRealm(), linkLifetime);
    }

    /** The link of a double-opt-in email. */
    @Path("confirm")
    public dev.idconsent.consent.rest.ConfirmResource confirm() {
        return new dev.idconsent.consent.rest.ConfirmResource(session, session.getContext().getRealm(), linkLifetime);
    }

    /** For the apps that send mail (realm role idc-sender). */
    @Path("senders")
    public SenderResource senders() {
        return new SenderResource(session, session.getContext().getRealm(), linkLifetime);
    }

    /**
     * The realm's Global Privacy Control support resource (W3C GPC, {@code /.well-known/gpc.json} at a site's root;
     * Keycloak lets a provider serve only under the realm, so a reverse proxy maps the root path here). Public.
     */
    @GET
    @Path("gpc.json")
    @Produces(MediaType.APPLICATION_JSON)
    public Response gpc() {
        return Answers.guarded(session, () -> ConsentJson.ok(dev.idconsent.consent.catalog.GpcStatement.of(
                session.getContext().getRealm())).header("Access-Control-Allow-Origin", "*")
                .header("Cache-Control", "max-age=3600").build());
    }

    /** CORS preflight for every path; the real request is then checked against the token's web origins. */
    @OPTIONS
    @Path("{any:.*}")
    public Response preflight() {
        return Cors.builder().auth().allowedMethods(METHODS).preflight()
                .add(Response.ok());
    }

    @GET
    @Path("me")
    @Produces(MediaType.APPLICATION_JSON)
    public Response me(@QueryParam("locale") String locale) {
        return asUser(ConsentScopes.READ, (auth, service) -> {
            ConsentView view = service.view(subject(auth));
            return ConsentJson.ok(view(view, service, readerLocale(auth, JsonInput.locale(locale)))).tag(view.tag())
                    .build();
        });
    }

    /** {@code {"choices": [{"purpose": "newsletter", "granted": false}]}}: all or nothing. */
    @POST
    @Path("me/choices")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response change(String body, @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch) {
        return asUser(ConsentScopes.WRITE, (auth, service) -> {
            var request = JsonInput.read(body, JsonInput.Choices.class, "the request");
            var changes = request.changes();
            String locale = request.readIn();
            return written(auth, service, service.record(subject(auth), changes, context(auth, ifMatch, locale)),
                    answerLocale(locale));
        });
    }

    /** Switches off every optional purpose at once. */
    @POST
    @Path("me/opt-out-all")
    @Produces(MediaType.APPLICATION_JSON)
    public Response optOutOfAll(@HeaderParam(HttpHeaders.IF_MATCH) String ifMatch,
                                @QueryParam("locale") String given) {
        return asUser(ConsentScopes.WRITE, (auth, service) -> {
            String locale = JsonInput.locale(given);
            return written(auth, service, service.optOutOfAll(subject(auth), context(auth, ifMatch, locale)),
                    answerLocale(locale));
        });
    }

    /**
     * {@code {"locale": "de", "purposes": [{"purpose": "newsletter", "version": 2}]}}: the account console's page says
     * which purpose texts it has just displayed (served notices). Only that page: another app's token is refused, as
     * is a purpose that is not active or a version that is not current (the page shows current texts). 204.
     */
    @POST
    @Path("me/notices")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response notices(String body) {
        return asUser(ConsentScopes.READ, (auth, service) -> {
            if (!Constants.ACCOUNT_CONSOLE_CLIENT_ID.equals(auth.client().getClientId())) {
                return Answers.error(ErrorCode.FORBIDDEN, "only the account console's page records what it showed;"
                        + " client '" + auth.client().getClientId() + "' cannot");
            }
            JsonInput.Notices request = JsonInput.read(body, JsonInput.Notices.class, "the request");
            String locale = JsonInput.locale(request.locale());
            if (locale == null) {
                throw new dev.idconsent.consent.ConsentException(ErrorCode.INVALID_REQUEST,
                        "\"locale\" (the page's language) is required");
            }
            var realm = session.getContext().getRealm();
            var catalog = new PurposeComponents(realm);
            java.util.List<dev.idconsent.consent.ServedNotices.Shown> shown = new java.util.ArrayList<>();
            for (JsonInput.Notices.Item item : request.items()) {
                var purpose = catalog.find(item.purpose()).filter(p -> !p.retired()).orElseThrow(() ->
                        new dev.idconsent.consent.ConsentException(ErrorCode.UNKNOWN_PURPOSE, "there is no purpose '"
                                + item.purpose() + "'"));
                if (item.version() == null || item.version() != purpose.version()) {
                    throw new dev.idconsent.consent.ConsentException(ErrorCode.STALE_VERSION, "'" + purpose.key()
                            + "' is at version " + purpose.version() + ", not " + item.version());
                }
                shown.add(new dev.idconsent.consent.ServedNotices.Shown(purpose.key(), purpose.version(),
                        purpose.words(locale, catalog.baseLocale()).locale()));
            }
            boolean recorded = plugin().recordNotices(realm, auth.user().getId(),
                    dev.idconsent.consent.ServedNotices.Surface.ACCOUNT, auth.client().getClientId(), shown);
            return recorded ? Response.noContent().build() : Answers.error(ErrorCode.UNAVAILABLE,
                    "what the page showed was not recorded; try again");
        });
    }

    @GET
    @Path("me/history")
    @Produces(MediaType.APPLICATION_JSON)
    public Response history(@QueryParam("first") Integer first, @QueryParam("max") Integer max) {
        return asUser(ConsentScopes.READ, (auth, service) -> ConsentJson.ok(ConsentJson.historyPage(
                service.history(subject(auth), JsonInput.first(first), JsonInput.max(max))))
                .build());
    }

    /** The person's receipt: current choices and every change with the text they were shown (a JSON download). */
    @GET
    @Path("me/receipt")
    @Produces(MediaType.APPLICATION_JSON)
    public Response receipt(@QueryParam("format") String format) {
        return asUser(ConsentScopes.READ, (auth, service) -> Receipts.answer(session, session.getContext().getRealm(),
                auth.user(), plugin(), false, format));
    }

    /** The same receipt signed by the realm (a compact JWS anyone can verify against the realm's JWKS). */
    @GET
    @Path("me/receipt/signed")
    @Produces(Receipts.MEDIA_TYPE)
    public Response signedReceipt(@QueryParam("format") String format) {
        return asUser(ConsentScopes.READ, (auth, service) -> Receipts.answer(session, session.getContext().getRealm(),
                auth.user(), plugin(), true, format));
    }

    private dev.idconsent.consent.Subject subject(AuthResult auth) {
        return plugin().subject(session.getContext().getRealm(), auth.user());
    }

    /**
     * The answer to a write: the new state for a token that may also read, else only the history rows written (a
     * write-only capability does not read the person's other choices).
     */
    private Response written(AuthResult auth, ConsentService service, ConsentView view, String locale) {
        if (ConsentScopes.granted(auth.token(), ConsentScopes.READ)) {
            return ConsentJson.ok(view(view, service, locale)).tag(view.tag()).build();
        }
        return ConsentJson.ok(new ConsentJson.ChangesJson(ConsentJson.histories(view.changes()))).build();
    }

    /** The person's choices in the words of their language. */
    private ConsentJson.ViewJson view(ConsentView view, ConsentService service, String locale) {
        return ConsentJson.view(view, service.outdatedAnswers(view), locale,
                PurposeComponents.baseLocale(session.getContext().getRealm()));
    }

    /** The language the request names, else the person's (their profile, the browser, the realm's default). */
    private String readerLocale(AuthResult auth, String named) {
        return named != null ? named : session.getContext().resolveLocale(auth.user()).toLanguageTag();
    }

    /**
     * The language of a write's answer: the one the request names, else the request's own (Accept-Language, the
     * realm's default) — not the profile's, which would cost a write one more statement (the user's attributes).
     */
    private String answerLocale(String named) {
        return named != null ? named : session.getContext().resolveLocale(null).toLanguageTag();
    }

    /**
     * @param locale the language the app says the person read the purposes in ({@code locale}); the account
     *               console always names its page's
     */
    private static ChangeContext context(AuthResult auth, String ifMatch, String locale) {
        Actor actor = Actors.self(auth.user());
        // Keycloak's account console is the "Communication & privacy" page: its changes are made "here", in the account
        String clientId = auth.client().getClientId();
        Via via = Constants.ACCOUNT_CONSOLE_CLIENT_ID.equals(clientId) ? Via.ACCOUNT : Via.API;
        return new ChangeContext(actor, via, clientId, ConsentScopes.WRITE, null, JsonInput.unquoteTag(ifMatch))
                .inLocale(locale);
    }

    private Response asUser(String scope, java.util.function.BiFunction<AuthResult, ConsentService, Response> action) {
        boolean[] cors = {false};
        Response response = Answers.guarded(session, () -> {
            AuthResult auth = new AppAuthManager.BearerTokenAuthenticator(session).authenticate();
            if (auth == null || auth.user() == null) {
                return Answers.error(ErrorCode.NOT_AUTHENTICATED, "a valid bearer token of this realm is required");
            }
            // throws 403 for an origin the token's client does not allow, before anything is read or written
            Cors.builder().checkAllowedOrigins(auth.token()).allowedMethods(METHODS).exposedHeaders("ETag", HttpHeaders.WWW_AUTHENTICATE).auth()
                    .add();
            cors[0] = true;
            if (!ConsentScopes.granted(auth.token(), scope)) {
                // RFC 6750: the app must ask the person for this scope (Keycloak's consent screen shows it)
                Response refused = Answers.error(ErrorCode.INSUFFICIENT_SCOPE, "this needs the client scope '"
                        + scope + "', which the person has not granted to client '" + auth.client().getClientId()
                        + "': request it (scope=" + scope + ") and let the person approve it");
                return Response.fromResponse(refused).header(HttpHeaders.WWW_AUTHENTICATE,
                        "Bearer error=\"insufficient_scope\", scope=\"" + scope + "\"").build();
            }
            return action.apply(auth, plugin().consent(session.getContext().getRealm()));
        });
        if (!cors[0]) {
            // no token to check origins against (none, invalid, or the database was gone): the error is readable
            Cors.builder().allowAllOrigins().auth().add();
        }
        return response;
    }

    /** The plugin's services in this request's session. */
    private ConsentProvider plugin() {
        return session.getProvider(ConsentProvider.class);
    }
}
