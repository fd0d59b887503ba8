package dev.idconsent.consent.rest;

import dev.idconsent.consent.ConsentException;
import dev.idconsent.consent.ErrorCode;
import dev.idconsent.consent.Purpose;
import dev.idconsent.consent.catalog.PurposeComponents;
import dev.idconsent.consent.jpa.JpaChoiceStore;
import dev.idconsent.consent.mail.UnsubscribeLinks;
import dev.idconsent.consent.rest.ConsentJson;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.util.List;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.representations.AccessToken;
import org.keycloak.services.managers.AppAuthManager;
import org.keycloak.services.managers.AuthenticationManager.AuthResult;

/**
 * {@code /realms/{realm}/consent/senders/…}: for the apps that send mail, with a bearer token that carries the
 * realm role {@value #ROLE} in its own roles (typically a client's service account; role scope mappings apply, so
 * a client that does not map the role gets nothing from a user who holds it) — not realm admin. Mints unsubscribe
 * links with ready mail headers and lists who may be reached now. A sender can never make the record say yes.
 */
public final class SenderResource {
    public static final String ROLE = "idc-sender";
    /**
     * The largest audience page: a mailer reads whole audiences, and every page costs a token check and a query
     * of its own (a page of 10,000 with links is a few MB, built and written in one pass).
     */
    static final int AUDIENCE_MAX = 10_000;

    private final KeycloakSession session;
    private final RealmModel realm;
    private final Duration lifetime;

    public SenderResource(KeycloakSession session, RealmModel realm, Duration lifetime) {
        this.session = session;
        this.realm = realm;
        this.lifetime = lifetime;
    }

    /** A sender's request for an unsubscribe link. */
    record LinkRequest(String user, String purpose, String channel, Long expiresInSeconds) {
    }

    /**
     * {@code {"user": "<id>", "purpose": "newsletter", "channel": "email", "expiresInSeconds": 86400}} → the link
     * and its mail headers. {@code channel} may be left out for a purpose with one channel; the lifetime defaults
     * to (and cannot exceed) the configured link lifetime.
     */
    @POST
    @Path("links")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response link(String body) {
        return asSender(auth -> {
            LinkRequest request = JsonInput.read(body, LinkRequest.class, "the request");
            UserModel user = session.users().getUserById(realm, JsonInput.required(request.user(), "user"));
            if (user == null) {
                throw new ConsentException(ErrorCode.INVALID_VALUE, "there is no such user in this realm");
            }
            Purpose purpose = purpose(JsonInput.required(request.purpose(), "purpose"));
            if (!purpose.channels().contains(Purpose.EMAIL)) {
                throw new ConsentException(ErrorCode.UNKNOWN_CHANNEL, "purpose '" + purpose.key() + "' has no email"
                        + " channel, so there is nothing an unsubscribe link in an email could switch off");
            }
            String channel = linkChannel(purpose, request.channel());
            boolean suppressed = JpaChoiceStore.of(session, realm.getId()).current(user.getId()).stream()
                    .anyMatch(c -> c.purpose().equals(purpose.key()) && channel.equals(c.channel())
                            && c.state() == dev.idconsent.consent.ChoiceState.DENIED
                            && c.via() == dev.idconsent.consent.Via.SUPPRESSION);
            if (suppressed) {
                throw new ConsentException(ErrorCode.SUPPRESSED, "this person's address opted out of '"
                        + purpose.key() + "' by " + channel + " before an earlier account with it was deleted, and"
                        + " they have not switched it on since: do not mail them");
            }
            Duration validFor = lifetime;
            if (request.expiresInSeconds() != null) {
                if (request.expiresInSeconds() < 1) {
                    throw new ConsentException(ErrorCode.INVALID_VALUE, "\"expiresInSeconds\" must be a whole"
                            + " number of seconds, at least 1");
                }
                validFor = Duration.ofSeconds(request.expiresInSeconds());
            }
            UnsubscribeLinks.Link link = new UnsubscribeLinks(session, realm, lifetime).mint(user.getId(),
                    purpose.key(), channel, auth.client().getClientId(), validFor);
            return ConsentJson.ok(linkJson(link, dev.idconsent.consent.mail.ListId.of(purpose.key(), purpose.label(),
                    realm.getName(), session.getContext().getUri().getBaseUri().getHost()))).build();
        });
    }

    /**
     * Who may receive {@code purpose} on {@code channel} now: {@code {"users": [{id, email, locale, frequency,
     * unsubscribe}], "next": "<cursor>"|null}}. Pass {@code next} as {@code cursor} for the following page; every
     * eligible user appears exactly once. For the email channel only verified addresses, unless
     * {@code includeUnverified=true}. {@code unsubscribe} is a link only for a purpose with an email channel;
     * {@code frequency} only for a purpose offering frequencies, which {@code frequency=…} filters on.
     */
    @GET
    @Path("audience")
    @Produces(MediaType.APPLICATION_JSON)
    public Response audience(@QueryParam("purpose") String key, @QueryParam("channel") String channelParam,
                             @QueryParam("cursor") String cursor, @QueryParam("max") Integer max,
                             @QueryParam("includeUnverified") String includeUnverified,
                             @QueryParam("links") String linksParam, @QueryParam("frequency") String frequency,
                             @QueryParam("organization") String organizationParam) {
        return asSender(auth -> {
            if (key == null || key.isBlank()) {
                throw new ConsentException(ErrorCode.INVALID_REQUEST, "\"purpose\" is required");
            }
            Purpose purpose = purpose(key);
            String channel = channel(purpose, channelParam);
            int size = JsonInput.max(max, AUDIENCE_MAX);
            if (includeUnverified != null && !includeUnverified.equals("true") && !includeUnverified.equals("false")) {
                throw new ConsentException(ErrorCode.INVALID_VALUE, "\"includeUnverified\" must be true or false");
            }
            if (linksParam != null && !linksParam.equals("true") && !linksParam.equals("false")) {
                throw new ConsentException(ErrorCode.INVALID_VALUE, "\"links\" must be true or false");
            }
            if (frequency != null) {
                purpose.requireFrequency(frequency);
            }
            // a purpose of an organization reaches its members only; any other, the members of one if asked
            String organization = purpose.organization() != null ? purpose.organization() : organizationParam;
            if (organizationParam != null && !organizationParam.equals(organization)) {
                throw new ConsentException(ErrorCode.INVALID_VALUE, "purpose '" + purpose.key() + "' belongs to the"
                        + " organization '" + purpose.organization() + "'; leave out \"organization\"");
            }
            if (organizationParam != null) {
                dev.idconsent.consent.catalog.Memberships.require(session, realm, organizationParam);
            }
            boolean verifiedOnly = Purpose.EMAIL.equals(channel) && !"true".equals(includeUnverified);
            java.time.Instant readStart = java.time.Instant.now();
            List<JpaChoiceStore.Recipient> page = JpaChoiceStore.of(session, realm.getId()).audience(purpose,
                    dev.idconsent.consent.catalog.RegionSettings.of(realm), channel, verifiedOnly, frequency,
                    organization, cursor, size);
            if (cursor == null) {
                // a read from the first page leaves out everyone who opted out before it began (#23 §4)
                dev.idconsent.consent.jpa.JpaSenders.audienceRead(session.getKeycloakSessionFactory(),
                        realm.getId(), auth.client().getClientId(), purpose.key(), channel, readStart);
            }
            // a sender that mails only some of the page asks without links and mints them per mail (POST links)
            UnsubscribeLinks.Minter unsubscribe = purpose.channels().contains(Purpose.EMAIL) && !"false".equals(linksParam)
                    ? new UnsubscribeLinks(session, realm, lifetime).minter(purpose.key(), channel,
                            auth.client().getClientId(), lifetime)
                    : null;
            List<Recipient> users = page.stream().map(r -> new Recipient(r.id(), r.email(), r.locale(),
                    r.frequency(), unsubscribe == null ? null : unsubscribe.url(r.id()))).toList();
            return ConsentJson.okAsBytes(new Audience(users, page.size() < size ? null
                    : page.get(page.size() - 1).id())).build();
        });
    }

    private Purpose purpose(String key) {
        return new PurposeComponents(realm).find(key).filter(p -> !p.retired())
                .orElseThrow(() -> new ConsentException(ErrorCode.UNKNOWN_PURPOSE,
                        "there is no purpose '" + key + "' in this realm"));
    }

    /** The channel an unsubscribe link switches off: the one asked for, else email. */
    private static String linkChannel(Purpose purpose, String channel) {
        return channel == null ? Purpose.EMAIL : channel(purpose, channel);
    }

    /** The channel asked for; a purpose with exactly one channel needs none named. */
    private static String channel(Purpose purpose, String channel) {
        if (channel == null && purpose.channels().size() == 1) {
            return purpose.channels().get(0);
        }
        if (channel == null && purpose.channels().isEmpty()) {
            return null;
        }
        if (channel == null || !purpose.channels().contains(channel)) {
            throw new ConsentException(ErrorCode.UNKNOWN_CHANNEL, "purpose '" + purpose.key() + "' has the channels "
                    + purpose.channels() + "; name one as \"channel\"");
        }
        return channel;
    }

    /** A page of the audience; {@code next} is null on the last page. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record Audience(List<Recipient> users, String next) {
    }

    /**
     * {@code unsubscribe} is null for a purpose without an email channel; {@code frequency} is left out for a purpose
     * offering none.
     */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record Recipient(String id, String email, String locale,
                     @JsonInclude(JsonInclude.Include.NON_NULL) String frequency, String unsubscribe) {
    }

    /** A minted link and the mail headers that carry it (RFC 8058). */
    record LinkJson(String url, String expiresAt, Headers headers) {
        record Headers(@JsonProperty("List-Unsubscribe") String listUnsubscribe,
                       @JsonProperty("List-Unsubscribe-Post") String listUnsubscribePost,
                       @JsonProperty("List-Id") String listId) {
        }
    }

    private static LinkJson linkJson(UnsubscribeLinks.Link link, String listId) {
        return new LinkJson(link.url(), link.expiresAt().toString(), new LinkJson.Headers(link.listUnsubscribe(),
                UnsubscribeLinks.Link.listUnsubscribePost(), listId));
    }

    private Response asSender(java.util.function.Function<AuthResult, Response> action) {
        return Answers.guarded(session, () -> {
            AuthResult auth = new AppAuthManager.BearerTokenAuthenticator(session).authenticate();
            if (auth == null || auth.user() == null) {
                return Answers.error(ErrorCode.NOT_AUTHENTICATED, "a valid bearer token of this realm is required");
            }
            // the token's own roles, not the user's: role scope mappings and fullScopeAllowed=false apply
            AccessToken.Access roles = auth.token().getRealmAccess();
            if (roles == null || !roles.isUserInRole(ROLE)) {
                return Answers.error(ErrorCode.FORBIDDEN, "the sender API needs a token that carries the realm"
                        + " role " + ROLE + " (client '" + auth.client().getClientId() + "' must have it in its"
                        + " role scope)");
            }
            return action.apply(auth);
        });
    }
}
