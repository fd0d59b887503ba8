package dev.idconsent.consent;

import java.util.List;

/**
 * A user's effective state for every active purpose, and the tag that changes whenever it does.
 *
 * @param changes the history rows a write just recorded (what to confirm to the user); empty for reads
 */
public record ConsentView(String subjectId, List<PurposeState> purposes, String tag, List<HistoryEntry> changes) {

    /** @param granted effective state of the purpose as a whole (any channel usable) */
    public record PurposeState(Purpose purpose, boolean granted, List<ChannelState> channels) {
    }

    /**
     * @param channel {@code null} for a purpose without channels
     * @param choice  the explicit answer behind the state; {@code null} when the catalog default applies
     */
    public record ChannelState(String channel, boolean granted, Choice choice) {
    }
}
