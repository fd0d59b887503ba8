package dev.idconsent.consent;

import static dev.idconsent.consent.ChoiceState.DENIED;
import static dev.idconsent.consent.ChoiceState.GRANTED;
import static dev.idconsent.consent.InMemory.NOW_MILLIS;
import static dev.idconsent.consent.InMemory.optIn;
import static dev.idconsent.consent.InMemory.optOut;
import static dev.idconsent.consent.InMemory.refusal;
import static dev.idconsent.consent.InMemory.required;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;
import static org.assertj.core.api.Assertions.tuple;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("ConsentService: the only writer of choices")
class ConsentServiceTest {
    static final Purpose TERMS = required("terms");
    static final Purpose ANALYTICS = optIn("analytics").withVersion(2);
    static final Purpose NEWSLETTER = optOut("newsletter", "email", "sms");
    static final Purpose SURVEY = optIn("survey").withRetired(true);

    static final Actor ALICE = new Actor("alice-id", "alice", Actor.Kind.USER);
    static final Actor ADMIN = new Actor("admin-id", "admin", Actor.Kind.ADMIN);

    final InMemory.Catalog catalog = new InMemory.Catalog(TERMS, ANALYTICS, NEWSLETTER, SURVEY);
    final InMemory.Store store = new InMemory.Store();
    final InMemory.Texts texts = new InMemory.Texts();
    final InMemory.User alice = new InMemory.User(ALICE.id());
    final ConsentService service = new ConsentService(catalog, store, texts, InMemory.CLOCK, ConsentEvents.NONE);
    final ConsentReports reports = new ConsentReports(service, catalog, store, texts);

    static ChangeRequest set(String purpose, Boolean granted) {
        return new ChangeRequest(purpose, null, granted, null);
    }

    static ChangeRequest set(String purpose, String channel, Boolean granted) {
        return new ChangeRequest(purpose, channel, granted, null);
    }

    static ChangeContext byAlice() {
        return byAlice(null);
    }

    static ChangeContext byAlice(String expectedTag) {
        return new ChangeContext(ALICE, Via.LOGIN, "web-app", "consent-step", null, expectedTag);
    }

    static ChangeContext byAdmin(String reason) {
        return new ChangeContext(ADMIN, Via.ADMIN, "admin-cli", "manage-users", reason, null);
    }

    /** The same record, a while later. */
    ConsentService after(java.time.Duration later) {
        return new ConsentService(catalog, store, texts, java.time.Clock.offset(InMemory.CLOCK, later),
                ConsentEvents.NONE);
    }

    ConsentView record(ChangeRequest... changes) {
        return service.record(alice, List.of(changes), byAlice());
    }

    List<HistoryEntry> rows() {
        return store.rows(alice.id());
    }

    /** Purpose key → effective state as the view shows it, in catalog order. */
    static Map<String, Boolean> effective(ConsentView view) {
        Map<String, Boolean> states = new LinkedHashMap<>();
        view.purposes().forEach(p -> states.put(p.purpose().key(), p.granted()));
        return states;
    }

    static ConsentView.PurposeState state(ConsentView view, String key) {
        return view.purposes().stream().filter(p -> p.purpose().key().equals(key)).findFirst().orElseThrow();
    }

    void assertNothingWritten() {
        assertThat(rows()).as("history").isEmpty();
        assertThat(store.current(alice.id())).as("choices").isEmpty();
        assertThat(alice.writes()).as("summary writes").isEmpty();
        assertThat(texts.all()).as("archived texts").isEmpty();
    }

    @Nested
    @DisplayName("given a request is validated, before anything is written")
    class Refusals {
        static Stream<Arguments> badRequests() {
            ChangeRequest valid = set("newsletter", "email", false);
            return Stream.of(
                    arguments("an unknown purpose", List.of(valid, set("no-such", true)),
                            ErrorCode.UNKNOWN_PURPOSE, "'no-such'"),
                    arguments("no purpose", List.of(valid, set(" ", true)),
                            ErrorCode.INVALID_VALUE, "needs a purpose"),
                    arguments("a required purpose switched off", List.of(valid, set("terms", false)),
                            ErrorCode.REQUIRED_PURPOSE, "'terms'"),
                    arguments("no granted value", List.of(valid, set("analytics", null)),
                            ErrorCode.INVALID_VALUE, "\"granted\""),
                    arguments("an answer to an older version",
                            List.of(valid, new ChangeRequest("analytics", null, true, 1)),
                            ErrorCode.STALE_VERSION, "at version 2"),
                    arguments("an unknown channel", List.of(valid, set("newsletter", "fax", false)),
                            ErrorCode.UNKNOWN_CHANNEL, "'fax'"),
                    arguments("a channel on a purpose without channels",
                            List.of(valid, set("analytics", "email", true)),
                            ErrorCode.UNKNOWN_CHANNEL, "has no channels"),
                    arguments("a retired purpose", List.of(valid, set("survey", true)),
                            ErrorCode.PURPOSE_RETIRED, "'survey'"),
                    arguments("the same purpose twice", List.of(set("analytics", true), set("analytics", false)),
                            ErrorCode.DUPLICATE_CHANGE, "'analytics'"),
                    arguments("a channel and its whole purpose", List.of(valid, set("newsletter", true)),
                            ErrorCode.DUPLICATE_CHANGE, "'newsletter'"));
        }

        @ParameterizedTest(name = "{0}, then {2} and nothing is written")
        @MethodSource("badRequests")
        @DisplayName("with one bad entry after a valid one")
        void refusedAsAWhole(String description, List<ChangeRequest> changes, ErrorCode code, String named) {
            ConsentException refused = refusal(() -> service.record(alice, changes, byAlice()));

            assertThat(refused.code()).isEqualTo(code);
            assertThat(refused.getMessage()).contains(named);
            assertNothingWritten();
        }

        @Test
        @DisplayName("with no changes at all, then INVALID_REQUEST")
        void empty() {
            assertThat(refusal(() -> service.record(alice, List.of(), byAlice())).code())
                    .isEqualTo(ErrorCode.INVALID_REQUEST);
        }

        @Test
        @DisplayName("with the current version, then the answer is recorded on it")
        void currentVersion() {
            service.record(alice, List.of(new ChangeRequest("analytics", null, true, 2)), byAlice());
            assertThat(rows()).extracting(HistoryEntry::purposeVersion).containsExactly(2);
        }
    }

    @Nested
    @DisplayName("given a change on someone else's behalf")
    class OnBehalf {
        @ParameterizedTest(name = "[{index}] reason \"{0}\"")
        @NullAndEmptySource
        @ValueSource(strings = "   ")
        @DisplayName("without a reason, then REASON_REQUIRED and nothing is written")
        void withoutReason(String reason) {
            assertThat(refusal(() -> service.record(alice, List.of(set("analytics", true)), byAdmin(reason))).code())
                    .isEqualTo(ErrorCode.REASON_REQUIRED);
            assertThat(refusal(() -> service.optOutOfAll(alice, byAdmin(reason))).code())
                    .isEqualTo(ErrorCode.REASON_REQUIRED);
            assertNothingWritten();
        }

        @Test
        @DisplayName("with a reason, then the row names the admin, the admin channel and the reason")
        void withReason() {
            service.record(alice, List.of(set("analytics", true)), byAdmin("asked by phone, ticket 4711"));

            assertThat(rows()).extracting(HistoryEntry::subjectId, HistoryEntry::actor, HistoryEntry::via,
                            HistoryEntry::clientId, HistoryEntry::reason)
                    .containsExactly(tuple("alice-id", ADMIN, Via.ADMIN, "admin-cli", "asked by phone, ticket 4711"));
        }
    }

    @Nested
    @DisplayName("given an expected tag")
    class ExpectedTag {
        @Test
        @DisplayName("that is not the current one, then PRECONDITION_FAILED and nothing is written")
        void mismatch() {
            assertThat(refusal(() -> service.record(alice, List.of(set("analytics", true)), byAlice("0123abcd")))
                    .code()).isEqualTo(ErrorCode.PRECONDITION_FAILED);
            assertThat(refusal(() -> service.optOutOfAll(alice, byAlice("0123abcd"))).code())
                    .isEqualTo(ErrorCode.PRECONDITION_FAILED);
            assertNothingWritten();
        }

        @Test
        @DisplayName("\"*\", then the change is applied")
        void wildcard() {
            service.record(alice, List.of(set("analytics", true)), byAlice("*"));
            assertThat(rows()).hasSize(1);
        }

        @Test
        @DisplayName("that was just read, then the change is applied, and that tag is stale afterwards")
        void current() {
            String read = service.view(alice).tag();

            ConsentView written = service.record(alice, List.of(set("analytics", true)), byAlice(read));

            assertThat(rows()).hasSize(1);
            assertThat(written.tag()).isNotEqualTo(read).isEqualTo(service.view(alice).tag());
            assertThat(refusal(() -> service.record(alice, List.of(set("analytics", false)), byAlice(read))).code())
                    .isEqualTo(ErrorCode.PRECONDITION_FAILED);
        }

        @Test
        @DisplayName("and the catalog gets a new version, then the old tag is stale")
        void catalogVersion() {
            String read = service.view(alice).tag();
            catalog.save(ANALYTICS.withVersion(3));
            assertThat(service.view(alice).tag()).isNotEqualTo(read);
        }
    }

    @Nested
    @DisplayName("given valid changes")
    class Recording {
        @Test
        @DisplayName("then each row carries previous and new state, version, via, actor, client and time")
        void rowContents() {
            record(set("analytics", true));
            service.record(alice, List.of(set("analytics", false)),
                    new ChangeContext(ALICE, Via.ACCOUNT, "account-console", "idc-choices-write", null, null));

            assertThat(rows()).extracting(HistoryEntry::purpose, HistoryEntry::channel, HistoryEntry::previous,
                            HistoryEntry::state, HistoryEntry::purposeVersion, HistoryEntry::via, HistoryEntry::actor,
                            HistoryEntry::clientId, HistoryEntry::capability, HistoryEntry::reason, HistoryEntry::at)
                    .containsExactly(
                            tuple("analytics", null, null, GRANTED, 2, Via.LOGIN, ALICE, "web-app", "consent-step", null,
                                    NOW_MILLIS),
                            tuple("analytics", null, GRANTED, DENIED, 2, Via.ACCOUNT, ALICE, "account-console",
                                    "idc-choices-write", null, NOW_MILLIS));
        }

        @Test
        @DisplayName("then the current choice points at the row that set it, and the response lists that row")
        void choicePointsAtRow() {
            ConsentView view = record(set("analytics", true));

            HistoryEntry row = rows().getFirst();
            assertThat(view.changes()).containsExactly(row);
            assertThat(store.current(alice.id())).containsExactly(new Choice("analytics", null, GRANTED, 2, Via.LOGIN,
                    ALICE, "web-app", NOW_MILLIS, row.id()));
        }

        @Test
        @DisplayName("twice with the same answer, then one row and one summary write")
        void idempotent() {
            record(set("analytics", true));
            ConsentView again = record(set("analytics", true));

            assertThat(again.changes()).isEmpty();
            assertThat(rows()).hasSize(1);
            assertThat(alice.writes()).containsExactly("analytics=granted@2");
        }

        @Test
        @DisplayName("with the same answer to a new version, then it is a new row on that version")
        void sameAnswerNewVersion() {
            record(set("analytics", true));
            catalog.save(ANALYTICS.withVersion(3));
            record(set("analytics", true));

            assertThat(rows()).extracting(HistoryEntry::previous, HistoryEntry::state, HistoryEntry::purposeVersion)
                    .containsExactly(tuple(null, GRANTED, 2), tuple(GRANTED, GRANTED, 3));
        }

        @Test
        @DisplayName("without a channel on a purpose with channels, then one row per channel")
        void rowPerChannel() {
            ConsentView view = record(set("newsletter", false));

            assertThat(rows()).extracting(HistoryEntry::purpose, HistoryEntry::channel, HistoryEntry::state)
                    .containsExactly(tuple("newsletter", "email", DENIED), tuple("newsletter", "sms", DENIED));
            assertThat(alice.readSummary()).isEqualTo("newsletter/email=denied@1,newsletter/sms=denied@1");
            assertThat(effective(view)).containsEntry("newsletter", false);
        }

        @Test
        @DisplayName("for one channel only, then the purpose stays on through the other channel")
        void oneChannel() {
            ConsentView view = record(set("newsletter", "sms", false));

            assertThat(effective(view)).containsEntry("newsletter", true);
            assertThat(state(view, "newsletter").channels())
                    .extracting(ConsentView.ChannelState::channel, ConsentView.ChannelState::granted)
                    .containsExactly(tuple("email", true), tuple("sms", false));
        }

        @Test
        @DisplayName("that change nothing (a required purpose switched on), then no row and no summary write")
        void nothingChanged() {
            ConsentView view = record(set("terms", true));

            assertThat(view.changes()).isEmpty();
            assertNothingWritten();
        }

        @Test
        @DisplayName("then the summary is written once per request, with every current answer")
        void summaryPerRequest() {
            record(set("analytics", true), set("newsletter", "email", false));
            record(set("newsletter", "sms", false));

            assertThat(alice.writes()).containsExactly(
                    "analytics=granted@2,newsletter/email=denied@1",
                    "analytics=granted@2,newsletter/email=denied@1,newsletter/sms=denied@1");
        }
    }

    @Nested
    @DisplayName("given a purpose whose text is not archived (it came in by realm import)")
    class ImportedText {
        @Test
        @DisplayName("when it is first answered, then its text is archived once as IMPORTED")
        void archivedOnce() {
            record(set("newsletter", false));
            record(set("newsletter", true));

            assertThat(texts.all()).containsExactly(new PurposeTexts.Text("newsletter", 1, NEWSLETTER.label(),
                    NEWSLETTER.description(), NEWSLETTER.recipients(), NEWSLETTER.legalBasis(), java.util.Map.of(), PurposeTexts.Kind.IMPORTED, null, NOW_MILLIS));
        }

        @Test
        @DisplayName("but a text exists for its version, then nothing is archived")
        void alreadyArchived() {
            PurposeTexts.Text created = new PurposeTexts.Text("analytics", 2, ANALYTICS.label(), ANALYTICS.description(),
                    List.of(), ANALYTICS.legalBasis(), java.util.Map.of(), PurposeTexts.Kind.CREATED, "admin-id", InMemory.NOW);
            texts.append(created);

            record(set("analytics", true));

            assertThat(texts.all()).containsExactly(created);
        }
    }

    @Nested
    @DisplayName("given opt out of all")
    class OptOutOfAll {
        @Test
        @DisplayName("then every optional purpose and channel is off, and required and retired ones are untouched")
        void everythingOptionalOff() {
            ConsentView view = service.optOutOfAll(alice, byAlice());

            assertThat(rows()).extracting(HistoryEntry::purpose, HistoryEntry::channel, HistoryEntry::state)
                    .containsExactly(tuple("analytics", null, DENIED), tuple("newsletter", "email", DENIED),
                            tuple("newsletter", "sms", DENIED));
            assertThat(effective(view)).containsExactly(
                    entry("terms", true), entry("analytics", false), entry("newsletter", false));
            assertThat(alice.readSummary()).isEqualTo("analytics=denied@2,newsletter/email=denied@1,newsletter/sms=denied@1");
        }

        @Test
        @DisplayName("with some already off, then only the others get rows")
        void onlyWhatIsOn() {
            record(set("newsletter", "email", false));

            ConsentView view = service.optOutOfAll(alice, byAlice());

            assertThat(view.changes()).extracting(HistoryEntry::purpose, HistoryEntry::channel)
                    .containsExactly(tuple("analytics", null), tuple("newsletter", "sms"));
        }

        @Test
        @DisplayName("twice, then the second writes nothing")
        void twice() {
            service.optOutOfAll(alice, byAlice());
            ConsentView again = service.optOutOfAll(alice, byAlice());

            assertThat(again.changes()).isEmpty();
            assertThat(rows()).hasSize(3);
            assertThat(alice.writes()).hasSize(1);
        }
    }

    /**
     * Answers are keyed by purpose/channel, so a changed channel list would orphan them; the catalog refuses it.
     */
    @Nested
    @DisplayName("given an admin changes a purpose's channels after an opt-out")
    class ChannelsChange {
        final CatalogService catalogService = new CatalogService(catalog, texts, InMemory.CLOCK);

        void setChannels(Purpose purpose, String... channels) {
            catalogService.update(purpose.key(), new Purpose(null, purpose.label(), purpose.description(),
                    purpose.category(), purpose.mechanism(), List.of(channels), purpose.version(), purpose.honorGpc(),
                    purpose.includeInToken(), false), null, ADMIN);
        }

        @Test
        @DisplayName("from none to some, then the change is refused and the opt-out still holds")
        void channelsAdded() {
            Purpose offers = optOut("offers");
            catalog.save(offers);
            record(set("offers", false));

            assertThat(InMemory.refusal(() -> setChannels(offers, "email")).code()).isEqualTo(ErrorCode.INVALID_PURPOSE);

            assertThat(effective(service.view(alice))).containsEntry("offers", false);
            assertThat(Effective.claim(catalog.all(), alice.readSummary())).containsEntry("offers", false);
        }

        @Test
        @DisplayName("from some to none, then the change is refused and the opt-out still holds")
        void channelsRemoved() {
            record(set("newsletter", false));

            assertThat(InMemory.refusal(() -> setChannels(NEWSLETTER)).code()).isEqualTo(ErrorCode.INVALID_PURPOSE);

            assertThat(effective(service.view(alice))).containsEntry("newsletter", false);
            assertThat(Effective.claim(catalog.all(), alice.readSummary())).containsEntry("newsletter", false);
        }
    }

    @Nested
    @DisplayName("given the choices are read")
    class View {
        @Test
        @DisplayName("for a page a GET shows (peek), then it reads the tables and repairs nothing")
        void peekWritesNothing() {
            record(set("analytics", true));
            InMemory.User stale = new InMemory.User(ALICE.id(), "not-the-summary");

            ConsentView view = service.peek(stale);

            assertThat(effective(view)).containsEntry("analytics", true);
            assertThat(stale.writes()).isEmpty();
            assertThat(stale.readSummary()).isEqualTo("not-the-summary");
        }

        @Test
        @DisplayName("without any answer, then catalog defaults apply and retired purposes are hidden")
        void defaults() {
            ConsentView view = service.view(alice);

            assertThat(view.subjectId()).isEqualTo("alice-id");
            assertThat(effective(view)).containsExactly(
                    entry("terms", true), entry("analytics", false), entry("newsletter", true));
            assertThat(view.purposes()).flatExtracting(ConsentView.PurposeState::channels)
                    .extracting(ConsentView.ChannelState::choice).containsOnlyNulls();
            assertThat(view.changes()).isEmpty();
            assertThat(alice.writes()).isEmpty();
        }

        @ParameterizedTest(name = "[{index}] stored summary \"{0}\"")
        @NullAndEmptySource
        @ValueSource(strings = {"analytics=denied", "garbage", "analytics=granted,newsletter/sms=denied"})
        @DisplayName("with a summary that no longer matches the tables, then it is rewritten from the tables")
        void repairsSummary(String stale) {
            record(set("analytics", true), set("newsletter", "email", false));
            InMemory.User sameUserStaleSummary = new InMemory.User(alice.id(), stale);

            service.view(sameUserStaleSummary);

            assertThat(sameUserStaleSummary.writes()).containsExactly("analytics=granted@2,newsletter/email=denied@1");
        }

        @Test
        @DisplayName("with a summary that matches, then nothing is written")
        void matchingSummary() {
            record(set("analytics", true));
            service.view(alice);
            assertThat(alice.writes()).hasSize(1);
        }

        @Test
        @DisplayName("then the history is newest first")
        void history() {
            record(set("analytics", true));
            record(set("analytics", false));
            assertThat(service.history(alice, 0, 10)).extracting(HistoryEntry::state).containsExactly(DENIED, GRANTED);
        }
    }

    @Nested
    @DisplayName("given a purpose gates access")
    class Gating {
        final Purpose partners = InMemory.gating(optIn("partners", "email", "sms"));

        @Test
        @DisplayName("then granting permits, withdrawing the last channel revokes, and other purposes are untouched")
        void permitFollowsTheAnswer() {
            catalog.save(partners);

            record(set("partners", "email", true), set("analytics", true));
            assertThat(alice.permits()).containsExactly(entry("partners", true));

            record(set("partners", "sms", true));
            record(set("partners", "email", false));
            assertThat(alice.permits()).containsExactly(entry("partners", true)); // sms still granted

            service.optOutOfAll(alice, byAlice());
            assertThat(alice.permits()).containsExactly(entry("partners", false));
        }

        @Test
        @DisplayName("then a refused request permits nothing")
        void refusedRequest() {
            catalog.save(partners);
            refusal(() -> record(set("partners", true), set("terms", false)));
            assertThat(alice.permits()).isEmpty();
        }

        @Test
        @DisplayName("of an opt-out or required purpose, then it is refused as invalid")
        void onlyOptIn() {
            assertThat(refusal(() -> InMemory.gating(optOut("x")).validate()).code())
                    .isEqualTo(ErrorCode.INVALID_PURPOSE);
            assertThat(refusal(() -> InMemory.gating(required("y")).validate()).getMessage())
                    .contains("only opt-in purposes can gate");
        }
    }

    @Nested
    @DisplayName("given a consent step decides what to ask")
    class ToAsk {
        final Purpose offers = InMemory.askedAtLogin(optIn("offers"));

        @Test
        @DisplayName("after registration, then every unanswered optional purpose; required and retired ones are not asked")
        void registration() {
            assertThat(service.toAsk(alice, true)).extracting(Purpose::key)
                    .containsExactly("analytics", "newsletter");

            record(set("analytics", true), set("newsletter", false));
            assertThat(service.toAsk(alice, true)).as("answered: the step is not shown again").isEmpty();
        }

        @Test
        @DisplayName("at login, then only answers on an older version and unanswered ask-at-login purposes")
        void login() {
            catalog.save(offers);
            assertThat(service.toAsk(alice, false)).extracting(Purpose::key).containsExactly("offers");

            record(set("offers", false), set("analytics", true));
            assertThat(service.toAsk(alice, false)).isEmpty();

            catalog.save(ANALYTICS.withVersion(3));
            assertThat(service.toAsk(alice, false)).extracting(Purpose::key).containsExactly("analytics");
        }
    }

    @Nested
    @DisplayName("given the browser sends Global Privacy Control")
    class Gpc {
        final Purpose partners = InMemory.honoringGpc(optIn("partners"));
        final ChangeContext gpc = new ChangeContext(ALICE, Via.GPC, "web-app", "gpc-signal", null, null);

        @Test
        @DisplayName("then flagged purposes are switched off once, and a later explicit opt-in stands")
        void once() {
            catalog.save(partners);
            record(set("partners", true));

            assertThat(service.honorGpc(alice, gpc)).extracting(Purpose::key).containsExactly("partners");
            assertThat(effective(service.view(alice))).containsEntry("partners", false);
            assertThat(rows()).last().extracting(HistoryEntry::via, HistoryEntry::previous, HistoryEntry::state)
                    .containsExactly(Via.GPC, GRANTED, DENIED);

            record(set("partners", true));
            assertThat(service.honorGpc(alice, gpc)).isEmpty();
            assertThat(effective(service.view(alice))).containsEntry("partners", true);
        }

        @Test
        @DisplayName("for a purpose already off, then the signal is still recorded, so it is not applied again later")
        void alreadyOff() {
            catalog.save(partners);
            record(set("partners", false));

            service.honorGpc(alice, gpc);

            assertThat(rows()).extracting(HistoryEntry::via).containsExactly(Via.LOGIN, Via.GPC);
        }
    }

    @Test
    @DisplayName("given some people answered, then the counts report yes, no, no answer and effectively on per"
            + " purpose and channel, by the same rules as tokens")
    void counts() {
        InMemory.User bob = new InMemory.User("bob-id");
        record(set("newsletter", "email", false), set("analytics", true));
        service.record(bob, List.of(set("newsletter", false)), byAdmin("by phone"));

        List<String> lines = reports.counts(5, NOW_MILLIS).stream().map(c -> c.purpose().key() + "/" + c.channel() + " yes="
                + c.granted() + " no=" + c.denied() + " pending=" + c.pending() + " none=" + c.noAnswer() + " on="
                + c.on()).toList();

        assertThat(lines).containsExactly(
                "terms/null yes=0 no=0 pending=0 none=5 on=5",
                "analytics/null yes=1 no=0 pending=0 none=4 on=1",
                "newsletter/email yes=0 no=2 pending=0 none=3 on=3",
                "newsletter/sms yes=0 no=1 pending=0 none=4 on=4");
    }

    @Nested
    @DisplayName("given a yes lasts 365 days (renewAfterDays)")
    class Expiry {
        final Purpose partners = InMemory.gating(optIn("partners", "email", "sms"))
                .withRenewAfter(java.time.Duration.ofDays(365));

        @Test
        @DisplayName("when it is reached, then each yes expires with a row by the system naming the lifetime, the"
                + " gating role goes, and no is left alone")
        void expires() {
            catalog.save(partners);
            record(set("partners", "email", true), set("partners", "sms", false));
            assertThat(after(java.time.Duration.ofDays(364)).expire(alice)).as("one day early").isEmpty();

            List<HistoryEntry> expired = after(java.time.Duration.ofDays(365)).expire(alice);

            assertThat(expired).extracting(HistoryEntry::channel, HistoryEntry::previous, HistoryEntry::state,
                    HistoryEntry::via, HistoryEntry::actor, HistoryEntry::purposeVersion)
                    .containsExactly(tuple("email", GRANTED, ChoiceState.EXPIRED, Via.EXPIRY, Actor.SYSTEM, 1));
            assertThat(expired.get(0).reason()).isEqualTo("a yes to 'partners' lasts 365 days (renewAfterDays)");
            assertThat(alice.permits()).containsEntry("partners", false);
            assertThat(state(service.view(alice), "partners").granted()).isFalse();
            assertThat(Summary.decode(alice.readSummary())).containsEntry("partners/email", ChoiceState.EXPIRED)
                    .containsEntry("partners/sms", DENIED);
            assertThat(after(java.time.Duration.ofDays(400)).expire(alice)).as("exactly once").isEmpty();
        }

        @Test
        @DisplayName("when the person said yes again meanwhile, then the newer yes counts from its own day")
        void renewedYes() {
            catalog.save(partners);
            record(set("partners", "email", true));
            ConsentService later = after(java.time.Duration.ofDays(200));
            later.record(alice, List.of(set("partners", "email", false)), byAlice());
            later.record(alice, List.of(set("partners", "email", true)), byAlice());

            assertThat(after(java.time.Duration.ofDays(365)).expire(alice)).isEmpty();
            assertThat(after(java.time.Duration.ofDays(565)).expire(alice)).hasSize(1);
        }

        @Test
        @DisplayName("then the consent step asks again at login, says when the person agreed, and a yes there"
                + " counts anew")
        void askedAgain() {
            catalog.save(partners);
            record(set("partners", "email", true));
            ConsentService later = after(java.time.Duration.ofDays(366));
            later.expire(alice);

            assertThat(later.toAsk(alice, false)).extracting(Purpose::key).containsExactly("partners");
            assertThat(later.expiredAgreements(later.view(alice))).containsExactly(entry("partners", NOW_MILLIS));

            later.record(alice, List.of(set("partners", "email", true)), byAlice());
            assertThat(later.toAsk(alice, false)).isEmpty();
            assertThat(alice.permits()).containsEntry("partners", true);
        }

        @Test
        @DisplayName("then the counts report expired yeses and those that expire within 30 days")
        void counts() {
            catalog.save(partners);
            record(set("partners", "email", true));
            InMemory.User bob = new InMemory.User("bob-id");
            after(java.time.Duration.ofDays(100)).record(bob, List.of(set("partners", "email", true)),
                    byAdmin("on paper"));

            Map<String, ConsentReports.Count> at340 = new LinkedHashMap<>();
            reports.counts(3, NOW_MILLIS.plus(java.time.Duration.ofDays(340)))
                    .forEach(c -> at340.put(Summary.key(c.purpose().key(), c.channel()), c));
            assertThat(at340.get("partners/email").expiringSoon()).isEqualTo(1); // alice's, on day 365
            assertThat(at340.get("partners/sms").expiringSoon()).isZero();
            assertThat(at340.get("analytics").expiringSoon()).as("no lifetime").isNull();

            after(java.time.Duration.ofDays(366)).expire(alice);
            ConsentReports.Count email = reports.counts(3, NOW_MILLIS.plus(java.time.Duration.ofDays(366))).stream()
                    .filter(c -> "partners".equals(c.purpose().key()) && "email".equals(c.channel()))
                    .findFirst().orElseThrow();
            assertThat(email).extracting(ConsentReports.Count::granted, ConsentReports.Count::expired,
                    ConsentReports.Count::noAnswer, ConsentReports.Count::on).containsExactly(1L, 1L, 1L, 1L);
        }

        @Test
        @DisplayName("of an opt-out purpose, or shorter than a second, then the purpose is refused as invalid")
        void onlyOptIn() {
            assertThat(refusal(() -> optOut("x").withRenewAfter(java.time.Duration.ofDays(30)).validate())
                    .getMessage()).contains("only a yes to an opt-in purpose can expire");
            assertThat(refusal(() -> optIn("y").withRenewAfter(java.time.Duration.ofMillis(10)).validate())
                    .code()).isEqualTo(ErrorCode.INVALID_PURPOSE);
            assertThat(Purpose.lifetimeOfDays(new java.math.BigDecimal("0.0001"))).hasMillis(8640);
            assertThat(Purpose.lifetimeOfDays(java.math.BigDecimal.ZERO)).as("0: until withdrawn").isNull();
            assertThat(optIn("z").withRenewAfter(java.time.Duration.ofDays(365)).renewAfterDays())
                    .hasToString("365");
        }
    }

    @Test
    @DisplayName("given a new text version after an answer, then the answered text is named until the person answers"
            + " the new one")
    void outdatedAnswers() {
        record(set("analytics", true)); // archives the text of version 2
        assertThat(service.outdatedAnswers(service.view(alice))).isEmpty();

        catalog.save(ANALYTICS.withVersion(3));
        var outdated = service.outdatedAnswers(service.view(alice));

        assertThat(outdated).containsOnlyKeys("analytics");
        assertThat(outdated.get("analytics").text().version()).isEqualTo(2);
        assertThat(outdated.get("analytics").answeredAt()).isBetween(InMemory.NOW_MILLIS, InMemory.NOW);
        assertThat(TextDiff.changed(outdated.get("analytics").descriptionChanges(null, "en"))).as("same words").isFalse();

        service.record(alice, List.of(new ChangeRequest("analytics", null, false, 3)),
                new ChangeContext(ALICE, Via.ACCOUNT, "account-console", "idc-choices-write", null, null));
        assertThat(service.outdatedAnswers(service.view(alice))).isEmpty();
    }

    @Test
    @DisplayName("given a text is corrected after an answer, then the receipt shows each change with the text in"
            + " force when it was made")
    void receiptShowsTheTextThen() {
        record(set("analytics", true)); // archives the text of version 2 (it came without the API)
        texts.append(new PurposeTexts.Text("analytics", 2, "Analytics (corrected)", "Fixed a typo.",
                List.of(), ANALYTICS.legalBasis(), java.util.Map.of(), PurposeTexts.Kind.CORRECTION, "admin-id", InMemory.NOW.plusSeconds(60)));

        ConsentReports.Receipt receipt = reports.receipt(alice);

        assertThat(receipt.history()).singleElement().satisfies(row -> {
            assertThat(row.entry().purpose()).isEqualTo("analytics");
            assertThat(row.text().version()).isEqualTo(2);
            assertThat(row.text().label()).isEqualTo(ANALYTICS.label());
        });
        assertThat(effective(receipt.view())).containsEntry("analytics", true);
    }

    @Nested
    @DisplayName("given a purpose offers frequencies (weekly, monthly; monthly by default)")
    class Frequencies {
        final List<Frequency> offered = List.of(new Frequency("weekly", "Weekly", null),
                new Frequency("monthly", "Monthly", null));
        final Purpose digest = optIn("digest", "email").withFrequencies(offered, "monthly");

        ChangeRequest yes(String frequency) {
            return new ChangeRequest("digest", "email", true, null, frequency);
        }

        @Test
        @DisplayName("then a chosen frequency is recorded with the yes, kept by a later yes that names none, and"
                + " cleared by a no")
        void keptByAYesClearedByANo() {
            catalog.save(digest);
            record(yes("weekly"));
            record(yes(null)); // an app re-sending the yes: nothing new
            assertThat(rows()).extracting(HistoryEntry::state, HistoryEntry::frequency).containsExactly(
                    tuple(GRANTED, "weekly"));
            record(yes("monthly"));
            record(set("digest", "email", false));
            record(yes(null));
            assertThat(rows()).extracting(HistoryEntry::state, HistoryEntry::frequency,
                    HistoryEntry::previousFrequency).containsExactly(tuple(GRANTED, "weekly", null),
                    tuple(GRANTED, "monthly", "weekly"), tuple(DENIED, null, "monthly"), tuple(GRANTED, null, null));
            assertThat(digest.frequencyOf(store.current(alice.id()).get(0).frequency())).isEqualTo("monthly");
        }

        @Test
        @DisplayName("then another frequency for a confirmed double opt-in is a yes at once, not a new confirmation")
        void confirmedStaysConfirmed() {
            Purpose confirmed = InMemory.doubleOptIn(digest).withFrequencies(offered, "monthly");
            catalog.save(confirmed);
            record(yes(null));
            service.confirm(alice, "digest", null, new ChangeContext(ALICE, Via.EMAIL, null, "confirm-link", null,
                    null));
            record(yes("weekly"));
            assertThat(rows()).extracting(HistoryEntry::state, HistoryEntry::frequency).containsExactly(
                    tuple(ChoiceState.PENDING, null), tuple(GRANTED, null), tuple(GRANTED, "weekly"));
            assertThat(state(service.view(alice), "digest").granted()).isTrue();
        }

        @Test
        @DisplayName("then a frequency with a no, one not offered, or for a purpose offering none is refused and"
                + " nothing is written")
        void refusals() {
            catalog.save(digest);
            assertThat(refusal(() -> record(new ChangeRequest("digest", "email", false, null, "weekly"))).getMessage())
                    .contains("a frequency belongs to a yes");
            assertThat(refusal(() -> record(yes("daily"))).getMessage()).contains("not 'daily'");
            assertThat(refusal(() -> record(new ChangeRequest("analytics", null, true, null, "weekly"))).getMessage())
                    .contains("offers no frequencies");
            assertNothingWritten();
        }
    }

    @Nested
    @DisplayName("given a purpose can be paused for 30 or 90 days")
    class Pauses {
        final Purpose partners = InMemory.gating(optIn("partners", "email", "sms"))
                .withFrequencies(List.of(new Frequency("weekly", "Weekly", null),
                        new Frequency("monthly", "Monthly", null)), "monthly")
                .withPauses(List.of(java.time.Duration.ofDays(90), java.time.Duration.ofDays(30)));
        final Purpose news = optOut("news", "email").withPauses(List.of(java.time.Duration.ofDays(30)));

        ChangeRequest pause(String purpose, String channel, int days) {
            return new ChangeRequest(purpose, channel, null, null, null, java.math.BigDecimal.valueOf(days));
        }

        @Test
        @DisplayName("when the person pauses, then it is off with the role gone until the end; then the yes returns"
                + " with its version and frequency, by the system, once")
        void pausesAndReturns() {
            catalog.save(partners);
            record(new ChangeRequest("partners", "email", true, null, "weekly"), set("partners", "sms", false));
            assertThat(partners.pauseDays()).containsExactly(java.math.BigDecimal.valueOf(30),
                    java.math.BigDecimal.valueOf(90));

            ConsentView paused = record(pause("partners", null, 30)); // the whole purpose: only email was on

            assertThat(paused.changes()).extracting(HistoryEntry::channel, HistoryEntry::previous, HistoryEntry::state,
                    HistoryEntry::frequency, HistoryEntry::pausedUntil).containsExactly(tuple("email", GRANTED,
                    ChoiceState.PAUSED, "weekly", InMemory.CLOCK.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS)
                    .plus(java.time.Duration.ofDays(30))));
            assertThat(state(paused, "partners").granted()).isFalse();
            assertThat(alice.permits()).containsEntry("partners", false);
            assertThat(Effective.claim(catalog.all(), alice.readSummary())).containsEntry("partners", false);
            assertThat(after(java.time.Duration.ofDays(29)).resumePauses(alice)).as("a day early").isEmpty();

            List<HistoryEntry> back = after(java.time.Duration.ofDays(30)).resumePauses(alice);

            assertThat(back).extracting(HistoryEntry::channel, HistoryEntry::previous, HistoryEntry::state,
                    HistoryEntry::via, HistoryEntry::actor, HistoryEntry::frequency, HistoryEntry::purposeVersion)
                    .containsExactly(tuple("email", ChoiceState.PAUSED, GRANTED, Via.PAUSE, Actor.SYSTEM, "weekly", 1));
            assertThat(alice.permits()).containsEntry("partners", true);
            assertThat(after(java.time.Duration.ofDays(31)).resumePauses(alice)).as("a second run").isEmpty();
            assertThat(Effective.claim(catalog.all(), alice.readSummary())).containsEntry("partners", true);
        }

        @Test
        @DisplayName("when the person answers during the pause, then the pause is over: a no stays no, a yes keeps"
                + " the frequency, and the timer has nothing to end")
        void endedEarly() {
            catalog.save(partners);
            record(new ChangeRequest("partners", "email", true, null, "weekly"));
            record(pause("partners", "email", 90));
            record(new ChangeRequest("partners", "email", true, null));
            assertThat(store.current(alice.id())).extracting(Choice::state, Choice::frequency, Choice::pausedUntil)
                    .containsExactly(tuple(GRANTED, "weekly", null));
            assertThat(after(java.time.Duration.ofDays(91)).resumePauses(alice)).isEmpty();
        }

        @Test
        @DisplayName("when an opt-out purpose at its default is paused, then it is off, and at the end the default"
                + " returns (no answer), not a yes")
        void optOutDefault() {
            catalog.save(news);
            record(pause("news", null, 30));
            assertThat(Effective.claim(catalog.all(), alice.readSummary())).containsEntry("news", false);
            List<HistoryEntry> back = after(java.time.Duration.ofDays(30)).resumePauses(alice);
            assertThat(back).extracting(HistoryEntry::previous, HistoryEntry::state).containsExactly(
                    tuple(ChoiceState.PAUSED, ChoiceState.CLEARED));
            assertThat(store.current(alice.id())).isEmpty();
            assertThat(Effective.claim(catalog.all(), alice.readSummary())).containsEntry("news", true);
        }

        @Test
        @DisplayName("when a pause is asked for what is off, for a period not offered, with an answer, or from a"
                + " link, then it is refused and nothing is written")
        void refusals() {
            catalog.save(partners);
            assertThat(refusal(() -> record(pause("partners", null, 30))).getMessage()).contains("nothing to pause");
            assertThat(refusal(() -> record(pause("partners", "email", 30))).getMessage())
                    .contains("is off on email");
            assertThat(refusal(() -> record(pause("partners", "email", 7))).getMessage())
                    .contains("[30, 90] days, not 7");
            assertThat(refusal(() -> record(pause("analytics", null, 30))).getMessage()).contains("offers no pause");
            assertThat(refusal(() -> record(new ChangeRequest("partners", "email", true, null, null,
                    java.math.BigDecimal.TEN))).getMessage()).contains("is not an answer");
            assertThat(refusal(() -> service.record(alice, List.of(pause("partners", "email", 30)),
                    new ChangeContext(ALICE, Via.EMAIL, "mailer", "unsubscribe-link", null, null))).code())
                    .isEqualTo(ErrorCode.FORBIDDEN);
            assertNothingWritten();
        }

        @Test
        @DisplayName("when an unsubscribe click is paused instead, then the pause returns what was before the click;"
                + " fewer emails instead gives the yes back with the chosen frequency; neither from a no")
        void insteadOfAClick() {
            catalog.save(partners);
            record(new ChangeRequest("partners", "email", true, null, "weekly"));
            ChangeContext link = new ChangeContext(ALICE, Via.EMAIL, "mailer", "unsubscribe-link", null, null);
            long click = service.record(alice, List.of(set("partners", "email", false)), link).changes().get(0).id();

            service.pauseInstead(alice, "partners", "email", click, java.math.BigDecimal.valueOf(30), link);

            assertThat(store.current(alice.id())).extracting(Choice::state, Choice::resumeTo, Choice::frequency)
                    .containsExactly(tuple(ChoiceState.PAUSED, GRANTED, "weekly"));
            assertThat(refusal(() -> service.fewerInstead(alice, "partners", "email", click, "monthly", link))
                    .getMessage()).contains("changed since");
            assertThat(after(java.time.Duration.ofDays(30)).resumePauses(alice)).extracting(HistoryEntry::state)
                    .containsExactly(GRANTED);

            long again = service.record(alice, List.of(set("partners", "email", false)), link).changes().get(0).id();
            service.fewerInstead(alice, "partners", "email", again, "monthly", link);
            assertThat(store.current(alice.id())).extracting(Choice::state, Choice::frequency)
                    .containsExactly(tuple(GRANTED, "monthly"));

            long fromNo = service.record(alice, List.of(set("partners", "sms", false)), link).changes().get(0).id();
            int rows = rows().size();
            assertThat(refusal(() -> service.pauseInstead(alice, "partners", "sms", fromNo,
                    java.math.BigDecimal.valueOf(30), link)).getMessage()).contains("was off before");
            assertThat(rows()).hasSize(rows);
        }
    }

    @Nested
    @DisplayName("given a purpose needs double opt-in")
    class DoubleOptIn {
        final Purpose digest = InMemory.doubleOptIn(optIn("digest", "email", "sms"));

        @Test
        @DisplayName("then a yes by email is pending (not usable) until confirmed, which records a second row")
        void pendingUntilConfirmed() {
            catalog.save(digest);

            record(set("digest", true));

            assertThat(state(service.view(alice), "digest").channels())
                    .extracting(ConsentView.ChannelState::channel, ConsentView.ChannelState::granted,
                            c -> c.choice().state())
                    .containsExactly(tuple("email", false, ChoiceState.PENDING), tuple("sms", true, GRANTED));
            assertThat(Effective.claim(catalog.all(), alice.readSummary())).containsEntry("digest", true); // sms

            service.confirm(alice, "digest", null, new ChangeContext(ALICE, Via.EMAIL, null, "confirm-link", null, null));

            assertThat(state(service.view(alice), "digest").channels()).allMatch(ConsentView.ChannelState::granted);
            assertThat(rows()).filteredOn(r -> "email".equals(r.channel()))
                    .extracting(HistoryEntry::state).containsExactly(ChoiceState.PENDING, GRANTED);
        }

        @Test
        @DisplayName("then a repeated yes keeps a confirmed subscription (no new pending, no new row)")
        void repeatedYes() {
            catalog.save(digest);
            record(set("digest", "email", true));
            service.confirm(alice, "digest", null, new ChangeContext(ALICE, Via.EMAIL, null, "confirm-link", null, null));

            record(set("digest", "email", true));

            assertThat(state(service.view(alice), "digest").channels().get(0).choice().state()).isEqualTo(GRANTED);
            assertThat(rows()).hasSize(2);
        }

        @Test
        @DisplayName("then confirming what was withdrawn is refused")
        void withdrawnBeforeConfirming() {
            catalog.save(digest);
            record(set("digest", "email", true));
            record(set("digest", "email", false));

            assertThat(refusal(() -> service.confirm(alice, "digest", null,
                    new ChangeContext(ALICE, Via.EMAIL, null, "confirm-link", null, null))).code()).isEqualTo(ErrorCode.CONFLICT);
        }

        @Test
        @DisplayName("then a link from an earlier request does not confirm a later one, and a changed text is not"
                + " confirmed unseen")
        void boundToTheRequestAndItsText() {
            catalog.save(digest);
            long first = record(set("digest", "email", true)).changes().get(0).id();
            record(set("digest", "email", false));
            long second = record(set("digest", "email", true)).changes().get(0).id();

            assertThat(refusal(() -> service.confirm(alice, "digest", first,
                    new ChangeContext(ALICE, Via.EMAIL, null, "confirm-link", null, null))).code()).isEqualTo(ErrorCode.CONFLICT);

            catalog.save(digest.withVersion(2));
            assertThat(refusal(() -> service.confirm(alice, "digest", second,
                    new ChangeContext(ALICE, Via.EMAIL, null, "confirm-link", null, null))).code()).isEqualTo(ErrorCode.STALE_VERSION);
            assertThat(state(service.view(alice), "digest").channels().get(0).choice().state())
                    .isEqualTo(ChoiceState.PENDING);

            catalog.save(digest);
            service.confirm(alice, "digest", second, new ChangeContext(ALICE, Via.EMAIL, null, "confirm-link", null, null));
            assertThat(state(service.view(alice), "digest").channels().get(0).choice().state()).isEqualTo(GRANTED);
        }

        @Test
        @DisplayName("of a purpose without the email channel or not opt-in, then it is invalid")
        void needsOptInWithEmail() {
            assertThat(refusal(() -> InMemory.doubleOptIn(optIn("x", "sms")).validate()).code())
                    .isEqualTo(ErrorCode.INVALID_PURPOSE);
            assertThat(refusal(() -> InMemory.doubleOptIn(optOut("y", "email")).validate()).code())
                    .isEqualTo(ErrorCode.INVALID_PURPOSE);
        }
    }

    @Nested
    @DisplayName("given who may say yes (only the person gives consent)")
    class WhoMaySayYes {
        final Purpose partners = InMemory.gating(optIn("partners"));

        ChangeContext via(Via via, Actor actor) {
            return new ChangeContext(actor, via, "some-app", "test", actor == ADMIN ? "paper form" : null, null);
        }

        @Test
        @DisplayName("then an app through the API must name the text version it showed, and may withdraw without")
        void versionRequiredForAYes() {
            assertThat(refusal(() -> service.record(alice, List.of(set("analytics", true)), via(Via.API, ALICE)))
                    .code()).isEqualTo(ErrorCode.VERSION_REQUIRED);
            assertThat(refusal(() -> service.record(alice, List.of(set("analytics", true)), via(Via.ACCOUNT, ALICE)))
                    .code()).isEqualTo(ErrorCode.VERSION_REQUIRED);
            assertThat(rows()).isEmpty();

            service.record(alice, List.of(new ChangeRequest("analytics", null, true, 2)), via(Via.API, ALICE));
            service.record(alice, List.of(set("analytics", false)), via(Via.API, ALICE));
            assertThat(rows()).extracting(HistoryEntry::state).containsExactly(GRANTED, DENIED);
        }

        @Test
        @DisplayName("then a yes that unlocks access is refused through the API, naming the kc_action, and given on"
                + " a Keycloak page or by an admin with a reason")
        void gatingOnlyOnAKeycloakPage() {
            catalog.save(partners);
            ConsentException refused = refusal(() -> service.record(alice,
                    List.of(new ChangeRequest("partners", null, true, 1)), via(Via.API, ALICE)));
            assertThat(refused.code()).isEqualTo(ErrorCode.INTERACTION_REQUIRED);
            assertThat(refused.getMessage()).contains("kc_action=idc-consent-step:partners");
            assertThat(rows()).isEmpty();
            assertThat(alice.permits()).doesNotContainKey("partners");

            service.record(alice, List.of(new ChangeRequest("partners", null, true, 1)), via(Via.ACCOUNT, ALICE));
            service.record(alice, List.of(set("partners", false)), via(Via.API, ALICE));
            service.record(alice, List.of(set("partners", true)), via(Via.LOGIN, ALICE));
            service.record(alice, List.of(set("partners", false)), via(Via.ADMIN, ADMIN));
            service.record(alice, List.of(set("partners", true)), via(Via.ADMIN, ADMIN));
            assertThat(rows()).extracting(HistoryEntry::via, HistoryEntry::state).containsExactly(
                    tuple(Via.ACCOUNT, GRANTED), tuple(Via.API, DENIED), tuple(Via.LOGIN, GRANTED),
                    tuple(Via.ADMIN, DENIED), tuple(Via.ADMIN, GRANTED));
        }

        @Test
        @DisplayName("then an email link or a browser signal can only withdraw")
        void linksOnlyTakeAway() {
            for (Via via : List.of(Via.EMAIL, Via.GPC)) {
                assertThat(refusal(() -> service.record(alice, List.of(new ChangeRequest("analytics", null, true, 2)),
                        via(via, ALICE))).code()).isEqualTo(ErrorCode.FORBIDDEN);
            }
            assertThat(rows()).isEmpty();
        }
    }

    @Nested
    @DisplayName("given an unsubscribe click is undone")
    class Undo {
        final ChangeContext click = new ChangeContext(ALICE, Via.EMAIL, "mailer", "unsubscribe-link", null, null);
        final ChangeContext undo = new ChangeContext(ALICE, Via.EMAIL, "mailer", "undo-link", null, null);

        long click(String purpose, String channel) {
            return service.record(alice, List.of(set(purpose, channel, false)), click).changes().get(0).id();
        }

        @Test
        @DisplayName("of a person who had never answered, then the answer is removed again (a cleared row), never a yes")
        void noAnswerBefore() {
            long row = click("newsletter", "email");

            service.restore(alice, "newsletter", "email", row, undo);

            assertThat(store.current(alice.id())).isEmpty();
            assertThat(rows()).extracting(HistoryEntry::previous, HistoryEntry::state, HistoryEntry::capability,
                    HistoryEntry::clientId).containsExactly(tuple(null, DENIED, "unsubscribe-link", "mailer"),
                    tuple(DENIED, ChoiceState.CLEARED, "undo-link", "mailer"));
            assertThat(alice.readSummary()).isEmpty();
            // an opt-out purpose is on again by default; an opt-in one stays off
            assertThat(state(service.view(alice), "newsletter").granted()).isTrue();
        }

        @Test
        @DisplayName("of an opt-in purpose nobody had answered, then it stays off")
        void optInStaysOff() {
            catalog.save(optIn("offers", "email"));
            long row = click("offers", "email");

            service.restore(alice, "offers", "email", row, undo);

            assertThat(state(service.view(alice), "offers").granted()).isFalse();
            assertThat(rows()).extracting(HistoryEntry::state).containsExactly(DENIED, ChoiceState.CLEARED);
        }

        @Test
        @DisplayName("of a confirmed double opt-in, then it comes back confirmed with its text version")
        void confirmedComesBackConfirmed() {
            Purpose digest = InMemory.doubleOptIn(optIn("digest", "email"));
            catalog.save(digest);
            record(set("digest", "email", true));
            service.confirm(alice, "digest", null, new ChangeContext(ALICE, Via.EMAIL, null, "confirm-link", null, null));
            long row = click("digest", "email");

            service.restore(alice, "digest", "email", row, undo);

            Choice now = store.current(alice.id()).getFirst();
            assertThat(now.state()).isEqualTo(GRANTED);
            assertThat(now.purposeVersion()).isEqualTo(1);
            assertThat(now.via()).isEqualTo(Via.EMAIL);
        }

        @Test
        @DisplayName("after anything changed since the click, then it is refused and nothing is written")
        void onlyTheLatestClick() {
            long row = click("newsletter", "email");
            record(set("newsletter", "email", true));
            int before = rows().size();

            assertThat(refusal(() -> service.restore(alice, "newsletter", "email", row, undo)).code())
                    .isEqualTo(ErrorCode.CONFLICT);
            assertThat(rows()).hasSize(before);
        }
    }
}
