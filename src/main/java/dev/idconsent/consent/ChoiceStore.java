package dev.idconsent.consent;

import java.util.List;

/** The system of record for choices and their history. Runs inside the caller's transaction. */
public interface ChoiceStore {
    List<Choice> current(String subjectId);

    /**
     * The current state, with the subject locked until the transaction ends: concurrent writers for the same
     * person run one after the other, so every history row's "previous" is what really came before.
     */
    List<Choice> currentForUpdate(String subjectId);

    /**
     * One change: its history row (id 0, the store assigns it) and the answer it leaves, {@code null} when the
     * person has no explicit answer afterwards (the row's state is {@link ChoiceState#CLEARED}).
     */
    record Write(HistoryEntry row, Choice answer) {
    }

    /**
     * Writes the changes of one request — each one's history row and the answer it leaves, the answer pointing at
     * its row — and then {@code summary}, the subject's summary as {@link Subject#summaryWrite} handed it over,
     * all in the caller's transaction; a store may put them into fewer statements. Call after
     * {@link #currentForUpdate}.
     *
     * @return the history rows with their ids, in the order of {@code writes}
     */
    default List<HistoryEntry> record(String subjectId, List<Write> writes, Runnable summary) {
        List<HistoryEntry> rows = new java.util.ArrayList<>();
        for (Write write : writes) {
            HistoryEntry row = append(write.row());
            if (write.answer() == null) {
                remove(subjectId, row.purpose(), row.channel());
            } else {
                put(subjectId, write.answer().withHistoryId(row.id()));
            }
            rows.add(row);
        }
        summary.run();
        return rows;
    }

    /** Appends the row and returns it with its id. */
    HistoryEntry append(HistoryEntry entry);

    /** Inserts or replaces the current state for (subject, purpose, channel); call after reading the current state. */
    void put(String subjectId, Choice choice);

    /** Removes the current state for (subject, purpose, channel): the person has no explicit answer any more. */
    void remove(String subjectId, String purpose, String channel);

    /** The newest history row of (subject, purpose, channel) with an id below {@code beforeId}, if any. */
    java.util.Optional<HistoryEntry> lastBefore(String subjectId, String purpose, String channel, long beforeId);

    /** The purposes the subject has any history row for that was made through {@code via}. */
    java.util.Set<String> purposesChangedVia(String subjectId, Via via);

    /** Newest first. */
    List<HistoryEntry> history(String subjectId, int first, int max);

    /** Oldest first: at most {@code max} rows with an id above {@code afterId} (a cursor through a long history). */
    List<HistoryEntry> historyAfter(String subjectId, long afterId, int max);

    /** As {@link #historyAfter(String, long, int)}, of one purpose and channel ({@code null}: the purpose as a whole). */
    List<HistoryEntry> historyAfter(String subjectId, String purpose, String channel, long afterId, int max);

    /**
     * The people with a yes to {@code purpose} (any channel) given at or before {@code givenBy}, at most {@code max},
     * in no particular order: those whose yes has reached the purpose's lifetime.
     */
    List<String> grantedBy(String purpose, java.time.Instant givenBy, int max);

    /** How many yeses to {@code purpose} on {@code channel} were given at or before {@code givenBy}. */
    long countGrantedBy(String purpose, String channel, java.time.Instant givenBy);

    /** How many people's current answer is {@code state}, per purpose and channel (one grouped query). */
    List<Count> counts();

    /**
     * {@link #counts} per value of the user attribute {@code attribute} (the region code; {@code null}: people without
     * one), and how many people (not service accounts) have each value.
     */
    default CountsByCode countsByCode(String attribute, long people) {
        java.util.Map<String, List<Count>> counts = new java.util.HashMap<>();
        counts.put(null, counts());
        java.util.Map<String, Long> byCode = new java.util.HashMap<>();
        byCode.put(null, people);
        return new CountsByCode(counts, byCode);
    }

    /** Answers and people per region code ({@code null} key: no code). */
    record CountsByCode(java.util.Map<String, List<Count>> answers, java.util.Map<String, Long> people) {
    }

    /** {@code channel} is {@code null} for a purpose without channels. */
    record Count(String purpose, String channel, ChoiceState state, long people) {
    }
}
