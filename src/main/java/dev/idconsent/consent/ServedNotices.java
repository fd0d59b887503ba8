package dev.idconsent.consent;

import java.time.Instant;
import java.util.List;

/**
 * Proof of what a person was shown, beside what they answered: each time a surface displays a purpose's text, a
 * served notice for (person, purpose, version, surface, language) — one row, whose counter and last-seen time later
 * showings raise. Recorded only by a surface that really displayed the text (the consent step as it renders, the
 * account page once it has rendered), never by a request a mail scanner or a script could make. Notices are not
 * answers: they never change an effective state.
 */
public interface ServedNotices {
    /** Where a text was shown. */
    enum Surface {
        CONSENT_STEP, ACCOUNT, GPC_NOTICE;

        public String value() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }

    /** A purpose's text as a surface displayed it: which version, in which language. */
    record Shown(String purpose, int version, String locale) {
    }

    /**
     * @param times         how often the surface showed it; {@code firstAt} and {@code lastAt} the first and latest
     *                      time
     * @param userAgentHash the keyed hash of the browser of the latest showing, if the realm asks for it
     */
    record Notice(String purpose, int version, String surface, String locale, String clientId, Instant firstAt,
                  Instant lastAt, long times, String userAgentHash) {
    }

    /**
     * Records that {@code surface} showed these texts to the person now (through {@code clientId}, if any).
     *
     * @param userAgentHash the keyed hash of the browser that showed them, or {@code null}
     */
    void served(String subjectId, Surface surface, String clientId, String userAgentHash, List<Shown> shown,
                Instant at);

    /** A person's notices, by purpose, version, surface and language. */
    List<Notice> of(String subjectId);
}
