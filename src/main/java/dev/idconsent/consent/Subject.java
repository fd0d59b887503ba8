package dev.idconsent.consent;

/** The person whose choices these are, as seen by the consent core. */
public interface Subject {
    String id();

    /** Stores the compact summary tokens are built from, in the same transaction as the choices. */
    void writeSummary(String summary);

    /** The summary as stored now; {@code null} when there is none. */
    String readSummary();
}
