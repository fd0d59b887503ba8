package dev.idconsent.consent;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the record says, read for people and auditors: a person's receipt (every change with the exact text shown)
 * and the realm's counts per purpose and channel. Reads only; the writer is {@link ConsentService}.
 */
public final class ConsentReports {
    private final ConsentService service;
    private final PurposeCatalog catalog;
    private final ChoiceStore store;
    private final PurposeTexts texts;

    public ConsentReports(ConsentService service, PurposeCatalog catalog, ChoiceStore store, PurposeTexts texts) {
        this.service = service;
        this.catalog = catalog;
        this.store = store;
        this.texts = texts;
    }

    /** A history row with the text the person was shown for it (label and description of that version then). */
    public record ReceiptRow(HistoryEntry entry, PurposeTexts.Text text) {
    }

    /** A person's receipt: what they chose now, and every change (oldest first) with who, when, by which channel
     * and which text. */
    public record Receipt(ConsentView view, List<ReceiptRow> history) {
    }

    /** The whole receipt at once; for a long history read it in pages with {@link #receiptRows}. */
    public Receipt receipt(Subject subject) {
        List<ReceiptRow> rows = new ArrayList<>();
        for (List<ReceiptRow> page = receiptRows(subject.id(), 0, PAGE); !page.isEmpty();
             page = receiptRows(subject.id(), page.get(page.size() - 1).entry().id(), PAGE)) {
            rows.addAll(page);
        }
        return new Receipt(receiptView(subject), rows);
    }

    /** Rows per page of a receipt's history. */
    public static final int PAGE = 1000;

    /** What the person chose now: the head of the receipt. */
    public ConsentView receiptView(Subject subject) {
        return service.view(subject);
    }

    /** The next rows of a person's history after {@code afterId} (0: from the start), oldest first, each with its text. */
    public List<ReceiptRow> receiptRows(String subjectId, long afterId, int max) {
        return withTexts(store.historyAfter(subjectId, afterId, max));
    }

    /** As {@link #receiptRows(String, long, int)}, of one purpose and channel ({@code null}: the purpose as a whole). */
    public List<ReceiptRow> receiptRows(String subjectId, String purpose, String channel, long afterId, int max) {
        return withTexts(store.historyAfter(subjectId, purpose, channel, afterId, max));
    }

    private List<ReceiptRow> withTexts(List<HistoryEntry> entries) {
        Map<String, List<PurposeTexts.Text>> archive = new HashMap<>();
        List<ReceiptRow> rows = new ArrayList<>();
        for (HistoryEntry e : entries) {
            // the text in force for that version at that moment: a later correction of the same version is not it
            PurposeTexts.Text shown = archive.computeIfAbsent(e.purpose(), texts::of).stream()
                    .filter(t -> t.version() == e.purposeVersion() && !t.at().isAfter(e.at()))
                    .reduce((earlier, later) -> later).orElse(null);
            rows.add(new ReceiptRow(e, shown));
        }
        return rows;
    }

    /**
     * One line of the counts report: an active purpose on one channel ({@code null}: the purpose as a whole).
     *
     * @param expiringSoon yeses that reach the purpose's lifetime within {@link #SOON} (also those due now);
     *                     {@code null} when a yes to it lasts until withdrawn
     */
    public record Count(Purpose purpose, String channel, long granted, long denied, long pending, long expired,
                        long noAnswer, long on, Long expiringSoon, String region, long paused) {
    }

    /** How far ahead the counts report looks for yeses about to expire. */
    public static final java.time.Duration SOON = java.time.Duration.ofDays(30);

    /**
     * How many of {@code people} said yes, no, are waiting for confirmation, whose yes expired, or never answered,
     * per active purpose and channel, for how many it is effectively on (the same rules as tokens, so the default of
     * an opt-out purpose counts everyone who did not say no), and how many yeses expire within {@link #SOON}.
     */
    public List<Count> counts(long people, java.time.Instant now) {
        return counts(Regions.NONE, people, now);
    }

    /**
     * As {@link #counts(long, java.time.Instant)}; where the realm has regions, a purpose with regional mechanisms
     * gets a line per region whose rule applies to someone ({@code region}; {@code null}: everyone to whom the
     * purpose's own mechanism applies), each counted with that region's mechanism.
     */
    public List<Count> counts(Regions regions, long people, java.time.Instant now) {
        boolean regional = regions.enabled() && catalog.all().stream()
                .anyMatch(p -> !p.retired() && !p.regions().isEmpty());
        ChoiceStore.CountsByCode byCode = regional ? store.countsByCode(regions.attribute(), people)
                : new ChoiceStore.CountsByCode(Map.of("", store.counts()), Map.of("", people));
        List<Count> out = new ArrayList<>();
        for (Purpose purpose : catalog.all()) {
            if (purpose.retired()) {
                continue;
            }
            // the codes whose people the same rule applies to: one group per region named, one for the rest
            Map<String, List<String>> groups = new java.util.LinkedHashMap<>();
            java.util.Set<String> codes = new java.util.HashSet<>(byCode.people().keySet());
            codes.addAll(byCode.answers().keySet());
            for (String code : codes) {
                String region = regional ? purpose.regionIn(regions.locate(code)) : null;
                groups.computeIfAbsent(region, r -> new ArrayList<>()).add(code);
            }
            groups.computeIfAbsent(null, r -> new ArrayList<>());
            for (Map.Entry<String, List<String>> group : groups.entrySet()) {
                out.addAll(counts(purpose, group.getKey(), group.getValue(), regions, byCode, now));
            }
        }
        return out;
    }

    private List<Count> counts(Purpose global, String region, List<String> codes, Regions regions,
                               ChoiceStore.CountsByCode byCode, java.time.Instant now) {
        Purpose purpose = region == null ? global : global.in(regions.locate(codes.get(0)));
        long people = codes.stream().mapToLong(c -> byCode.people().getOrDefault(c, 0L)).sum();
        Map<String, Map<ChoiceState, Long>> answered = new HashMap<>();
        for (String code : codes) {
            for (ChoiceStore.Count c : byCode.answers().getOrDefault(code, List.of())) {
                answered.computeIfAbsent(Summary.key(c.purpose(), c.channel()),
                        k -> new java.util.EnumMap<>(ChoiceState.class)).merge(c.state(), c.people(), Long::sum);
            }
        }
        List<Count> out = new ArrayList<>();
        for (String channel : purpose.choiceChannels()) {
            Map<ChoiceState, Long> byState = answered.getOrDefault(Summary.key(purpose.key(), channel), Map.of());
            long granted = byState.getOrDefault(ChoiceState.GRANTED, 0L);
            long denied = byState.getOrDefault(ChoiceState.DENIED, 0L);
            long pending = byState.getOrDefault(ChoiceState.PENDING, 0L);
            long expired = byState.getOrDefault(ChoiceState.EXPIRED, 0L);
            long paused = byState.getOrDefault(ChoiceState.PAUSED, 0L); // off while paused: never counted as on
            long noAnswer = Math.max(0, people - granted - denied - pending - expired - paused);
            long on = (Effective.granted(purpose, ChoiceState.GRANTED) ? granted : 0)
                    + (Effective.granted(purpose, ChoiceState.DENIED) ? denied : 0)
                    + (Effective.granted(purpose, ChoiceState.PENDING) ? pending : 0)
                    + (Effective.granted(purpose, ChoiceState.EXPIRED) ? expired : 0)
                    + (Effective.granted(purpose, (ChoiceState) null) ? noAnswer : 0);
            // counted for the whole realm, so given once: on the line of the purpose's own mechanism
            Long soon = purpose.renewAfter() == null || region != null ? null
                    : store.countGrantedBy(purpose.key(), channel, now.plus(SOON).minus(purpose.renewAfter()));
            out.add(new Count(purpose, channel, granted, denied, pending, expired, noAnswer, on, soon, region,
                    paused));
        }
        return out;
    }
}
