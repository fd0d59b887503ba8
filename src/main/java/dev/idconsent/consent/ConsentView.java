package dev.idconsent.consent;

import java.util.List;

/**
 * A user's effective state for every active purpose, and the tag that changes whenever it does.
 *
 * @param changes  the history rows a write just recorded (what to confirm to the user); empty for reads
 * @param location where the person is, as far as the realm's regions go: each purpose in {@code purposes} is as
 *                 people there see it ({@link Purpose#regionIn} names the region that applied)
 */
public record ConsentView(String subjectId, List<PurposeState> purposes, String tag, List<HistoryEntry> changes,
                          Regions.Location location) {

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
