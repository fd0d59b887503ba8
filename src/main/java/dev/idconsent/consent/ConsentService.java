package dev.idconsent.consent;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The only writer of choices. Every channel (user API, account page, email link, login step, admin, GPC)
 * calls {@link #record}; it validates the whole request against the catalog before writing anything, then
 * writes current state, one history row per change and the token summary in the caller's transaction.
 */
public final class ConsentService {
    private final PurposeCatalog catalog;
    private final ChoiceStore store;
    private final PurposeTexts texts;
    private final Clock clock;
    private final ConsentEvents events;

    public ConsentService(PurposeCatalog catalog, ChoiceStore store, PurposeTexts texts, Clock clock,
                          ConsentEvents events) {
        this.catalog = catalog;
        this.store = store;
        this.texts = texts;
        this.clock = clock;
        this.events = events;
    }

    /**
     * The catalog as {@code subject} sees it: each purpose with the mechanism of their region, and of the purposes of
     * an organization only those of theirs — for anyone else those do not exist.
     */
    private PurposeCatalog at(Subject subject) {
        return at(subject, true);
    }

    /**
     * @param members whether purposes of organizations the subject is not in are left out; the timer's work (a pause
     *                that ends, a yes that expires) goes on for a person who left
     */
    private PurposeCatalog at(Subject subject, boolean members) {
        Regions.Location location = subject.location();
        List<Purpose> all = catalog.all();
        boolean organizational = members && all.stream().anyMatch(p -> p.organization() != null);
        if (!organizational && all.stream().noneMatch(p -> p.regionIn(location) != null)) {
            return catalog;
        }
        Set<String> mine = organizational ? subject.organizations() : Set.of();
        List<Purpose> there = all.stream().filter(p -> !organizational || p.visibleTo(mine))
                .map(p -> p.in(location)).toList();
        return new PurposeCatalog() {
            @Override
            public List<Purpose> all() {
                return there;
            }

            @Override
            public String baseLocale() {
                return catalog.baseLocale();
            }

            @Override
            public void save(Purpose purpose) {
                throw new UnsupportedOperationException("a region's view of the catalog is read-only");
            }
        };
    }

    /**
     * After the person's region may have changed: the access each gating purpose controls follows the defaults of
     * where they are now. Answers are never touched (a region decides defaults only), so nothing is recorded.
     *
     * @return the gating purposes with regional mechanisms, as people where the person is see them
     */
    public List<Purpose> relocated(Subject subject) {
        Regions.Location location = subject.location();
        List<Purpose> gating = catalog.all().stream().filter(p -> p.gating() && !p.retired() && !p.regions().isEmpty())
                .map(p -> p.in(location)).toList();
        if (!gating.isEmpty()) {
            Map<String, ChoiceState> answers = new HashMap<>();
            store.current(subject.id()).forEach(c -> answers.put(Summary.key(c.purpose(), c.channel()), c.state()));
            gating.forEach(p -> subject.permit(p, Effective.granted(p, answers)));
        }
        return gating;
    }

    /** Also repairs the token summary if it no longer matches the tables (which are the record). */
    public ConsentView view(Subject subject) {
        List<Choice> current = store.current(subject.id());
        String stored = subject.readSummary() == null ? "" : subject.readSummary();
        if (!Summary.encode(current).equals(stored)) {
            // repair under the writers' lock, from what is committed then, so a concurrent write is not undone
            current = store.currentForUpdate(subject.id());
            subject.writeSummary(Summary.encode(current), current);
        }
        return view(subject, current, List.of());
    }

    /**
     * The state as the tables say, without repairing anything and without locks: for pages that a GET shows (mail
     * scanners prefetch links; a GET must not write).
     */
    public ConsentView peek(Subject subject) {
        return view(subject, store.current(subject.id()), List.of());
    }

    public List<HistoryEntry> history(Subject subject, int first, int max) {
        return store.history(subject.id(), first, max);
    }

    /**
     * Applies all changes or none.
     *
     * @throws ConsentException naming the first problem; nothing has been written then
     */
    public ConsentView record(Subject subject, List<ChangeRequest> changes, ChangeContext context) {
        if (changes == null || changes.isEmpty()) {
            throw new ConsentException(ErrorCode.INVALID_REQUEST, "no changes given");
        }
        requireReason(subject, context);
        // the lock first: the rules are those of where the person is, as read with their answers under it
        List<Choice> current = store.currentForUpdate(subject.id());
        PurposeCatalog here = at(subject);
        List<ChangeRules.Target> targets = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        Map<String, Choice> byKey = new HashMap<>();
        current.forEach(c -> byKey.put(Summary.key(c.purpose(), c.channel()), c));
        for (ChangeRequest change : changes) {
            List<ChangeRules.Target> resolved = ChangeRules.resolve(here, change, context.via());
            if (change.pauseDays() != null) {
                resolved = pausable(resolved, byKey);
            }
            for (ChangeRules.Target target : resolved) {
                if (!seen.add(Summary.key(target.purpose().key(), target.channel()))) {
                    throw new ConsentException(ErrorCode.DUPLICATE_CHANGE, "purpose '" + change.purpose()
                            + "' is changed more than once in this request");
                }
                targets.add(target);
            }
        }
        checkTag(subject, current, context.expectedTag());
        return apply(subject, current, targets, context);
    }

    /**
     * What of a pause request is on (or paused already: a new pause replaces it), so can be paused: a channel the
     * request named must be; of the purpose as a whole, the channels that are off are left alone.
     *
     * @throws ConsentException when nothing of it is on
     */
    private static List<ChangeRules.Target> pausable(List<ChangeRules.Target> targets, Map<String, Choice> current) {
        List<ChangeRules.Target> on = new ArrayList<>();
        for (ChangeRules.Target target : targets) {
            Choice choice = current.get(Summary.key(target.purpose().key(), target.channel()));
            ChoiceState state = choice == null ? null : choice.state();
            if (state == ChoiceState.PAUSED || Effective.granted(target.purpose(), state)) {
                on.add(target.pausing(choice));
            } else if (!target.always()) {
                throw new ConsentException(ErrorCode.CONFLICT, "'" + target.purpose().key() + "' is off on "
                        + target.channel() + ": there is nothing to pause");
            }
        }
        if (on.isEmpty()) {
            throw new ConsentException(ErrorCode.CONFLICT, "'" + targets.get(0).purpose().key()
                    + "' is off: there is nothing to pause");
        }
        return on;
    }

    /**
     * Ends each pause of this person that has reached its end: the answer before it returns — the yes with its text
     * version and frequency, or no answer (the opt-out default) — in a history row written by the system
     * ({@link Via#PAUSE}), and with it the gating role. Decided here, under the writers' lock: a pause the person
     * ended or renewed meanwhile is not touched, and a second run over the same person writes nothing.
     *
     * @return the rows written; empty when nothing was due
     */
    public List<HistoryEntry> resumePauses(Subject subject) {
        Instant now = clock.instant();
        List<Choice> current = store.currentForUpdate(subject.id());
        List<ChangeRules.Target> due = new ArrayList<>();
        for (Choice c : current) {
            if (c.state() == ChoiceState.PAUSED && c.pausedUntil() != null && !c.pausedUntil().isAfter(now)) {
                at(subject, false).find(c.purpose()).ifPresent(purpose -> due.add(new ChangeRules.Target(purpose,
                        c.channel(), c.resumeTo() == null ? ChoiceState.CLEARED : c.resumeTo(), c.purposeVersion(),
                        c.frequency())));
            }
        }
        if (due.isEmpty()) {
            return List.of();
        }
        ChangeContext context = new ChangeContext(Actor.SYSTEM, Via.PAUSE, null, "pause-ended",
                "the pause the person chose ended", null);
        return apply(subject, current, due, context).changes();
    }

    /**
     * In place of the unsubscribe a link just recorded (the page after it offers this): the purpose is paused
     * instead, and at the end of the pause what was there before the click returns — exactly what {@link #restore}
     * would put back now, only later. So a pause from a link never creates a yes that did not exist before the click.
     * Refused once anything changed after the click, or when nothing was on before it.
     *
     * @param clickRow the history row the click wrote
     */
    public ConsentView pauseInstead(Subject subject, String purposeKey, String channel, long clickRow,
                                    java.math.BigDecimal days, ChangeContext context) {
        Purpose purpose = at(subject).find(purposeKey).filter(p -> !p.retired()).orElseThrow(() ->
                new ConsentException(ErrorCode.UNKNOWN_PURPOSE, "there is no purpose '" + purposeKey + "'"));
        java.time.Duration period = purpose.requirePause(days);
        List<Choice> current = store.currentForUpdate(subject.id());
        Choice now = clicked(current, purposeKey, channel, clickRow);
        HistoryEntry before = store.lastBefore(subject.id(), purposeKey, channel, clickRow)
                .filter(b -> b.state() != ChoiceState.CLEARED).orElse(null);
        boolean wasOn = Effective.granted(purpose, before == null ? null : before.state());
        if (!wasOn) {
            throw new ConsentException(ErrorCode.CONFLICT, "'" + purpose.label() + "' was off before: there is"
                    + " nothing to pause");
        }
        // the pause replaces the click's "no", so it resumes to what was before the click
        Choice beforeClick = before == null ? null : new Choice(purposeKey, channel, before.state(),
                before.purposeVersion(), before.via(), before.actor(), before.clientId(), before.at(), before.id(),
                before.frequency());
        return apply(subject, current, List.of(new ChangeRules.Target(purpose, channel, ChoiceState.PAUSED,
                now.purposeVersion(), null, period, false, null).pausing(beforeClick)), context);
    }

    /**
     * In place of the unsubscribe a link just recorded: the yes that was there before the click returns with a
     * frequency the person picks on the page after it. Only where a yes was there before the click (an opt-out
     * purpose at its default has no yes a frequency could belong to): a link never creates a yes.
     */
    public ConsentView fewerInstead(Subject subject, String purposeKey, String channel, long clickRow,
                                    String frequency, ChangeContext context) {
        Purpose purpose = at(subject).find(purposeKey).filter(p -> !p.retired()).orElseThrow(() ->
                new ConsentException(ErrorCode.UNKNOWN_PURPOSE, "there is no purpose '" + purposeKey + "'"));
        purpose.requireFrequency(frequency);
        List<Choice> current = store.currentForUpdate(subject.id());
        clicked(current, purposeKey, channel, clickRow);
        HistoryEntry before = store.lastBefore(subject.id(), purposeKey, channel, clickRow)
                .filter(b -> b.state() == ChoiceState.GRANTED).orElseThrow(() -> new ConsentException(
                        ErrorCode.CONFLICT, "there was no subscription to '" + purpose.label() + "' before: choose"
                        + " in your account"));
        return apply(subject, current, List.of(new ChangeRules.Target(purpose, channel, ChoiceState.GRANTED,
                before.purposeVersion(), frequency)), context);
    }

    /** The current answer, when it is still the one the click wrote. */
    private static Choice clicked(List<Choice> current, String purposeKey, String channel, long clickRow) {
        Choice now = current.stream().filter(c -> c.purpose().equals(purposeKey)
                && java.util.Objects.equals(c.channel(), channel)).findFirst().orElse(null);
        if (now == null || now.historyId() != clickRow) {
            throw new ConsentException(ErrorCode.CONFLICT, "the choice has changed since; manage it in your account");
        }
        return now;
    }

    /** Switches off every optional purpose (each channel) that is not already explicitly off. */
    public ConsentView optOutOfAll(Subject subject, ChangeContext context) {
        requireReason(subject, context);
        List<Choice> current = store.currentForUpdate(subject.id());
        checkTag(subject, current, context.expectedTag());
        return apply(subject, current, denyEveryChannel(subject, p -> true), context);
    }

    /**
     * The purposes a consent step must ask: after registration every optional purpose not answered yet; at login the purposes the
     * user answered on an older version (a material change since), and opt-in purposes marked "ask at login"
     * the user never answered. Decided per user when they log in; a version bump writes nothing.
     */
    public List<Purpose> toAsk(Subject subject, boolean registration) {
        Map<String, Integer> answered = new HashMap<>();
        Set<String> expired = new HashSet<>();
        for (Choice c : store.current(subject.id())) {
            answered.merge(c.purpose(), c.purposeVersion(), Math::min);
            if (c.state() == ChoiceState.EXPIRED) {
                expired.add(c.purpose());
            }
        }
        List<Purpose> ask = new ArrayList<>();
        for (Purpose purpose : at(subject).all()) {
            if (purpose.retired() || !purpose.mechanism().optional()) {
                continue;
            }
            Integer version = answered.get(purpose.key());
            if ((version == null && (registration || purpose.askAtLogin()))
                    || (version != null && version < purpose.version())
                    || (expired.contains(purpose.key()) && purpose.mechanism() == Mechanism.OPT_IN)) {
                ask.add(purpose);
            }
        }
        return ask;
    }

    /**
     * Expires each yes of this person that has reached its purpose's lifetime ({@link Purpose#renewAfter()}): a
     * history row with state {@code expired}, written by the system with the lifetime as its reason; the yes is no
     * longer usable (tokens, audiences, the gating role) and the consent step asks again at the next login. A yes
     * given again since (a newer row) is not touched: due-ness is decided here, under the writers' lock.
     *
     * @return the rows written; empty when nothing was due
     */
    public List<HistoryEntry> expire(Subject subject) {
        Instant now = clock.instant();
        List<Choice> current = store.currentForUpdate(subject.id());
        Map<Purpose, List<ChangeRules.Target>> due = new java.util.LinkedHashMap<>();
        for (Choice c : current) {
            Purpose purpose = at(subject, false).find(c.purpose()).orElse(null);
            if (c.state() == ChoiceState.GRANTED && purpose != null && !purpose.retired()
                    && purpose.renewAfter() != null && !c.at().plus(purpose.renewAfter()).isAfter(now)) {
                due.computeIfAbsent(purpose, p -> new ArrayList<>()).add(new ChangeRules.Target(purpose, c.channel(),
                        ChoiceState.EXPIRED, c.purposeVersion()));
            }
        }
        List<HistoryEntry> rows = new ArrayList<>();
        for (Map.Entry<Purpose, List<ChangeRules.Target>> purpose : due.entrySet()) {
            ChangeContext context = new ChangeContext(Actor.SYSTEM, Via.EXPIRY, null, "renew-after",
                    "a yes to '" + purpose.getKey().key() + "' lasts " + purpose.getKey().renewAfterDays()
                            + " days (renewAfterDays)", null);
            rows.addAll(apply(subject, store.currentForUpdate(subject.id()), purpose.getValue(), context).changes());
        }
        return rows;
    }

    /**
     * When the person gave each yes that has since expired, per purpose (the newest): the consent step's "You agreed
     * on …". Reads the history only for the expired answers of {@code view}.
     */
    public Map<String, Instant> expiredAgreements(ConsentView view) {
        Map<String, Instant> agreed = new HashMap<>();
        for (ConsentView.PurposeState purpose : view.purposes()) {
            for (ConsentView.ChannelState state : purpose.channels()) {
                Choice c = state.choice();
                if (c != null && c.state() == ChoiceState.EXPIRED) {
                    store.lastBefore(view.subjectId(), c.purpose(), c.channel(), c.historyId())
                            .filter(yes -> yes.state() == ChoiceState.GRANTED)
                            .ifPresent(yes -> agreed.merge(c.purpose(), yes.at(), (a, b) -> a.isAfter(b) ? a : b));
                }
            }
        }
        return agreed;
    }

    /**
     * The text a person answered, for a purpose whose text has a newer version since: the version they answered (the
     * oldest, if their channels differ) as it read when they answered, and when that was.
     */
    public record AnsweredText(Purpose purpose, PurposeTexts.Text text, Instant answeredAt) {
        /** What changed in the label since, in the words of a reader of {@code locale}. */
        public List<TextDiff.Segment> labelChanges(String locale, String baseLocale) {
            return TextDiff.words(text.words(locale, baseLocale).label(), purpose.words(locale, baseLocale).label());
        }

        /** What changed in the description since, in the words of a reader of {@code locale}. */
        public List<TextDiff.Segment> descriptionChanges(String locale, String baseLocale) {
            return TextDiff.words(text.words(locale, baseLocale).description(),
                    purpose.words(locale, baseLocale).description());
        }

        /** Who the data goes to now and did not when they answered. */
        public List<String> recipientsAdded() {
            return purpose.recipients().stream().filter(r -> !text.recipients().contains(r)).toList();
        }

        /** Who the data went to when they answered and no longer does. */
        public List<String> recipientsRemoved() {
            return text.recipients().stream().filter(r -> !purpose.recipients().contains(r)).toList();
        }
    }

    /**
     * Per purpose of the view answered under an older text version: what that text said (so the consent step can show
     * what changed). A purpose whose answered text is not archived is left out.
     */
    public Map<String, AnsweredText> outdatedAnswers(ConsentView view) {
        Map<String, AnsweredText> out = new HashMap<>();
        for (ConsentView.PurposeState state : view.purposes()) {
            Purpose purpose = state.purpose();
            Choice oldest = null;
            for (ConsentView.ChannelState c : state.channels()) {
                Choice choice = c.choice();
                if (choice != null && choice.purposeVersion() < purpose.version()
                        && (oldest == null || choice.purposeVersion() < oldest.purposeVersion())) {
                    oldest = choice;
                }
            }
            if (oldest == null) {
                continue;
            }
            Choice answered = oldest;
            List<PurposeTexts.Text> versionTexts = texts.of(purpose.key()).stream()
                    .filter(t -> t.version() == answered.purposeVersion()).toList();
            // the text in force when they answered; else the version's first (answered before it was archived)
            versionTexts.stream().filter(t -> !t.at().isAfter(answered.at())).reduce((earlier, later) -> later)
                    .or(() -> versionTexts.stream().findFirst())
                    .ifPresent(t -> out.put(purpose.key(), new AnsweredText(purpose, t, answered.at())));
        }
        return out;
    }

    /**
     * Honors a browser's Global Privacy Control signal: every active purpose flagged "honor GPC" is switched off,
     * once per person and purpose — a GPC row is recorded even when it was already off, so a later explicit
     * opt-in stands.
     *
     * @return the purposes this call switched off or confirmed off
     */
    public List<Purpose> honorGpc(Subject subject, ChangeContext context) {
        java.util.Set<String> done = store.purposesChangedVia(subject.id(), Via.GPC);
        List<ChangeRules.Target> targets = denyEveryChannel(subject,
                p -> p.honorGpc() && !done.contains(p.key()));
        if (targets.isEmpty()) {
            return List.of();
        }
        apply(subject, store.currentForUpdate(subject.id()), targets, context);
        return targets.stream().map(ChangeRules.Target::purpose).distinct().toList();
    }

    /**
     * Where a Global Privacy Control signal is not binding: the purposes it would have switched off (flagged "honor
     * GPC", optional where the person is, on now), so the person can be told the signal was seen. Reads only.
     */
    public List<Purpose> gpcWouldSwitchOff(Subject subject) {
        return peek(subject).purposes().stream().filter(s -> s.granted() && s.purpose().honorGpc()
                && s.purpose().mechanism().optional()).map(ConsentView.PurposeState::purpose).toList();
    }

    /** A "no" for every channel of each active optional purpose that {@code which} selects. */
    private List<ChangeRules.Target> denyEveryChannel(Subject subject, java.util.function.Predicate<Purpose> which) {
        List<ChangeRules.Target> targets = new ArrayList<>();
        for (Purpose purpose : at(subject).all()) {
            if (!purpose.retired() && purpose.mechanism().optional() && which.test(purpose)) {
                for (String channel : purpose.choiceChannels()) {
                    targets.add(new ChangeRules.Target(purpose, channel, ChoiceState.DENIED, purpose.version()));
                }
            }
        }
        return targets;
    }

    private ConsentView apply(Subject subject, List<Choice> current, List<ChangeRules.Target> targets, ChangeContext context) {
        return apply(subject, current, targets, context, null);
    }

    /** @param given when the answer was given, if not now (an imported answer) */
    private ConsentView apply(Subject subject, List<Choice> current, List<ChangeRules.Target> targets,
                              ChangeContext context, Instant given) {
        Map<String, Choice> byKey = new HashMap<>();
        current.forEach(c -> byKey.put(Summary.key(c.purpose(), c.channel()), c));
        Instant now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS); // what the store keeps
        Instant at = given == null ? now : given.truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        List<ChoiceStore.Write> writes = new ArrayList<>();
        Set<String> archived = new HashSet<>();
        for (ChangeRules.Target target : targets) {
            String key = Summary.key(target.purpose().key(), target.channel());
            Choice previous = byKey.get(key);
            if (target.purpose().mechanism() == Mechanism.REQUIRED) {
                continue; // "on" for a required purpose is already true; nothing to prove
            }
            // a frequency belongs to a yes: named, or kept from the yes before; a no has none
            ChoiceState state = target.state();
            boolean yes = state == ChoiceState.GRANTED || state == ChoiceState.PENDING || state == ChoiceState.PAUSED;
            boolean wasYes = previous != null && (previous.state() == ChoiceState.GRANTED
                    || previous.state() == ChoiceState.PENDING || previous.state() == ChoiceState.PAUSED);
            String frequency = !yes ? null : target.frequency() != null ? target.frequency()
                    : wasYes ? previous.frequency() : null;
            int version = target.version(); // a pause's: that of the answer it pauses (Target.pausing)
            Instant pausedUntil = state == ChoiceState.PAUSED ? now.plus(target.pause()) : null;
            boolean sameFrequency = java.util.Objects.equals(frequency, previous == null ? null : previous.frequency());
            if (state == ChoiceState.PENDING && previous != null && previous.state() == ChoiceState.GRANTED
                    && previous.purposeVersion() == target.version()) {
                if (sameFrequency) {
                    continue; // a repeated yes keeps a confirmed double opt-in
                }
                state = ChoiceState.GRANTED; // another frequency for a confirmed yes needs no new confirmation
            }
            if (previous != null && previous.state() == state && state != ChoiceState.PAUSED
                    && previous.purposeVersion() == target.version() && sameFrequency && context.via() != Via.GPC) {
                continue; // idempotent: the same answer to the same text is not a new event (a GPC signal is)
            }
            if (state == ChoiceState.CLEARED && previous == null) {
                continue; // no answer to take back
            }
            if (archived.add(target.purpose().key())) {
                texts.keep(target.purpose(), now); // the proof must name a text we still have
            }
            HistoryEntry row = new HistoryEntry(0, subject.id(), target.purpose().key(), target.channel(),
                    version, previous == null ? null : previous.state(), state,
                    context.via(), context.actor(), context.clientId(), context.capability(), context.reason(), at,
                    context.provenance(), context.locale() == null ? null
                    : target.purpose().words(context.locale(), catalog.baseLocale()).locale(),
                    target.purpose().regionIn(subject.location()), frequency,
                    previous == null ? null : previous.frequency(), pausedUntil);
            Choice choice = state == ChoiceState.CLEARED ? null : new Choice(target.purpose().key(),
                    target.channel(), state, version, context.via(), context.actor(), context.clientId(), at, 0,
                    frequency, pausedUntil, target.resumeTo());
            writes.add(new ChoiceStore.Write(row, choice));
            if (choice == null) {
                byKey.remove(key);
            } else {
                byKey.put(key, choice);
            }
        }
        List<HistoryEntry> recorded = List.of();
        if (!writes.isEmpty()) {
            // the summary does not depend on the rows' ids, so the store may write it with the rows
            List<Choice> written = new ArrayList<>(byKey.values());
            String summary = Summary.encode(written);
            recorded = store.record(subject.id(), writes, subject.summaryWrite(summary, written));
            recorded.forEach(row -> byKey.computeIfPresent(Summary.key(row.purpose(), row.channel()),
                    (k, choice) -> choice.historyId() == 0 ? choice.withHistoryId(row.id()) : choice));
            Map<String, ChoiceState> answers = Summary.decode(summary);
            targets.stream().map(ChangeRules.Target::purpose).filter(Purpose::gating).distinct()
                    .forEach(p -> subject.permit(p, Effective.granted(p, answers)));
            events.recorded(subject.id(), List.copyOf(recorded), context);
        }
        return view(subject, new ArrayList<>(byKey.values()), recorded);
    }

    /**
     * Confirms a pending double opt-in (from the link in the confirmation email): records a second row, now
     * granted. Confirming twice is fine; confirming what is not pending is refused.
     *
     * @param pendingRow the history row of the yes the confirmation email was sent for: a link from an earlier
     *                   request (withdrawn and asked again since) does not confirm a later one
     */
    public ConsentView confirm(Subject subject, String purposeKey, Long pendingRow, ChangeContext context) {
        Purpose purpose = at(subject).find(purposeKey).filter(p -> !p.retired()).orElseThrow(() ->
                new ConsentException(ErrorCode.UNKNOWN_PURPOSE, "there is no purpose '" + purposeKey + "'"));
        List<Choice> current = store.currentForUpdate(subject.id());
        Choice choice = current.stream().filter(c -> c.purpose().equals(purposeKey)
                && Purpose.EMAIL.equals(c.channel())).findFirst().orElse(null);
        ChoiceState state = choice == null ? null : choice.state();
        if (state != ChoiceState.PENDING && state != ChoiceState.GRANTED) {
            throw new ConsentException(ErrorCode.CONFLICT, "there is no subscription to '" + purpose.label()
                    + "' waiting for confirmation (it was withdrawn or never asked for)");
        }
        if (state == ChoiceState.PENDING && pendingRow != null && choice.historyId() != pendingRow) {
            throw new ConsentException(ErrorCode.CONFLICT, "this link belongs to an earlier request to subscribe to '"
                    + purpose.label() + "'; the most recent email has the link that confirms it");
        }
        if (state == ChoiceState.PENDING && choice.purposeVersion() != purpose.version()) {
            throw new ConsentException(ErrorCode.STALE_VERSION, "the text of '" + purpose.label() + "' has changed"
                    + " since you asked to subscribe; please read it and choose again in your account");
        }
        return apply(subject, current, List.of(new ChangeRules.Target(purpose, Purpose.EMAIL, ChoiceState.GRANTED,
                purpose.version())), context);
    }

    /**
     * Undoes one unsubscribe click (the undo button on the page after it): puts back exactly what was there before
     * the click's history row — the earlier answer with its state and text version (a confirmed double opt-in comes
     * back confirmed), or no answer at all (a row with state {@code cleared}, after which the mechanism's default
     * applies). So an undo never creates a yes that did not exist before the click. Refused once anything changed
     * after the click.
     *
     * @param clickRow the history row the click wrote
     */
    public ConsentView restore(Subject subject, String purposeKey, String channel, long clickRow,
                               ChangeContext context) {
        Purpose purpose = at(subject).find(purposeKey).filter(p -> !p.retired()).orElseThrow(() ->
                new ConsentException(ErrorCode.UNKNOWN_PURPOSE, "there is no purpose '" + purposeKey + "'"));
        List<Choice> current = store.currentForUpdate(subject.id());
        Choice now = clicked(current, purposeKey, channel, clickRow);
        ChangeRules.Target back = store.lastBefore(subject.id(), purposeKey, channel, clickRow)
                .filter(before -> before.state() != ChoiceState.CLEARED)
                .map(before -> new ChangeRules.Target(purpose, channel, before.state(), before.purposeVersion(),
                        before.frequency()))
                .orElse(new ChangeRules.Target(purpose, channel, ChoiceState.CLEARED, now.purposeVersion()));
        return apply(subject, current, List.of(back), context);
    }

    /** What an import does with one answer. */
    public enum ImportOutcome {
        /** Recorded (or, in a dry run, would be). */
        IMPORTED,
        /** The person's current answer is as new or newer: a newer answer always wins. */
        OLDER_THAN_CURRENT,
        /** The current answer is this very one (an import run before): nothing to record. */
        DUPLICATE,
        /** The current answer already says the same, to the same text: nothing to record. */
        UNCHANGED;

        public String value() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * An answer from another system, given at {@code answer.at()}: recorded with that time, the context's provenance
     * (source, evidence) and the administrator as actor, unless the person's current answer is as new or newer.
     * Importing the same answer twice records it once.
     *
     * @param dryRun decide only; no lock, nothing written
     */
    public ImportOutcome importAnswer(Subject subject, ImportedAnswer answer, ChangeContext context, boolean dryRun) {
        requireReason(subject, context);
        List<Choice> current = dryRun ? store.current(subject.id()) : store.currentForUpdate(subject.id());
        Choice now = current.stream().filter(c -> c.purpose().equals(answer.purpose().key())
                && java.util.Objects.equals(c.channel(), answer.channel())).findFirst().orElse(null);
        Instant at = answer.at().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        if (now != null && now.at().equals(at) && now.state() == answer.state()
                && now.purposeVersion() == answer.version()) {
            return ImportOutcome.DUPLICATE;
        }
        if (now != null && !now.at().isBefore(at)) {
            return ImportOutcome.OLDER_THAN_CURRENT;
        }
        if (now != null && now.state() == answer.state() && now.purposeVersion() == answer.version()) {
            return ImportOutcome.UNCHANGED;
        }
        if (!dryRun) {
            apply(subject, current, List.of(new ChangeRules.Target(answer.purpose(), answer.channel(), answer.state(),
                    answer.version())), context, at);
        }
        return ImportOutcome.IMPORTED;
    }

    private static void requireReason(Subject subject, ChangeContext context) {
        boolean onBehalf = !subject.id().equals(context.actor().id());
        if (onBehalf && (context.reason() == null || context.reason().isBlank())) {
            throw new ConsentException(ErrorCode.REASON_REQUIRED,
                    "a change on someone else's behalf needs a reason");
        }
    }

    private void checkTag(Subject subject, List<Choice> current, String expectedTag) {
        if (expectedTag != null && !expectedTag.equals("*") && !expectedTag.equals(tag(current, at(subject)))) {
            throw new ConsentException(ErrorCode.PRECONDITION_FAILED,
                    "the choices changed since you read them; read them again and retry");
        }
    }

    private ConsentView view(Subject subject, List<Choice> choices, List<HistoryEntry> recorded) {
        Map<String, Choice> byKey = new HashMap<>();
        choices.forEach(c -> byKey.put(Summary.key(c.purpose(), c.channel()), c));
        List<ConsentView.PurposeState> purposes = new ArrayList<>();
        PurposeCatalog catalog = at(subject);
        for (Purpose purpose : catalog.all()) {
            if (purpose.retired()) {
                continue;
            }
            List<ConsentView.ChannelState> channels = new ArrayList<>();
            boolean any = false;
            for (String channel : purpose.choiceChannels()) {
                Choice choice = byKey.get(Summary.key(purpose.key(), channel));
                boolean granted = Effective.granted(purpose, choice == null ? null : choice.state());
                any |= granted;
                channels.add(new ConsentView.ChannelState(channel, granted, choice));
            }
            purposes.add(new ConsentView.PurposeState(purpose, any, channels));
        }
        return new ConsentView(subject.id(), purposes, tag(choices, catalog), recorded, subject.location());
    }

    /**
     * Changes whenever the user's answers or the catalog's versions change: the representation a client
     * decided on is then out of date.
     */
    String tag(List<Choice> choices, PurposeCatalog catalog) {
        StringBuilder in = new StringBuilder();
        choices.stream().map(c -> Summary.key(c.purpose(), c.channel()) + "=" + c.state().value() + "@"
                + c.purposeVersion() + "#" + c.historyId()).sorted().forEach(s -> in.append(s).append(';'));
        in.append('|');
        catalog.all().forEach(p -> in.append(p.key()).append('@').append(p.version())
                .append(p.retired() ? "r" : "").append(p.mechanism().value()).append(';'));
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(in.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

}
