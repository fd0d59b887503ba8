package dev.idconsent.consent;

import static dev.idconsent.consent.ChoiceState.DENIED;
import static dev.idconsent.consent.ChoiceState.GRANTED;
import static dev.idconsent.consent.ChoiceState.PENDING;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The domain rules of the consent core, checked for generated inputs rather than the hand-picked examples of
 * {@link SummaryTest}, {@link EffectiveTest} and {@link ConsentServiceTest}. The services are driven through the
 * same in-memory ports ({@link InMemory}), fresh for every try.
 *
 * <p>The generator harness is the few lines in {@link #forAll}: a seeded {@link Random}, a size that grows over the
 * tries (so the first failures found are small ones), and on failure the seed, the try and the generated input in
 * the message. No shrinking. Re-run a failure with {@code -Dproperties.seed=<seed>}.
 * Not jqwik, on purpose: since 1.10 its maintainers ask that it not be used by AI coding agents, and these tests
 * were written by one.
 */
@DisplayName("Domain rules, for any input")
final class DomainPropertiesTest {
    static final int TRIES = 200;
    static final Actor ALICE = new Actor("alice-id", "alice", Actor.Kind.USER);
    static final Actor ADMIN = new Actor("admin-id", "admin", Actor.Kind.ADMIN);
    static final List<String> CHANNELS = List.of(Purpose.EMAIL, "sms", "push");

    static ChangeContext byAlice() {
        return new ChangeContext(ALICE, Via.LOGIN, "web-app", "consent-step", null, null);
    }

    // ---------------------------------------------------------------- harness

    /** Makes a value from the randomness; {@code size} (1..10) grows over the tries and bounds list lengths. */
    @FunctionalInterface
    interface Gen<T> {
        T next(Random random, int size);
    }

    /**
     * Checks the property for {@code tries} generated inputs. The seed is random per run unless the system
     * property {@code properties.seed} fixes it, and a failure names it together with the input.
     */
    static <T> void forAll(int tries, Gen<T> gen, Consumer<T> property) {
        Long fixed = Long.getLong("properties.seed");
        long seed = fixed != null ? fixed : ThreadLocalRandom.current().nextLong();
        Random random = new Random(seed);
        for (int i = 0; i < tries; i++) {
            T input = gen.next(random, 1 + i * 10 / tries);
            try {
                property.accept(input);
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError("falsified on try " + (i + 1) + " of " + tries + " (re-run with"
                        + " -Dproperties.seed=" + seed + ")\ninput: " + input + "\n" + e.getMessage(), e);
            }
        }
    }

    static <T> T oneOf(Random random, List<T> values) {
        return values.get(random.nextInt(values.size()));
    }

    static boolean chance(Random random, double probability) {
        return random.nextDouble() < probability;
    }

    /** Each element kept with probability 1/2, in the given order. */
    static <T> List<T> subset(Random random, List<T> values) {
        return subset(random, values, 0.5);
    }

    static <T> List<T> subset(Random random, List<T> values, double probability) {
        return values.stream().filter(v -> chance(random, probability)).toList();
    }

    static <T> List<T> shuffled(Random random, List<T> values) {
        List<T> copy = new ArrayList<>(values);
        Collections.shuffle(copy, random);
        return copy;
    }

    static String chars(Random random, String alphabet, int min, int max) {
        int length = min + random.nextInt(max - min + 1);
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < length; i++) {
            out.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return out.toString();
    }

    // ---------------------------------------------------------------- generators shared by the groups

    static final String LETTERS = "abcdefghijklmnopqrstuvwxyz";

    /** Slug material: [a-z0-9-], 1..40 characters. Wider than {@link Purpose#isSlug} ("-", "a--b"), on purpose. */
    static String slug(Random random) {
        return chars(random, LETTERS + "0123456789-", 1, chance(random, 0.5) ? 3 : 40);
    }

    static ChoiceState anyState(Random random) {
        return oneOf(random, List.of(ChoiceState.values()));
    }

    /**
     * A valid purpose as an admin could create it. Keys are letters only, so "no-such-…" is never one of them.
     * Gating (1 in 2) and double opt-in (3 in 4) are switched on where {@link Purpose#validate} allows them;
     * 1 in 5 is retired.
     */
    static Purpose purpose(Random random) {
        String key = chars(random, LETTERS, 1, 6);
        Mechanism mechanism = oneOf(random, List.of(Mechanism.values()));
        List<String> channels = subset(random, CHANNELS);
        boolean optIn = mechanism == Mechanism.OPT_IN;
        return new Purpose(key, "Label of " + key, "What " + key + " is for", null, mechanism, channels,
                1 + random.nextInt(3), false, random.nextBoolean(), optIn && random.nextBoolean(), false,
                optIn && channels.contains(Purpose.EMAIL) && chance(random, 0.75), chance(random, 0.2)).validate();
    }

    /** A realm's catalog (1..6 purposes, distinct keys) with at least one active purpose. */
    static List<Purpose> catalog(Random random, int size) {
        while (true) {
            Map<String, Purpose> byKey = new LinkedHashMap<>();
            int count = 1 + random.nextInt(Math.min(6, size + 1));
            for (int i = 0; i < count; i++) {
                Purpose p = purpose(random);
                byKey.putIfAbsent(p.key(), p);
            }
            List<Purpose> catalog = List.copyOf(byKey.values());
            if (!active(catalog).isEmpty()) {
                return catalog;
            }
        }
    }

    static Purpose find(List<Purpose> catalog, String key) {
        return catalog.stream().filter(p -> p.key().equals(key)).findFirst().orElseThrow();
    }

    static List<Purpose> active(List<Purpose> catalog) {
        return catalog.stream().filter(p -> !p.retired()).toList();
    }

    /** A change the service must accept: an active purpose, one of its channels or none, on its current text. */
    static ChangeRequest validRequest(Random random, List<Purpose> catalog) {
        Purpose p = oneOf(random, active(catalog));
        String channel = p.channels().isEmpty() || chance(random, 0.3) ? null : oneOf(random, p.channels());
        // switching a required purpose on is valid (and changes nothing); switching it off is not
        boolean granted = !p.mechanism().optional() || random.nextBoolean();
        return new ChangeRequest(p.key(), channel, granted, random.nextBoolean() ? null : p.version());
    }

    /** The purpose/channel keys a valid request writes: its channel, or every channel when it names none. */
    static Set<String> scopeKeys(List<Purpose> catalog, ChangeRequest change) {
        Purpose p = find(catalog, change.purpose());
        List<String> scopes = change.channel() == null ? p.choiceChannels() : List.of(change.channel());
        Set<String> keys = new HashSet<>();
        scopes.forEach(c -> keys.add(Summary.key(p.key(), c)));
        return keys;
    }

    /**
     * 0..max valid requests cut into consecutive record calls. A call may not change a key twice (that is refused
     * as DUPLICATE_CHANGE), so a repeat starts a new call; a coin starts one besides.
     */
    static List<List<ChangeRequest>> validCalls(Random random, List<Purpose> catalog, int max) {
        List<ChangeRequest> changes = new ArrayList<>();
        int count = random.nextInt(max + 1);
        for (int i = 0; i < count; i++) {
            changes.add(validRequest(random, catalog));
        }
        return inCalls(random, catalog, changes);
    }

    /** Cuts valid changes into consecutive calls, as {@link #validCalls} describes. */
    static List<List<ChangeRequest>> inCalls(Random random, List<Purpose> catalog, List<ChangeRequest> changes) {
        List<List<ChangeRequest>> calls = new ArrayList<>();
        List<ChangeRequest> call = null;
        Set<String> keys = new HashSet<>();
        for (ChangeRequest change : changes) {
            Set<String> scopes = scopeKeys(catalog, change);
            if (call == null || random.nextBoolean() || !Collections.disjoint(keys, scopes)) {
                call = new ArrayList<>();
                calls.add(call);
                keys.clear();
            }
            call.add(change);
            keys.addAll(scopes);
        }
        return calls;
    }

    /**
     * A person's past in a realm: the catalog as it was, the calls they made then, which double opt-ins they then
     * confirmed from the email, and which purposes have since had a material change (a new version).
     */
    record Past(List<Purpose> catalog, List<List<ChangeRequest>> calls, Set<String> confirmed, Set<String> bumped) {
        /** The catalog now, after the material changes. */
        List<Purpose> now() {
            return catalog.stream().map(p -> bumped.contains(p.key()) ? p.withVersion(p.version() + 1) : p).toList();
        }
    }

    /**
     * A confirmed double opt-in is rare by chance, so about a third of the pasts include a yes by email to one
     * ("digest"). Most pending yeses get confirmed and most texts stay as they were, so a confirmed yes is often
     * still on the current text.
     */
    static Past past(Random random, int size) {
        List<Purpose> catalog = new ArrayList<>(catalog(random, size));
        List<List<ChangeRequest>> calls = new ArrayList<>(validCalls(random, catalog, Math.min(8, size)));
        if (chance(random, 0.3) && catalog.stream().noneMatch(p -> p.key().equals("digest"))) {
            List<String> channels = Stream.concat(Stream.of(Purpose.EMAIL), subset(random, List.of("sms", "push"))
                    .stream()).toList();
            catalog.add(random.nextInt(catalog.size() + 1), InMemory.doubleOptIn(
                    InMemory.optIn("digest", channels.toArray(String[]::new))).withVersion(1 + random.nextInt(3)));
            calls.add(random.nextInt(calls.size() + 1),
                    List.of(new ChangeRequest("digest", Purpose.EMAIL, true, null)));
        }
        List<String> keys = catalog.stream().map(Purpose::key).toList();
        return new Past(List.copyOf(catalog), List.copyOf(calls), Set.copyOf(subset(random, keys, 0.75)),
                Set.copyOf(subset(random, keys, 0.25)));
    }

    /** One realm and one person (alice), wired as in {@link ConsentServiceTest}. */
    static final class World {
        final InMemory.Catalog catalog;
        final InMemory.Store store = new InMemory.Store();
        final InMemory.Texts texts = new InMemory.Texts();
        final InMemory.User alice = new InMemory.User(ALICE.id());
        final ConsentService service;

        World(List<Purpose> purposes) {
            catalog = new InMemory.Catalog(purposes.toArray(Purpose[]::new));
            service = new ConsentService(catalog, store, texts, InMemory.CLOCK, ConsentEvents.NONE);
        }

        /** Plays the past through the service, so every stored state is one the service itself wrote. */
        static World after(Past past) {
            World world = new World(past.catalog());
            past.calls().forEach(call -> world.service.record(world.alice, call, byAlice()));
            for (Purpose p : past.catalog()) {
                if (past.confirmed().contains(p.key()) && world.state(Summary.key(p.key(), Purpose.EMAIL)) == PENDING) {
                    world.service.confirm(world.alice, p.key(), null, new ChangeContext(ALICE, Via.EMAIL, null, "confirm-link", null, null));
                }
            }
            past.now().forEach(world.catalog::save);
            return world;
        }

        ChoiceState state(String key) {
            return store.current(alice.id()).stream().filter(c -> Summary.key(c.purpose(), c.channel()).equals(key))
                    .map(Choice::state).findFirst().orElse(null);
        }

        List<HistoryEntry> rows() {
            return store.rows(alice.id());
        }

        /** Everything a refused request must leave as it was. */
        Snapshot snapshot() {
            return new Snapshot(store.current(alice.id()), rows(), alice.readSummary(), alice.writes(), texts.all(),
                    Map.copyOf(alice.permits()));
        }
    }

    record Snapshot(List<Choice> choices, List<HistoryEntry> rows, String summary, List<String> summaryWrites,
                    List<PurposeTexts.Text> texts, Map<String, Boolean> permits) {
    }

    /** Purpose/channel key → effective state as the view shows it, for every active purpose. */
    static Map<String, Boolean> effectiveByKey(ConsentView view) {
        Map<String, Boolean> states = new LinkedHashMap<>();
        for (ConsentView.PurposeState p : view.purposes()) {
            for (ConsentView.ChannelState c : p.channels()) {
                states.put(Summary.key(p.purpose().key(), c.channel()), c.granted());
            }
        }
        return states;
    }

    /**
     * The rule as the product promises it, written independently of {@link Effective}: required → always;
     * opt-out → unless the user said no; opt-in → only if the user said yes (a pending yes is not a yes yet).
     */
    static boolean promised(Mechanism mechanism, ChoiceState answer) {
        return switch (mechanism) {
            case REQUIRED -> true;
            case OPT_OUT -> answer != DENIED;
            case OPT_IN -> answer == GRANTED;
        };
    }

    // ---------------------------------------------------------------- 1. Summary

    @Nested
    @DisplayName("Summary: given any set of explicit answers with slug keys and channels")
    final class SummaryProperties {
        /**
         * A small pool besides random slugs, so purposes share channels and keys are prefixes of each other
         * ("a", "a-b", "a/email"): that is where a sorted, comma-joined encoding could go wrong.
         */
        static List<Choice> answerSet(Random random, int size) {
            Map<String, Choice> byKey = new LinkedHashMap<>(); // a person holds one answer per purpose/channel
            int count = random.nextInt(2 * size + 1);
            for (int i = 0; i < count; i++) {
                String purpose = random.nextBoolean() ? slug(random)
                        : oneOf(random, List.of("a", "a-b", "news", "news-letter", "0"));
                String channel = chance(random, 0.3) ? null
                        : random.nextBoolean() ? slug(random) : oneOf(random, List.of("email", "sms", "a"));
                byKey.putIfAbsent(Summary.key(purpose, channel), new Choice(purpose, channel, anyState(random), 1,
                        Via.API, ALICE, null, InMemory.NOW, 1));
            }
            return List.copyOf(byKey.values());
        }

        @Test
        @DisplayName("encoded and decoded again, then each purpose/channel key maps to its state, and nothing else appears")
        void roundTrip() {
            forAll(TRIES, SummaryProperties::answerSet, choices -> {
                Map<String, ChoiceState> expected = new HashMap<>();
                choices.forEach(c -> expected.put(Summary.key(c.purpose(), c.channel()), c.state()));

                assertThat(Summary.decode(Summary.encode(choices))).containsExactlyInAnyOrderEntriesOf(expected);
            });
        }

        @Test
        @DisplayName("encoded in any order, then the summary is the same (a stable summary is not rewritten needlessly)")
        void orderIndependent() {
            forAll(TRIES, (random, size) -> {
                List<Choice> choices = answerSet(random, size);
                return List.of(choices, shuffled(random, choices));
            }, twoOrders -> assertThat(Summary.encode(twoOrders.get(1))).isEqualTo(Summary.encode(twoOrders.get(0))));
        }
    }

    // ---------------------------------------------------------------- 2. Effective

    @Nested
    @DisplayName("Effective: given a purpose and any answers")
    final class EffectiveProperties {
        /** A purpose "p" with a random list of channels, and an answer (or none) for each of its scopes. */
        record Answered(Purpose purpose, Map<String, ChoiceState> answers, List<ChoiceState> own) {
        }

        static List<String> channels(Random random) {
            return shuffled(random, subset(random, List.of(Purpose.EMAIL, "sms", "push", "post")));
        }

        /**
         * Answers for the purpose's own scopes (one per channel, or one for the whole purpose; none where null),
         * drawn from {@code states}, plus answers that are not its own and must not count: another purpose's, and
         * for a purpose with channels the bare purpose key, which only a purpose without channels uses.
         */
        static Answered answered(Random random, Purpose purpose, List<ChoiceState> states) {
            Map<String, ChoiceState> answers = new HashMap<>();
            List<ChoiceState> own = new ArrayList<>();
            for (String scope : purpose.choiceChannels()) {
                ChoiceState state = chance(random, 0.3) ? null : oneOf(random, states);
                own.add(state);
                if (state != null) {
                    answers.put(Summary.key(purpose.key(), scope), state);
                }
            }
            ChoiceState noise = anyState(random);
            answers.put("other", noise);
            answers.put(Summary.key("other", Purpose.EMAIL), noise);
            if (!purpose.channels().isEmpty()) {
                answers.put(purpose.key(), noise);
            }
            return new Answered(purpose, answers, own);
        }

        static Gen<Answered> answered(Mechanism mechanism, List<ChoiceState> states) {
            return (random, size) -> answered(random,
                    InMemory.purpose("p", mechanism, channels(random).toArray(String[]::new)), states);
        }

        static final List<ChoiceState> ALL = List.of(ChoiceState.values());

        @Test
        @DisplayName("that is required, then it is granted whatever the answers")
        void required() {
            forAll(TRIES, answered(Mechanism.REQUIRED, ALL),
                    a -> assertThat(Effective.granted(a.purpose(), a.answers())).isTrue());
        }

        @Test
        @DisplayName("that is opt-out, then it is granted unless every channel was answered DENIED")
        void optOut() {
            // only the answers a person can hold on an opt-out purpose: a pending yes exists only under double
            // opt-in, which validate() allows for opt-in purposes alone (but see pendingYesOnAnOptOutPurpose)
            forAll(TRIES, answered(Mechanism.OPT_OUT, List.of(GRANTED, DENIED)), a ->
                    assertThat(Effective.granted(a.purpose(), a.answers()))
                            .isEqualTo(a.own().stream().anyMatch(s -> s != DENIED)));
        }

        @Test
        @DisplayName("that is opt-in, then it is granted only if some channel was answered GRANTED (PENDING does not count)")
        void optIn() {
            forAll(TRIES, answered(Mechanism.OPT_IN, ALL), a ->
                    assertThat(Effective.granted(a.purpose(), a.answers())).isEqualTo(a.own().contains(GRANTED)));
        }

        @Test
        @DisplayName("that is opt-in with double opt-in and only pending or missing answers, then it is not granted")
        void pendingNeverGrants() {
            forAll(100, (random, size) -> {
                List<String> channels = Stream.concat(Stream.of(Purpose.EMAIL), channels(random).stream())
                        .distinct().toList();
                Purpose purpose = InMemory.doubleOptIn(InMemory.optIn("p", channels.toArray(String[]::new)))
                        .validate();
                return answered(random, purpose, List.of(PENDING));
            }, a -> {
                // also a single pending answer, as the view asks per channel
                assertThat(Effective.granted(a.purpose(), PENDING)).isFalse();
                assertThat(Effective.granted(a.purpose(), a.answers())).isFalse();
            });
        }

        @Test
        @DisplayName("of any mechanism, then the purpose is granted exactly when one of its channels is on its own")
        void anyChannel() {
            forAll(TRIES, (random, size) -> answered(random, InMemory.purpose("p",
                    oneOf(random, List.of(Mechanism.values())), channels(random).toArray(String[]::new)), ALL), a -> {
                boolean anyChannel = a.purpose().choiceChannels().stream().anyMatch(c ->
                        Effective.granted(a.purpose(), a.answers().get(Summary.key(a.purpose().key(), c))));

                assertThat(Effective.granted(a.purpose(), a.answers())).isEqualTo(anyChannel);
            });
        }

        record CatalogAndSummary(List<Purpose> catalog, String summary) {
        }

        @Test
        @DisplayName("the token claim, then it holds exactly the active purposes flagged for tokens, in catalog order, "
                + "each as the promised rule says")
        void claim() {
            forAll(TRIES, (random, size) -> {
                List<Purpose> catalog = catalog(random, size);
                List<Choice> choices = new ArrayList<>();
                for (Purpose p : catalog) {
                    for (String channel : p.choiceChannels()) {
                        // an answer a person could hold: pending only on the email of a double opt-in
                        List<ChoiceState> possible = p.doubleOptIn() && Purpose.EMAIL.equals(channel) ? ALL
                                : List.of(GRANTED, DENIED);
                        if (!chance(random, 0.3)) {
                            choices.add(new Choice(p.key(), channel, oneOf(random, possible), p.version(), Via.API,
                                    ALICE, null, InMemory.NOW, 1));
                        }
                    }
                }
                // and one for a purpose the realm does not have
                choices.add(new Choice("no-such-purpose", null, anyState(random), 1, Via.API, ALICE, null,
                        InMemory.NOW, 1));
                return new CatalogAndSummary(catalog, Summary.encode(shuffled(random, choices)));
            }, cs -> {
                Map<String, ChoiceState> answers = Summary.decode(cs.summary());
                Map<String, Boolean> expected = new LinkedHashMap<>();
                for (Purpose p : cs.catalog()) {
                    if (!p.retired() && p.includeInToken()) {
                        expected.put(p.key(), p.choiceChannels().stream().anyMatch(c ->
                                promised(p.mechanism(), answers.get(Summary.key(p.key(), c)))));
                    }
                }

                assertThat(Effective.claim(cs.catalog(), cs.summary())).containsExactlyEntriesOf(expected);
            });
        }

        /*
         * Found by this property: a PENDING answer used to count as a "no" once an opt-in double-opt-in purpose
         * became opt-out (a material change), so the person who asked for it lost it while everyone else had it.
         */
        @Test
        @DisplayName("that was opt-in with double opt-in and became opt-out, then a pending yes by email is not a no")
        void pendingYesOnAnOptOutPurpose() {
            forAll(20, (random, size) -> Stream.concat(Stream.of(Purpose.EMAIL), channels(random).stream())
                    .distinct().toList(), channels -> {
                String[] asArray = channels.toArray(String[]::new);
                World world = new World(List.of(InMemory.doubleOptIn(InMemory.optIn("digest", asArray)).validate()));
                world.service.record(world.alice, List.of(new ChangeRequest("digest", Purpose.EMAIL, true, null)),
                        byAlice());
                new CatalogService(world.catalog, world.texts, InMemory.CLOCK).update("digest",
                        InMemory.optOut("digest", asArray), CatalogService.ChangeKind.MATERIAL, ADMIN);

                assertThat(world.state("digest/email")).as("the stored answer").isEqualTo(PENDING);
                assertThat(effectiveByKey(world.service.view(world.alice))).containsEntry("digest/email", true);
                assertThat(Effective.claim(world.catalog.all(), world.alice.readSummary()))
                        .containsEntry("digest", true);
            });
        }
    }

    // ---------------------------------------------------------------- 3. ConsentService.record

    @Nested
    @DisplayName("ConsentService.record: given a person with any past")
    final class RecordProperties {
        /** A change in a call, and the code the service must refuse it with ({@code null}: a valid change). */
        record Entry(ChangeRequest change, ErrorCode flaw) {
        }

        /** One invalid change that this catalog and these valid changes make possible, with its code. */
        static Entry flaw(Random random, List<Purpose> catalog, List<ChangeRequest> valid) {
            List<Purpose> active = active(catalog);
            List<Purpose> required = active.stream().filter(p -> !p.mechanism().optional()).toList();
            List<Purpose> retired = catalog.stream().filter(Purpose::retired).toList();
            while (true) {
                switch (random.nextInt(7)) {
                    case 0 -> {
                        return new Entry(new ChangeRequest("no-such-" + chars(random, LETTERS, 1, 6), null,
                                random.nextBoolean(), null), ErrorCode.UNKNOWN_PURPOSE);
                    }
                    case 1 -> {
                        Purpose p = oneOf(random, active);
                        return new Entry(new ChangeRequest(p.key(), p.channels().isEmpty() ? Purpose.EMAIL : "fax",
                                true, null), ErrorCode.UNKNOWN_CHANNEL);
                    }
                    case 2 -> {
                        Purpose p = oneOf(random, active);
                        int other = (p.version() + 1 + random.nextInt(5)) % 6; // 0..5, never the current version
                        return new Entry(new ChangeRequest(p.key(), null, true, other), ErrorCode.STALE_VERSION);
                    }
                    case 3 -> {
                        return new Entry(new ChangeRequest(oneOf(random, active).key(), null, null, null),
                                ErrorCode.INVALID_VALUE);
                    }
                    case 4 -> {
                        if (!required.isEmpty()) {
                            return new Entry(new ChangeRequest(oneOf(random, required).key(), null, false, null),
                                    ErrorCode.REQUIRED_PURPOSE);
                        }
                    }
                    case 5 -> {
                        if (!retired.isEmpty()) {
                            return new Entry(new ChangeRequest(oneOf(random, retired).key(), null,
                                    random.nextBoolean(), null), ErrorCode.PURPOSE_RETIRED);
                        }
                    }
                    default -> {
                        if (!valid.isEmpty()) {
                            // the very same change twice is still a second change of the same key
                            ChangeRequest c = oneOf(random, valid);
                            return new Entry(new ChangeRequest(c.purpose(), c.channel(), c.granted(), c.version()),
                                    ErrorCode.DUPLICATE_CHANGE);
                        }
                    }
                }
            }
        }

        /** A past, then one call: valid changes (at most one per key) with 1..3 flaws mixed in anywhere. */
        record Refused(Past past, List<Entry> entries) {
            List<ChangeRequest> changes() {
                return entries.stream().map(Entry::change).toList();
            }

            /** The service names the first problem in request order; a repeat is a problem where it repeats. */
            ErrorCode firstProblem() {
                Set<String> seen = new HashSet<>();
                for (Entry entry : entries) {
                    if (entry.flaw() != null && entry.flaw() != ErrorCode.DUPLICATE_CHANGE) {
                        return entry.flaw();
                    }
                    for (String key : scopeKeys(past.now(), entry.change())) {
                        if (!seen.add(key)) {
                            return ErrorCode.DUPLICATE_CHANGE;
                        }
                    }
                }
                throw new IllegalStateException("generated without a problem: " + entries);
            }
        }

        static Refused refused(Random random, int size) {
            Past past = past(random, size);
            List<List<ChangeRequest>> calls = validCalls(random, past.now(), Math.min(5, size));
            List<ChangeRequest> valid = calls.isEmpty() ? List.of() : calls.getFirst();
            List<Entry> entries = new ArrayList<>();
            valid.forEach(c -> entries.add(new Entry(c, null)));
            int flaws = 1 + random.nextInt(3);
            for (int i = 0; i < flaws; i++) {
                entries.add(flaw(random, past.now(), valid));
            }
            return new Refused(past, shuffled(random, entries));
        }

        @Test
        @DisplayName("and a call with at least one invalid change, then it is refused naming the first problem, "
                + "and choices, history, summary, texts and access stay exactly as they were")
        void allOrNothing() {
            Map<ErrorCode, Integer> seen = new HashMap<>();
            forAll(TRIES, RecordProperties::refused, call -> {
                World world = World.after(call.past());
                Snapshot before = world.snapshot();
                String tagBefore = world.service.view(world.alice).tag();

                ConsentException refused = InMemory.refusal(() ->
                        world.service.record(world.alice, call.changes(), byAlice()));

                assertThat(refused.code()).isEqualTo(call.firstProblem());
                assertThat(world.snapshot()).isEqualTo(before);
                assertThat(world.service.view(world.alice).tag()).isEqualTo(tagBefore);
                seen.merge(refused.code(), 1, Integer::sum);
            });
            // guards the generator: every kind of flaw was actually tried
            assertThat(seen).as("refusals seen").containsKeys(ErrorCode.UNKNOWN_PURPOSE, ErrorCode.UNKNOWN_CHANNEL,
                    ErrorCode.STALE_VERSION, ErrorCode.INVALID_VALUE, ErrorCode.REQUIRED_PURPOSE,
                    ErrorCode.PURPOSE_RETIRED, ErrorCode.DUPLICATE_CHANGE);
        }

        /** A past, then calls of valid changes only. */
        record Accepted(Past past, List<List<ChangeRequest>> calls) {
        }

        /** What the store holds for one key: the answer and the version of the text it was given to. */
        record Answer(ChoiceState state, int version) {
        }

        /** A history row as a person reads it. */
        record Row(String purpose, String channel, ChoiceState previous, ChoiceState state, int version) {
        }

        @Test
        @DisplayName("and calls of valid changes, then each purpose/channel shows what its last change asked, and there "
                + "is one new history row per change that changed an answer (repeating the answer records nothing)")
        void lastAnswerCounts() {
            int[] triesWithRepeats = {0};
            int[] triesWithPending = {0};
            int[] triesKeepingConfirmed = {0};
            forAll(TRIES, (random, size) -> {
                Past past = past(random, size);
                // new changes, and about half of the current answers said again (a yes for a pending or confirmed
                // one), so that "repeating the answer records nothing" is tried in most runs
                List<ChangeRequest> changes = new ArrayList<>();
                int count = 1 + random.nextInt(10);
                for (int i = 0; i < count; i++) {
                    changes.add(validRequest(random, past.now()));
                }
                World.after(past).store.current(ALICE.id()).stream()
                        .filter(c -> !find(past.now(), c.purpose()).retired() && random.nextBoolean())
                        .forEach(c -> changes.add(new ChangeRequest(c.purpose(), c.channel(), c.state() != DENIED,
                                null)));
                return new Accepted(past, inCalls(random, past.now(), shuffled(random, changes)));
            }, accepted -> {
                World world = World.after(accepted.past());
                List<Purpose> catalog = accepted.past().now();
                Map<String, Boolean> shownBefore = effectiveByKey(world.service.view(world.alice));
                int rowsBefore = world.rows().size();

                // The answers as stored, advanced by the rules ConsentService documents: a required purpose keeps
                // no answer; a yes by email to a double opt-in is PENDING, except that it leaves a confirmed yes to
                // the same text as it is; the same answer to the same text is no new event.
                Map<String, Answer> stored = new HashMap<>();
                world.store.current(world.alice.id()).forEach(c -> stored.put(Summary.key(c.purpose(), c.channel()),
                        new Answer(c.state(), c.purposeVersion())));
                Map<String, Boolean> expectedShown = new HashMap<>();
                List<Row> expectedRows = new ArrayList<>();
                boolean repeats = false;
                boolean keptConfirmed = false;
                int reported = 0;
                for (List<ChangeRequest> call : accepted.calls()) {
                    for (ChangeRequest change : call) {
                        Purpose p = find(catalog, change.purpose());
                        for (String channel : change.channel() == null ? p.choiceChannels()
                                : List.of(change.channel())) {
                            String key = Summary.key(p.key(), channel);
                            if (p.mechanism() == Mechanism.REQUIRED) {
                                expectedShown.put(key, true);
                                continue;
                            }
                            Answer before = stored.get(key);
                            boolean pending = change.granted() && p.doubleOptIn() && Purpose.EMAIL.equals(channel);
                            ChoiceState asked = pending ? PENDING : ChoiceState.of(change.granted());
                            boolean keepsConfirmed = pending && before != null && before.state() == GRANTED
                                    && before.version() == p.version();
                            boolean repeated = before != null && before.state() == asked
                                    && before.version() == p.version();
                            // what the person sees: their last answer, but a yes by email waits for the confirmation
                            expectedShown.put(key, pending ? keepsConfirmed : change.granted());
                            keptConfirmed |= keepsConfirmed;
                            if (keepsConfirmed || repeated) {
                                repeats = true;
                                continue;
                            }
                            expectedRows.add(new Row(p.key(), channel, before == null ? null : before.state(), asked,
                                    p.version()));
                            stored.put(key, new Answer(asked, p.version()));
                        }
                    }
                    reported += world.service.record(world.alice, call, byAlice()).changes().size();
                }

                ConsentView view = world.service.view(world.alice);
                Map<String, Boolean> expected = new HashMap<>(shownBefore);
                expected.putAll(expectedShown);
                assertThat(effectiveByKey(view)).as("effective state per purpose/channel")
                        .containsExactlyInAnyOrderEntriesOf(expected);
                for (ConsentView.PurposeState p : view.purposes()) {
                    assertThat(p.granted()).as("%s as a whole", p.purpose().key())
                            .isEqualTo(p.channels().stream().anyMatch(ConsentView.ChannelState::granted));
                }
                List<HistoryEntry> newRows = world.rows().subList(rowsBefore, world.rows().size());
                assertThat(newRows).map(r -> new Row(r.purpose(), r.channel(), r.previous(), r.state(),
                        r.purposeVersion())).as("new history rows").containsExactlyElementsOf(expectedRows);
                assertThat(reported).as("rows the calls reported").isEqualTo(expectedRows.size());
                Map<String, ChoiceState> storedStates = new HashMap<>();
                stored.forEach((k, a) -> storedStates.put(k, a.state()));
                assertThat(Summary.decode(world.alice.readSummary())).as("token summary")
                        .containsExactlyInAnyOrderEntriesOf(storedStates);
                // a gating purpose's access follows its effective state
                view.purposes().stream().filter(p -> world.alice.permits().containsKey(p.purpose().key()))
                        .forEach(p -> assertThat(world.alice.permits().get(p.purpose().key()))
                                .as("access of %s", p.purpose().key()).isEqualTo(p.granted()));
                triesWithRepeats[0] += repeats ? 1 : 0;
                triesWithPending[0] += expectedRows.stream().anyMatch(r -> r.state() == PENDING) ? 1 : 0;
                triesKeepingConfirmed[0] += keptConfirmed ? 1 : 0;
            });
            // guards the generator: without these cases half of the rule would go untested (seen: about 150, 40
            // and 25 of 200 tries)
            assertThat(triesWithRepeats[0]).as("tries that repeat an answer").isGreaterThan(TRIES / 5);
            assertThat(triesWithPending[0]).as("tries that record a pending yes").isGreaterThan(TRIES / 50);
            assertThat(triesKeepingConfirmed[0]).as("tries where a yes keeps a confirmed double opt-in")
                    .isGreaterThan(TRIES / 50);
        }
    }

    // ---------------------------------------------------------------- 4. ConsentService.optOutOfAll

    @Nested
    @DisplayName("ConsentService.optOutOfAll: given a person with any past")
    final class OptOutOfAllProperties {
        static Map<String, ChoiceState> retiredAnswers(World world, List<Purpose> catalog) {
            Set<String> retired = new HashSet<>();
            catalog.stream().filter(Purpose::retired).forEach(p -> retired.add(p.key()));
            Map<String, ChoiceState> answers = new HashMap<>();
            world.store.current(world.alice.id()).stream().filter(c -> retired.contains(c.purpose()))
                    .forEach(c -> answers.put(Summary.key(c.purpose(), c.channel()), c.state()));
            return answers;
        }

        @Test
        @DisplayName("then every active optional purpose is off on every channel, every required one is on, retired "
                + "answers are untouched, and a second call records nothing")
        void everythingOptionalOff() {
            forAll(TRIES, DomainPropertiesTest::past, past -> {
                World world = World.after(past);
                Map<String, ChoiceState> retiredBefore = retiredAnswers(world, past.now());

                ConsentView view = world.service.optOutOfAll(world.alice, byAlice());

                for (ConsentView.PurposeState p : view.purposes()) {
                    boolean required = p.purpose().mechanism() == Mechanism.REQUIRED;
                    assertThat(p.granted()).as("%s", p.purpose().key()).isEqualTo(required);
                    assertThat(p.channels()).as("channels of %s", p.purpose().key())
                            .allMatch(c -> c.granted() == required);
                }
                assertThat(world.service.view(world.alice).purposes()).as("read again")
                        .allMatch(p -> p.granted() == (p.purpose().mechanism() == Mechanism.REQUIRED));
                Map<String, Boolean> claim = Effective.claim(world.catalog.all(), world.alice.readSummary());
                past.now().stream().filter(p -> !p.retired() && p.includeInToken()).forEach(p ->
                        assertThat(claim).as("claim").containsEntry(p.key(), p.mechanism() == Mechanism.REQUIRED));
                assertThat(retiredAnswers(world, past.now())).as("answers to retired purposes")
                        .isEqualTo(retiredBefore);

                int rows = world.rows().size();
                List<String> writes = world.alice.writes();
                ConsentView again = world.service.optOutOfAll(world.alice, byAlice());

                assertThat(again.changes()).as("reported by the second call").isEmpty();
                assertThat(world.rows()).as("history after the second call").hasSize(rows);
                assertThat(world.alice.writes()).as("summary writes after the second call").isEqualTo(writes);
                assertThat(again.tag()).as("tag after the second call").isEqualTo(view.tag());
            });
        }
    }
}
