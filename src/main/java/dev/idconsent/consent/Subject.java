package dev.idconsent.consent;

/** The person whose choices these are, as seen by the consent core. */
public interface Subject {
    String id();

    /**
     * Stores the compact summary tokens are built from, in the same transaction as the choices.
     *
     * @param choices what the summary was encoded from, for a subject that also shows them to administrators
     */
    void writeSummary(String summary, java.util.List<Choice> choices);

    /**
     * {@link #writeSummary} for {@link ChoiceStore#record}, which runs it after (or together with) the choices'
     * own writes: the summary does not depend on their ids.
     */
    default Runnable summaryWrite(String summary, java.util.List<Choice> choices) {
        return () -> writeSummary(summary, choices);
    }

    /**
     * Keeps the access a gating purpose controls in line with the subject's answer (same transaction).
     *
     * @param granted the purpose's effective state after the change
     */
    void permit(Purpose purpose, boolean granted);

    /** The summary as stored now; {@code null} when there is none. */
    String readSummary();

    /**
     * The aliases of the organizations the person is a member of: a purpose of an organization is theirs only while
     * they are ({@link Purpose#organization()}). Empty where the realm has no Organizations.
     */
    default java.util.Set<String> organizations() {
        return java.util.Set.of();
    }

    /** Where the person is, as far as the realm's regions go: it decides the mechanism of regional purposes. */
    default Regions.Location location() {
        return Regions.Location.NOWHERE;
    }
}
