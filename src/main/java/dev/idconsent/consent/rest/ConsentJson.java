package dev.idconsent.consent.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonInclude.Include;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import dev.idconsent.consent.Actor;
import dev.idconsent.consent.Choice;
import dev.idconsent.consent.ConsentReports;
import dev.idconsent.consent.ConsentService;
import dev.idconsent.consent.ConsentView;
import dev.idconsent.consent.HistoryEntry;
import dev.idconsent.consent.Purpose;
import dev.idconsent.consent.PurposeTexts;
import dev.idconsent.consent.TextDiff;
import dev.idconsent.consent.Words;
import dev.idconsent.consent.catalog.ConsentRoles;
import dev.idconsent.consent.jpa.JpaChangeFeed;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import dev.idconsent.consent.SenderReport;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The JSON shapes of the user and admin APIs as records (docs/openapi.yaml describes each), in one place so both
 * speak the same language. A field is written even when it is null, unless its record says otherwise: the shapes
 * do not depend on the mapper that writes them.
 */
public final class ConsentJson {
    private ConsentJson() {
    }

    /**
     * A purpose of the catalog; {@code role} only for a gating purpose; {@code renewAfterDays} null when a yes lasts
     * until withdrawn.
     *
     * @param locale       the language of {@code label} and {@code description}: for a person, the one picked for
     *                     their language; in the admin API, the realm's default language
     * @param translations (admin API only) the words in other languages, by language tag
     * @param regions      (admin API only) the mechanism per region of the consent settings, by region name
     */
    @JsonInclude(Include.ALWAYS)
    public record PurposeJson(String key, String label, String description, String locale, String category,
                              String mechanism, List<String> channels, int version, boolean honorGpc,
                              boolean includeInToken, boolean gating, boolean askAtLogin, boolean doubleOptIn,
                              @JsonInclude(Include.NON_NULL) String role, boolean retired,
                              java.math.BigDecimal renewAfterDays, String legalBasis, String purposeType,
                              List<String> recipients,
                              @JsonInclude(Include.NON_NULL) Map<String, TranslationJson> translations,
                              @JsonInclude(Include.NON_NULL) Map<String, String> regions,
                              @JsonInclude(Include.NON_EMPTY) List<FrequencyJson> frequencies,
                              @JsonInclude(Include.NON_NULL) String defaultFrequency,
                              @JsonInclude(Include.NON_EMPTY) List<java.math.BigDecimal> pauseDays,
                              @JsonInclude(Include.NON_NULL) String organization) {
    }

    /**
     * A frequency a purpose offers: for a person the label in their language; in the admin API the label in the
     * realm's default language and the others under {@code translations}.
     */
    public record FrequencyJson(String key, String label,
                                @JsonInclude(Include.NON_NULL) Map<String, String> translations) {
    }

    /** A purpose's words in one more language. */
    @JsonInclude(Include.ALWAYS)
    public record TranslationJson(String label, String description) {
    }

    @JsonInclude(Include.ALWAYS)
    public record ActorJson(String id, String username, String kind) {
    }

    /** The explicit answer behind a state. */
    @JsonInclude(Include.ALWAYS)
    public record AnswerJson(String state, int version, String changedAt, String via, ActorJson actor,
                             String clientId) {
    }

    /** One channel (or the purpose as a whole): on or off now, and the answer behind it if there is one. */
    @JsonInclude(Include.ALWAYS)
    public record StateJson(String channel, boolean granted, boolean explicit, @JsonUnwrapped AnswerJson answer,
                            @JsonInclude(Include.NON_NULL) String frequency,
                            @JsonInclude(Include.NON_NULL) String pausedUntil) {
    }

    /**
     * @param changedSinceAnswer present when the person answered an older text version: what changed since
     * @param region             the region whose mechanism applies to the person (absent: the purpose's own)
     */
    @JsonInclude(Include.ALWAYS)
    public record PurposeStateJson(@JsonUnwrapped PurposeJson purpose, boolean granted, List<StateJson> states,
                                   @JsonInclude(Include.NON_NULL) ChangedJson changedSinceAnswer,
                                   @JsonInclude(Include.NON_NULL) String region) {
    }

    /**
     * Where the person is, as far as the realm's regions go: their ISO 3166 code ({@code null}: not known) and the
     * regions they belong to, the most specific first. Absent when the realm has no regions.
     */
    @JsonInclude(Include.ALWAYS)
    public record LocationJson(String code, List<String> regions) {
    }

    /** A run of text and what happened to it: {@code same}, {@code removed} or {@code added}. */
    @JsonInclude(Include.ALWAYS)
    public record SegmentJson(String op, String text) {
    }

    /**
     * The text version the person answered, when, and what changed since: in the label and description, and who the
     * data now also goes to or no longer goes to.
     */
    @JsonInclude(Include.ALWAYS)
    public record ChangedJson(int answeredVersion, String answeredAt, List<SegmentJson> label,
                              List<SegmentJson> description, List<String> recipientsAdded,
                              List<String> recipientsRemoved) {
    }

    /** A person's choices; {@code changes}: the history rows a write just recorded (only after a write). */
    @JsonInclude(Include.ALWAYS)
    public record ViewJson(String subject, List<PurposeStateJson> purposes,
                           @JsonInclude(Include.NON_EMPTY) List<HistoryJson> changes,
                           @JsonInclude(Include.NON_NULL) LocationJson location) {
    }

    /** The history rows a write recorded, for a token that may write but not read. */
    @JsonInclude(Include.ALWAYS)
    public record ChangesJson(List<HistoryJson> changes) {
    }

    /** A history row; {@code reason} only for a change on someone's behalf. */
    @JsonInclude(Include.ALWAYS)
    public record HistoryJson(long id, String subject, String purpose, String channel, int version, String previous,
                              String state, String via, ActorJson actor, String clientId, String capability,
                              @JsonInclude(Include.NON_NULL) String reason, String at,
                              @JsonInclude(Include.NON_NULL) String source,
                              @JsonInclude(Include.NON_NULL) String evidence,
                              @JsonInclude(Include.NON_NULL) String locale,
                              @JsonInclude(Include.NON_NULL) String region,
                              @JsonInclude(Include.NON_NULL) String frequency,
                              @JsonInclude(Include.NON_NULL) String previousFrequency,
                              @JsonInclude(Include.NON_NULL) String pausedUntil) {
    }

    @JsonInclude(Include.ALWAYS)
    public record HistoryPageJson(List<HistoryJson> history) {
    }

    /**
     * A text a purpose had: what people were shown under its version.
     *
     * @param locale       the language of {@code label} and {@code description}
     * @param translations the words in other languages (the admin API's list of texts), by language tag
     */
    @JsonInclude(Include.ALWAYS)
    public record TextJson(int version, String label, String description,
                           @JsonInclude(Include.NON_NULL) String locale, List<String> recipients, String legalBasis,
                           String kind, String actorId, String at,
                           @JsonInclude(Include.NON_NULL) Map<String, TranslationJson> translations) {
    }

    /** A history row of a receipt, with the text shown for it (when it is archived). */
    @JsonInclude(Include.ALWAYS)
    public record ReceiptRowJson(@JsonUnwrapped HistoryJson row, @JsonInclude(Include.NON_NULL) TextJson text) {
    }

    /**
     * A served notice: a purpose text (version, language) a surface showed the person; {@code userAgentHash} only
     * when the realm keeps the browser's keyed hash.
     */
    @JsonInclude(Include.ALWAYS)
    public record NoticeJson(String purpose, int version, String surface, String locale, String clientId,
                             String firstAt, String lastAt, long times,
                             @JsonInclude(Include.NON_NULL) String userAgentHash) {
    }

    @JsonInclude(Include.ALWAYS)
    public record NoticesJson(List<NoticeJson> notices) {
    }

    @JsonInclude(Include.ALWAYS)
    public record CountJson(String purpose, String channel, String mechanism, long granted, long denied, long pending,
                            long expired, long noAnswer, long on, Long expiringSoon,
                            @JsonInclude(Include.NON_NULL) String region, long paused) {
    }

    @JsonInclude(Include.ALWAYS)
    public record CountsJson(long people, List<CountJson> counts) {
    }

    /** A row of the change feed: its position, then the history row. */
    @JsonInclude(Include.ALWAYS)
    public record FeedRowJson(long position, @JsonUnwrapped HistoryJson row) {
    }

    @JsonInclude(Include.ALWAYS)
    public record FeedJson(List<FeedRowJson> changes, long next) {
    }

    @JsonInclude(Include.ALWAYS)
    public record ProblemJson(String purpose, String role, String kind, String id, String name) {
    }

    // ---- mapping ------------------------------------------------------------------------------------------

    /**
     * @param outdated {@link ConsentService#outdatedAnswers}: purposes answered under an older text version
     * @param locale   the reader's language: the purposes' words are picked for it
     */
    public static ViewJson view(ConsentView view, Map<String, ConsentService.AnsweredText> outdated, String locale,
                                String baseLocale) {
        List<PurposeStateJson> purposes = view.purposes().stream().map(state -> new PurposeStateJson(
                purpose(state.purpose(), state.purpose().words(locale, baseLocale)), state.granted(),
                state.channels().stream().map(c -> new StateJson(
                        c.channel(), c.granted(), c.choice() != null, answer(c.choice()),
                        c.granted() ? state.purpose().frequencyOf(c.choice() == null ? null : c.choice().frequency())
                                : null, c.choice() == null || c.choice().pausedUntil() == null ? null
                                : c.choice().pausedUntil().toString())).toList(),
                changed(outdated.get(state.purpose().key()), locale, baseLocale),
                state.purpose().regionIn(view.location()))).toList();
        return new ViewJson(view.subjectId(), purposes, histories(view.changes()), location(view.location()));
    }

    /** {@code null} when the realm has no regions (the person is nowhere). */
    public static LocationJson location(dev.idconsent.consent.Regions.Location location) {
        return location == null || location == dev.idconsent.consent.Regions.Location.NOWHERE ? null
                : new LocationJson(location.code(), location.regions());
    }

    private static ChangedJson changed(ConsentService.AnsweredText answered, String locale, String baseLocale) {
        if (answered == null) {
            return null;
        }
        List<TextDiff.Segment> label = answered.labelChanges(locale, baseLocale);
        return new ChangedJson(answered.text().version(), answered.answeredAt().toString(),
                TextDiff.changed(label) ? segments(label) : List.of(),
                segments(answered.descriptionChanges(locale, baseLocale)), answered.recipientsAdded(),
                answered.recipientsRemoved());
    }

    private static List<SegmentJson> segments(List<TextDiff.Segment> segments) {
        return segments.stream().map(s -> new SegmentJson(s.op().value(), s.text())).toList();
    }

    private static AnswerJson answer(Choice choice) {
        return choice == null ? null : new AnswerJson(choice.state().value(), choice.purposeVersion(),
                choice.at().toString(), choice.via().value(), actor(choice.actor()), choice.clientId());
    }

    /** The catalog's purpose as admins edit it: in the realm's default language, with every translation. */
    public static PurposeJson purpose(Purpose p, String baseLocale) {
        Map<String, String> regions = new java.util.LinkedHashMap<>();
        p.regions().forEach((region, m) -> regions.put(region, m.value()));
        return purpose(p, new Words(baseLocale, p.label(), p.description()), translations(p.translations()),
                regions, p.frequencies().stream().map(f -> new FrequencyJson(f.key(), f.label(), f.translations()))
                        .toList());
    }

    /** A purpose as a person reads it: in the words picked for their language. */
    public static PurposeJson purpose(Purpose p, Words words) {
        return purpose(p, words, null, null, p.frequencies().stream()
                .map(f -> new FrequencyJson(f.key(), f.label(words.locale()), null)).toList());
    }

    private static PurposeJson purpose(Purpose p, Words words, Map<String, TranslationJson> translations,
                                       Map<String, String> regions, List<FrequencyJson> frequencies) {
        return new PurposeJson(p.key(), words.label(), words.description(), words.locale(), p.category(),
                p.mechanism().value(), List.copyOf(p.channels()), p.version(), p.honorGpc(), p.includeInToken(),
                p.gating(), p.askAtLogin(), p.doubleOptIn(), p.gating() ? ConsentRoles.roleName(p.key()) : null,
                p.retired(), p.renewAfterDays(), p.legalBasis().value(), p.purposeType(), p.recipients(),
                translations, regions, frequencies, p.defaultFrequency(), p.pauseDays(), p.organization());
    }

    private static Map<String, TranslationJson> translations(Map<String, Words> translations) {
        Map<String, TranslationJson> out = new java.util.TreeMap<>();
        translations.forEach((tag, w) -> out.put(tag, new TranslationJson(w.label(), w.description())));
        return out;
    }

    public static HistoryJson history(HistoryEntry h) {
        return new HistoryJson(h.id(), h.subjectId(), h.purpose(), h.channel(), h.purposeVersion(),
                h.previous() == null ? null : h.previous().value(), h.state().value(), h.via().value(),
                actor(h.actor()), h.clientId(), h.capability(), h.reason(), h.at().toString(),
                h.provenance() == null ? null : h.provenance().source(),
                h.provenance() == null ? null : h.provenance().evidence(), h.locale(), h.region(), h.frequency(),
                h.previousFrequency(), h.pausedUntil() == null ? null : h.pausedUntil().toString());
    }

    public static List<HistoryJson> histories(List<HistoryEntry> rows) {
        return rows.stream().map(ConsentJson::history).toList();
    }

    /** {@code GET …/reports/counts} */
    public static CountsJson counts(long people, List<ConsentReports.Count> counts) {
        return new CountsJson(people, counts.stream().map(c -> new CountJson(c.purpose().key(), c.channel(),
                c.purpose().mechanism().value(), c.granted(), c.denied(), c.pending(), c.expired(), c.noAnswer(), c.on(),
                c.expiringSoon(), c.region(), c.paused())).toList());
    }

    /** {@code GET …/senders}: how fast opt-outs reach each sender, and whether one is late. */
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.ALWAYS)
    public record SendersJson(java.math.BigDecimal warningHours, int windowDays, List<SenderJson> senders) {
    }

    /** Durations in seconds (with milliseconds); the percentiles are upper bounds (see {@link SenderReport}). */
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.ALWAYS)
    public record SenderJson(String id, String kind, String name, String since, String lastSeen, long reached,
                             boolean late, String warnedAt, WaitingJson oldestWaiting, long optOuts,
                             Double p50Seconds, Double p99Seconds, Double maxSeconds) {
    }

    public record WaitingJson(String at, double ageSeconds, String purpose, String channel) {
    }

    public static SendersJson senders(List<SenderReport.Sender> senders, java.math.BigDecimal warningHours,
                                      java.time.Duration threshold, Instant now) {
        return new SendersJson(warningHours.stripTrailingZeros(), SenderReport.WINDOW_DAYS, senders.stream()
                .map(s -> new SenderJson(s.id(), s.kind().value(), s.name(), s.since().toString(),
                        s.lastSeen() == null ? null : s.lastSeen().toString(), s.reached(), s.late(now, threshold),
                        s.warnedAt() == null ? null : s.warnedAt().toString(),
                        s.waiting() == null ? null : new WaitingJson(s.waiting().at().toString(),
                                seconds(s.waiting().age(now)), s.waiting().purpose(), s.waiting().channel()),
                        s.delays().optOuts(), seconds(s.delays().p50()), seconds(s.delays().p99()),
                        seconds(s.delays().max()))).toList());
    }

    private static Double seconds(java.time.Duration d) {
        return d == null ? null : d.toMillis() / 1000.0;
    }

    /** {@code GET …/feed}: the rows after the cursor, and the cursor for the next read. */
    public static FeedJson feed(List<JpaChangeFeed.Entry> entries, long cursor) {
        return new FeedJson(entries.stream().map(e -> new FeedRowJson(e.position(), history(e.row()))).toList(),
                entries.isEmpty() ? cursor : entries.get(entries.size() - 1).position());
    }

    public static HistoryPageJson historyPage(List<HistoryEntry> rows) {
        return new HistoryPageJson(histories(rows));
    }

    /** An archived text as admins list it: in the realm's default language, with every translation. */
    public static TextJson text(PurposeTexts.Text t, String baseLocale) {
        return text(t, new Words(baseLocale, t.label(), t.description()), translations(t.translations()));
    }

    /** An archived text as a person was shown it: the words of their language then. */
    public static TextJson text(PurposeTexts.Text t, Words shown) {
        return text(t, shown, null);
    }

    private static TextJson text(PurposeTexts.Text t, Words words, Map<String, TranslationJson> translations) {
        return new TextJson(t.version(), words.label(), words.description(), words.locale(), t.recipients(),
                t.legalBasis() == null ? null : t.legalBasis().value(), t.kind().value(), t.actorId(),
                t.at().toString(), translations);
    }

    public static List<NoticeJson> notices(List<dev.idconsent.consent.ServedNotices.Notice> notices) {
        return notices.stream().map(n -> new NoticeJson(n.purpose(), n.version(), n.surface(), n.locale(),
                n.clientId(), n.firstAt().toString(), n.lastAt().toString(), n.times(), n.userAgentHash())).toList();
    }

    public static List<ProblemJson> problems(List<ConsentRoles.Problem> problems) {
        return problems.stream().map(p -> new ProblemJson(p.purpose(), p.role(), p.kind(), p.id(), p.name())).toList();
    }

    public static ActorJson actor(Actor actor) {
        return new ActorJson(actor.id(), actor.username(), actor.kind().value());
    }

    public static Response.ResponseBuilder ok(Object entity) {
        return Response.ok(entity, MediaType.APPLICATION_JSON_TYPE);
    }

    /**
     * For large answers (an audience page is about half a megabyte): written as UTF-8 bytes here in one pass, where
     * the server's JSON writer would build the whole text as a String first and then encode it.
     */
    public static Response.ResponseBuilder okAsBytes(Object entity) {
        try {
            return ok(org.keycloak.util.JsonSerialization.writeValueAsBytes(entity));
        } catch (java.io.IOException e) {
            throw new IllegalStateException("records of strings are JSON", e);
        }
    }
}
