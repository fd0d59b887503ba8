package dev.idconsent.consent;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one place where a purpose's mechanism and a user's answer become "may the app use it now":
 * required → always; opt-out → unless the user said no; opt-in → only if the user said yes; retired → absent.
 */
public final class Effective {
    private Effective() {
    }

    public static boolean granted(Purpose purpose, ChoiceState answer) {
        if (purpose.mechanism() == Mechanism.REQUIRED) {
            return true;
        }
        // a pending yes (double opt-in not yet confirmed) is no answer yet, nor is an expired one: the mechanism's
        // default applies, so it is off on an opt-in purpose and stays on if the purpose has since become opt-out
        return answer == null || answer == ChoiceState.PENDING || answer == ChoiceState.CLEARED
                || answer == ChoiceState.EXPIRED ? purpose.mechanism().defaultGranted() : answer.granted();
    }

    /**
     * A purpose as a whole is usable when any of its channels is. Answers are keyed as in {@link Summary}.
     */
    public static boolean granted(Purpose purpose, Map<String, ChoiceState> answers) {
        for (String channel : purpose.choiceChannels()) {
            if (granted(purpose, answers.get(Summary.key(purpose.key(), channel)))) {
                return true;
            }
        }
        return false;
    }

    /** The token claim: every active purpose flagged for tokens, in catalog order. */
    public static Map<String, Boolean> claim(Iterable<Purpose> catalog, String summary) {
        Map<String, ChoiceState> answers = Summary.decode(summary);
        Map<String, Boolean> claim = new LinkedHashMap<>();
        for (Purpose purpose : catalog) {
            if (!purpose.retired() && purpose.includeInToken()) {
                claim.put(purpose.key(), granted(purpose, answers));
            }
        }
        return claim;
    }
}
