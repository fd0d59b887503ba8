package dev.idconsent.consent.login;

import dev.idconsent.consent.model.Actors;
import dev.idconsent.consent.model.ConsentProvider;
import dev.idconsent.consent.catalog.Wording;
import dev.idconsent.consent.Words;
import dev.idconsent.consent.catalog.PurposeComponents;
import dev.idconsent.consent.ChangeContext;
import dev.idconsent.consent.ChangeRequest;
import dev.idconsent.consent.ConsentException;
import dev.idconsent.consent.ConsentService;
import dev.idconsent.consent.ConsentView;
import dev.idconsent.consent.Purpose;
import dev.idconsent.consent.ServedNotices;
import dev.idconsent.consent.TextDiff;
import dev.idconsent.consent.Via;
import dev.idconsent.consent.model.UserSubject;
import jakarta.ws.rs.core.MultivaluedMap;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.keycloak.authentication.InitiatedActionSupport;
import org.keycloak.authentication.RequiredActionContext;
import org.keycloak.authentication.RequiredActionProvider;
import org.keycloak.broker.provider.AbstractIdentityProvider;
import org.keycloak.services.managers.AuthenticationManager;
import org.keycloak.models.Constants;
import org.keycloak.models.UserModel;
import org.keycloak.sessions.AuthenticationSessionModel;

/**
 * The consent step: after registration it asks every optional purpose; at login only what this user must answer
 * (a material change since their answer, an "ask at login" purpose never answered, or a yes that reached its
 * purpose's lifetime: "You agreed on …"); started by an app with
 * {@code kc_action=idc-consent-step} it shows every optional purpose. Also honors a browser's GPC signal.
 */
final class ConsentStep implements RequiredActionProvider {
    static final String TEMPLATE = "idc-consent-step.ftl";
    private static final String NOTE_ASK = "idc.consent.ask";
    private static final String NOTE_REGISTRATION = "idc.consent.registration";
    private static final String NOTE_GPC = "idc.consent.gpc";
    private static final String NOTE_GPC_SEEN = "idc.consent.gpcSeen";

    @Override
    public InitiatedActionSupport initiatedActionSupport() {
        return InitiatedActionSupport.SUPPORTED;
    }

    @Override
    public void evaluateTriggers(RequiredActionContext context) {
        UserModel user = context.getUser();
        AuthenticationSessionModel auth = context.getAuthenticationSession();
        UserSubject subject = plugin(context).subject(context.getRealm(), user);
        ConsentService consent = plugin(context).consent(context.getRealm());
        // set by Keycloak's registration form, or by the first login through an identity provider, when it has just
        // created this user: both are a registration (a linked existing account logging in is a login)
        boolean registration = "true".equals(auth.getAuthNote(AuthenticationManager.NEW_USER_REGISTERED))
                || "true".equals(auth.getAuthNote(AbstractIdentityProvider.BROKER_REGISTERED_NEW_USER));

        if ("1".equals(context.getHttpRequest().getHttpHeaders().getHeaderString("Sec-GPC"))) {
            if (dev.idconsent.consent.catalog.RegionSettings.of(context.getRealm()).gpcBinding(subject.location())) {
                List<Purpose> honored = consent.honorGpc(subject, changeContext(context, Via.GPC));
                if (!honored.isEmpty()) {
                    // keys: the page names them in the person's language
                    auth.setAuthNote(NOTE_GPC, honored.stream().map(Purpose::key).collect(Collectors.joining(",")));
                }
            } else {
                // not binding where the person is: they are told once per text version that it was seen, and
                // what they can switch off themselves (the served notice of that telling is the "once")
                Set<String> told = new java.util.HashSet<>();
                plugin(context).notices(context.getRealm()).of(user.getId()).stream()
                        .filter(n -> n.surface().equals(ServedNotices.Surface.GPC_NOTICE.value()))
                        .forEach(n -> told.add(n.purpose() + "@" + n.version()));
                List<Purpose> seen = consent.gpcWouldSwitchOff(subject).stream()
                        .filter(p -> !told.contains(p.key() + "@" + p.version())).toList();
                if (!seen.isEmpty()) {
                    auth.setAuthNote(NOTE_GPC_SEEN, seen.stream().map(Purpose::key).collect(Collectors.joining(",")));
                }
            }
        }
        List<Purpose> ask = consent.toAsk(subject, registration);
        if (!ask.isEmpty() || auth.getAuthNote(NOTE_GPC) != null || auth.getAuthNote(NOTE_GPC_SEEN) != null) {
            auth.setAuthNote(NOTE_ASK, ask.stream().map(Purpose::key).collect(Collectors.joining(",")));
            if (registration) {
                auth.setAuthNote(NOTE_REGISTRATION, "true");
            }
            auth.addRequiredAction(ConsentStepFactory.PROVIDER_ID);
        }
    }

    @Override
    public void requiredActionChallenge(RequiredActionContext context) {
        context.challenge(page(context, null));
    }

    @Override
    public void processAction(RequiredActionContext context) {
        MultivaluedMap<String, String> form = context.getHttpRequest().getDecodedFormParameters();
        String action = form.getFirst("idc-action");
        List<String> shown = form.get("shown") == null ? List.of() : form.get("shown");
        // started by an app to review choices: only what the user switched is recorded; when the step asked
        // (registration, new version, ask at login), every shown purpose is an answer
        boolean review = context.getAuthenticationSession().getAuthNote(NOTE_ASK) == null;
        Map<String, Boolean> current = new LinkedHashMap<>();
        if (review) {
            for (ConsentView.PurposeState p : plugin(context).consent(context.getRealm())
                    .view(plugin(context).subject(context.getRealm(), context.getUser()))
                    .purposes()) {
                current.put(p.purpose().key(), p.granted());
                p.channels().forEach(c -> current.put(p.purpose().key() + "/" + c.channel(), c.granted()));
            }
        }
        List<ChangeRequest> changes = new ArrayList<>();
        for (String key : shown) {
            Integer version = version(form.getFirst("version." + key));
            // a purpose with several channels has a box per channel: each is its own answer, none overwrites another
            List<String> channels = form.get("channel." + key);
            for (String channel : channels == null ? java.util.Collections.<String>singletonList(null) : channels) {
                String box = channel == null ? key : key + "/" + channel;
                boolean granted = "accept-all".equals(action)
                        || (!"decline-all".equals(action) && "on".equals(form.getFirst("granted." + box)));
                if (!review || !Boolean.valueOf(granted).equals(current.get(box))) {
                    changes.add(new ChangeRequest(key, channel, granted, version));
                }
            }
        }
        try {
            if (!changes.isEmpty()) {
                Via via = "true".equals(context.getAuthenticationSession().getAuthNote(NOTE_REGISTRATION))
                        ? Via.REGISTRATION : Via.LOGIN;
                plugin(context).consent(context.getRealm()).record(
                        plugin(context).subject(context.getRealm(), context.getUser()), changes,
                        changeContext(context, via).inLocale(wording(context).locale()));
            }
        } catch (ConsentException e) {
            // e.g. a purpose changed while the page was open: show the page again, with what is current now
            context.getSession().getTransactionManager().setRollbackOnly();
            context.challenge(page(context, e.getMessage()));
            return;
        }
        context.getAuthenticationSession().removeAuthNote(NOTE_ASK);
        context.getAuthenticationSession().removeAuthNote(NOTE_GPC);
        context.getAuthenticationSession().removeAuthNote(NOTE_GPC_SEEN);
        context.success();
    }

    private jakarta.ws.rs.core.Response page(RequiredActionContext context, String error) {
        AuthenticationSessionModel auth = context.getAuthenticationSession();
        ConsentView view = plugin(context).consent(context.getRealm())
                .view(plugin(context).subject(context.getRealm(), context.getUser()));
        String note = auth.getAuthNote(NOTE_ASK);
        Set<String> ask = note == null ? null : Set.of(note.split(","));
        // kc_action=idc-consent-step:<purpose> asks about that one purpose (e.g. the one gating a scope)
        String only = note == null ? auth.getClientNote(Constants.KC_ACTION_PARAMETER) : null;
        if (only != null && view.purposes().stream().anyMatch(p -> p.purpose().key().equals(only)
                && p.purpose().mechanism().optional())) {
            ask = Set.of(only);
        }
        // "You agreed on …": a yes that reached its lifetime is asked again
        Map<String, java.time.Instant> expired = plugin(context).consent(context.getRealm()).expiredAgreements(view);
        // asked again after a new text version: what changed since the text they answered
        Map<String, ConsentService.AnsweredText> outdated = plugin(context).consent(context.getRealm())
                .outdatedAnswers(view);
        Wording wording = wording(context);
        String locale = wording.locale();
        String base = PurposeComponents.baseLocale(context.getRealm());
        java.time.format.DateTimeFormatter day = java.time.format.DateTimeFormatter
                .ofLocalizedDate(java.time.format.FormatStyle.LONG)
                .withLocale(wording.javaLocale())
                .withZone(java.time.ZoneOffset.UTC);
        List<Map<String, Object>> purposes = new ArrayList<>();
        List<ServedNotices.Shown> shown = new ArrayList<>();
        for (ConsentView.PurposeState state : view.purposes()) {
            Purpose p = state.purpose();
            // without a note or parameter the step was started by an app (kc_action): every optional purpose
            if (p.mechanism().optional() && (ask == null || ask.contains(p.key()))) {
                Map<String, Object> item = new LinkedHashMap<>();
                Words words = wording.words(p);
                item.put("key", p.key());
                item.put("label", words.label());
                item.put("description", words.description());
                item.put("category", p.category());
                item.put("mechanism", p.mechanism().value());
                item.put("version", Integer.toString(p.version()));
                item.put("channels", wording.channels(p.channels()));
                item.put("recipients", String.join(", ", p.recipients()));
                item.put("granted", state.granted());
                // ticked without the person's answer (an opt-out default): said in words, not only by the box
                item.put("preTicked", state.granted() && state.channels().stream().allMatch(c -> c.choice() == null));
                List<Map<String, Object>> boxes = new ArrayList<>();
                if (p.channels().size() > 1) {
                    state.channels().forEach(c -> boxes.add(Map.of("channel", c.channel(),
                            "name", wording.channel(c.channel()), "granted", c.granted())));
                }
                item.put("channelBoxes", boxes);
                if (expired.containsKey(p.key()) && !state.granted()) {
                    item.put("agreedOn", day.format(expired.get(p.key())));
                }
                ConsentService.AnsweredText answered = outdated.get(p.key());
                if (answered != null) {
                    Map<String, Object> changed = new LinkedHashMap<>();
                    changed.put("answeredOn", day.format(answered.answeredAt()));
                    changed.put("fromVersion", Integer.toString(answered.text().version()));
                    List<TextDiff.Segment> label = answered.labelChanges(locale, base);
                    changed.put("label", TextDiff.changed(label) ? segments(label) : List.of());
                    changed.put("description", segments(answered.descriptionChanges(locale, base)));
                    changed.put("recipientsAdded", String.join(", ", answered.recipientsAdded()));
                    changed.put("recipientsRemoved", String.join(", ", answered.recipientsRemoved()));
                    item.put("changed", changed);
                }
                purposes.add(item);
                shown.add(new ServedNotices.Shown(p.key(), p.version(), words.locale()));
            }
        }
        var form = context.form().setAttribute("idcPurposes", purposes);
        List<ServedNotices.Shown> gpcShown = new ArrayList<>();
        for (String gpcNote : List.of(NOTE_GPC, NOTE_GPC_SEEN)) {
            if (auth.getAuthNote(gpcNote) == null) {
                continue;
            }
            Map<String, Purpose> byKey = new java.util.HashMap<>();
            view.purposes().forEach(p -> byKey.put(p.purpose().key(), p.purpose()));
            List<String> labels = new ArrayList<>();
            for (String k : auth.getAuthNote(gpcNote).split(",")) {
                Purpose p = byKey.get(k);
                if (p == null) {
                    labels.add(k);
                    continue;
                }
                Words words = wording.words(p);
                labels.add(words.label());
                gpcShown.add(new ServedNotices.Shown(p.key(), p.version(), words.locale()));
            }
            form.setAttribute(gpcNote.equals(NOTE_GPC) ? "idcGpc" : "idcGpcSeen", String.join(", ", labels));
        }
        if (error != null) {
            form.setError("idcConsentError", error);
        }
        jakarta.ws.rs.core.Response page = form.createForm(TEMPLATE);
        // the texts this page shows the person, as it is rendered (a page only a signed-in person reaches)
        String client = auth.getClient().getClientId();
        ConsentProvider plugin = plugin(context);
        plugin.recordNotices(context.getRealm(), context.getUser().getId(), ServedNotices.Surface.CONSENT_STEP,
                client, shown);
        plugin.recordNotices(context.getRealm(), context.getUser().getId(), ServedNotices.Surface.GPC_NOTICE,
                client, gpcShown);
        return page;
    }

    private static List<Map<String, String>> segments(List<TextDiff.Segment> segments) {
        return segments.stream().map(s -> Map.of("op", s.op().value(), "text", s.text())).toList();
    }

    /** The person's language, as the login pages speak it. */
    private static Wording wording(RequiredActionContext context) {
        return Wording.of(context.getSession(), context.getRealm(), context.getUser(),
                org.keycloak.theme.Theme.Type.LOGIN);
    }

    private static ChangeContext changeContext(RequiredActionContext context, Via via) {
        UserModel user = context.getUser();
        return new ChangeContext(Actors.self(user), via,
                context.getAuthenticationSession().getClient().getClientId(),
                via == Via.GPC ? "gpc-signal" : "consent-step", null, null);
    }

    private static Integer version(String value) {
        try {
            return value == null ? null : Integer.valueOf(value);
        } catch (NumberFormatException e) {
            return -1; // refused as a stale version, the page is shown again
        }
    }

    @Override
    public void close() {
    }

    private static ConsentProvider plugin(RequiredActionContext context) {
        return context.getSession().getProvider(ConsentProvider.class);
    }
}
