package dev.idconsent.consent.it;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * After a crash or an outage, what the tables say about the newsletter writes the clients saw acknowledged:
 * nothing lost, nothing half-written, and the token summary equal to the tables.
 */
final class RecordCheck {
    private RecordCheck() {
    }

    /** Acknowledged history rows that are not there exactly once. */
    static int missing(Database db, List<Long> acknowledgedRows) {
        int missing = 0;
        for (long id : acknowledgedRows) {
            if (db.count("select count(*) from IDC_CHOICE_HISTORY where ID = ?", id) != 1) {
                missing++;
            }
        }
        return missing;
    }

    /**
     * Users whose current state, latest history row and summary attribute disagree, or whose state is not their
     * last acknowledged answer (unless a later write of theirs got no clear answer: it may have committed).
     */
    static int disagreeing(Database db, List<String> users, Map<String, Boolean> lastAcked, Set<String> unknown,
                           String label) {
        int disagreeing = 0;
        for (String id : users) {
            String state = db.text("select STATE from IDC_CHOICE where USER_ID = ? and PURPOSE_KEY = 'newsletter'", id);
            String last = db.text("select STATE from IDC_CHOICE_HISTORY where ID = (select max(ID) from"
                    + " IDC_CHOICE_HISTORY where USER_ID = ? and PURPOSE_KEY = 'newsletter')", id);
            String summary = db.text("select VALUE from USER_ATTRIBUTE where USER_ID = ? and NAME ="
                    + " 'idc-consent-summary'", id);
            Boolean expected = lastAcked.get(id);
            // the summary keeps the state and the text version answered: newsletter/email=denied@1
            boolean agrees = state != null && state.equals(last) && summary != null
                    && summary.matches("newsletter/email=" + state + "@\\d+")
                    && (expected == null || unknown.contains(id) || state.equals(expected ? "granted" : "denied"));
            if (!agrees) {
                disagreeing++;
                System.out.printf("%s user %s: state=%s lastHistory=%s summary=%s lastAcked=%s%n", label, id, state,
                        last, summary, expected);
            }
        }
        return disagreeing;
    }
}
