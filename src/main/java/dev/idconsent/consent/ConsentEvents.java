package dev.idconsent.consent;

import java.util.List;

/** Told about every change the consent service records, inside the same transaction. */
public interface ConsentEvents {
    ConsentEvents NONE = (subjectId, rows, context) -> { };

    void recorded(String subjectId, List<HistoryEntry> rows, ChangeContext context);

    /** Tells each in turn. */
    static ConsentEvents all(ConsentEvents... listeners) {
        return (subjectId, rows, context) -> {
            for (ConsentEvents listener : listeners) {
                listener.recorded(subjectId, rows, context);
            }
        };
    }
}
