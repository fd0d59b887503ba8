package dev.idconsent.consent;

import java.util.List;

/** The system of record for choices and their history. Runs inside the caller's transaction. */
public interface ChoiceStore {
    List<Choice> current(String subjectId);

    /** Appends the row and returns it with its id. */
    HistoryEntry append(HistoryEntry entry);

    /** Inserts or replaces the current state for (subject, purpose, channel). */
    void put(String subjectId, Choice choice);

    /** Newest first. */
    List<HistoryEntry> history(String subjectId, int first, int max);
}
