package dev.idconsent.consent.events;

import dev.idconsent.consent.ChangeContext;
import dev.idconsent.consent.ConsentEvents;
import dev.idconsent.consent.HistoryEntry;
import dev.idconsent.consent.Summary;
import java.util.List;
import java.util.stream.Collectors;
import org.keycloak.common.ClientConnection;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.EventType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

/**
 * Every recorded change as one Keycloak user event (admin console: Events → User events, and every event
 * listener such as jboss-logging), in the same transaction. Keycloak's event types are a closed list and
 * {@code UPDATE_CONSENT} means OAuth client consent, so the type is {@code UPDATE_PROFILE}: the choices are part
 * of the user's identity. The {@code idc_*} details say what changed:
 * {@code idc_changes=newsletter/email=denied,analytics=granted}, {@code idc_via}, {@code idc_history} (the
 * history rows), and for a change on someone's behalf {@code idc_actor} and {@code idc_reason}.
 */
public final class KeycloakUserEvents implements ConsentEvents {
    private final KeycloakSession session;
    private static final String CHANGES = "idc_changes";
    private final RealmModel realm;

    public KeycloakUserEvents(KeycloakSession session, RealmModel realm) {
        this.session = session;
        this.realm = realm;
    }

    /** Whether {@code event} is one of ours: a consent change, not a change of the person's profile. */
    public static boolean isConsentChange(org.keycloak.events.Event event) {
        return event.getDetails() != null && event.getDetails().containsKey(CHANGES);
    }

    @Override
    public void recorded(String subjectId, List<HistoryEntry> rows, ChangeContext context) {
        if (rows.isEmpty()) {
            return;
        }
        ClientConnection connection = session.getContext().getConnection();
        EventBuilder event = (connection == null ? new EventBuilder(realm, session)
                : new EventBuilder(realm, session, connection))
                .event(EventType.UPDATE_PROFILE).user(subjectId)
                .detail(CHANGES, rows.stream().map(r -> Summary.key(r.purpose(), r.channel()) + "="
                        + r.state().value()).collect(Collectors.joining(",")))
                .detail("idc_via", context.via().value())
                .detail("idc_history", rows.stream().map(r -> Long.toString(r.id()))
                        .collect(Collectors.joining(",")));
        if (context.clientId() != null) {
            event.client(context.clientId());
        }
        if (context.actor() != null && !subjectId.equals(context.actor().id())) {
            event.detail("idc_actor", context.actor().username() != null ? context.actor().username()
                    : context.actor().id());
            if (context.reason() != null) {
                event.detail("idc_reason", context.reason());
            }
        }
        event.success();
    }
}
