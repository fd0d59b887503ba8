package dev.idconsent.consent;

/** The person whose choices these are, as seen by the consent core. */
public interface Subject {
    String id();

    /** Stores the compact summary tokens are built from, in the same transaction as the choices. */
    void writeSummary(String summary);

    /**
     * Keeps the access a gating purpose controls in line with the subject's answer (same transaction).
     *
     * @param granted the purpose's effective state after the change
     */
    void permit(Purpose purpose, boolean granted);

    /** The summary as stored now; {@code null} when there is none. */
    String readSummary();
}
