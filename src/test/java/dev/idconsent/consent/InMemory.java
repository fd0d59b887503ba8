package dev.idconsent.consent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/**
 * Test doubles for the consent core's ports (catalog, store, text archive, subject), a fixed clock and the
 * purposes the unit tests share. They keep everything in maps and lists and let tests look at what was written.
 */
final class InMemory {
    /** Sub-millisecond on purpose: the consent service must cut it to what a database keeps. */
    static final Instant NOW = Instant.parse("2025-05-04T10:15:30.123456789Z");
    static final Instant NOW_MILLIS = NOW.truncatedTo(ChronoUnit.MILLIS);
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    private InMemory() {
    }

    static Purpose optIn(String key, String... channels) {
        return purpose(key, Mechanism.OPT_IN, channels);
    }

    static Purpose optOut(String key, String... channels) {
        return purpose(key, Mechanism.OPT_OUT, channels);
    }

    static Purpose required(String key, String... channels) {
        return purpose(key, Mechanism.REQUIRED, channels);
    }

    /** Version 1, active, in tokens. */
    static Purpose purpose(String key, Mechanism mechanism, String... channels) {
        return new Purpose(key, "Label of " + key, "What " + key + " is for", null, mechanism, List.of(channels), 1,
                false, true, false);
    }

    static Purpose gating(Purpose p) {
        return new Purpose(p.key(), p.label(), p.description(), p.category(), p.mechanism(), p.channels(),
                p.version(), p.honorGpc(), p.includeInToken(), true, false, false, p.retired());
    }

    static Purpose askedAtLogin(Purpose p) {
        return new Purpose(p.key(), p.label(), p.description(), p.category(), p.mechanism(), p.channels(),
                p.version(), p.honorGpc(), p.includeInToken(), p.gating(), true, false, p.retired());
    }

    static Purpose honoringGpc(Purpose p) {
        return new Purpose(p.key(), p.label(), p.description(), p.category(), p.mechanism(), p.channels(),
                p.version(), true, p.includeInToken(), p.gating(), p.askAtLogin(), false, p.retired());
    }

    static Purpose doubleOptIn(Purpose p) {
        return new Purpose(p.key(), p.label(), p.description(), p.category(), p.mechanism(), p.channels(),
                p.version(), p.honorGpc(), p.includeInToken(), p.gating(), p.askAtLogin(), true, p.retired());
    }

    static Purpose notInToken(Purpose p) {
        return new Purpose(p.key(), p.label(), p.description(), p.category(), p.mechanism(), p.channels(),
                p.version(), p.honorGpc(), false, p.retired());
    }

    /** Runs the call and returns the refusal it must throw. */
    static ConsentException refusal(ThrowingCallable call) {
        Throwable thrown = catchThrowable(call);
        assertThat(thrown).as("expected a refusal").isInstanceOf(ConsentException.class);
        return (ConsentException) thrown;
    }

    static final class Catalog implements PurposeCatalog {
        private final Map<String, Purpose> purposes = new LinkedHashMap<>();
        private int saves;

        Catalog(Purpose... initial) {
            for (Purpose p : initial) {
                purposes.put(p.key(), p);
            }
        }

        @Override
        public List<Purpose> all() {
            return List.copyOf(purposes.values());
        }

        @Override
        public void save(Purpose purpose) {
            saves++;
            purposes.put(purpose.key(), purpose);
        }

        int saves() {
            return saves;
        }
    }

    /**
     * Holds the store's contract: writes for a person only after their current state was read with
     * {@link #currentForUpdate} (the lock that serialises concurrent writers in the real store).
     */
    static final class Store implements ChoiceStore {
        private final Map<String, Map<String, Choice>> current = new LinkedHashMap<>();
        private final List<HistoryEntry> rows = new ArrayList<>();
        private final Set<String> locked = new HashSet<>();
        /** Not 1, so that a test cannot mistake a list index for an id. */
        private long nextId = 100;

        @Override
        public List<Choice> current(String subjectId) {
            return List.copyOf(current.getOrDefault(subjectId, Map.of()).values());
        }

        @Override
        public List<Choice> currentForUpdate(String subjectId) {
            locked.add(subjectId);
            return current(subjectId);
        }

        private void requireLocked(String subjectId) {
            if (!locked.contains(subjectId)) {
                throw new IllegalStateException("write for " + subjectId + " without currentForUpdate first");
            }
        }

        @Override
        public HistoryEntry append(HistoryEntry e) {
            requireLocked(e.subjectId());
            HistoryEntry row = new HistoryEntry(nextId++, e.subjectId(), e.purpose(), e.channel(), e.purposeVersion(),
                    e.previous(), e.state(), e.via(), e.actor(), e.clientId(), e.capability(), e.reason(), e.at(),
                    e.provenance(), e.locale(), e.region(), e.frequency(), e.previousFrequency(), e.pausedUntil());
            rows.add(row);
            return row;
        }

        @Override
        public void put(String subjectId, Choice choice) {
            requireLocked(subjectId);
            current.computeIfAbsent(subjectId, s -> new LinkedHashMap<>())
                    .put(Summary.key(choice.purpose(), choice.channel()), choice);
        }

        @Override
        public void remove(String subjectId, String purpose, String channel) {
            requireLocked(subjectId);
            current.getOrDefault(subjectId, new LinkedHashMap<>()).remove(Summary.key(purpose, channel));
        }

        @Override
        public java.util.Optional<HistoryEntry> lastBefore(String subjectId, String purpose, String channel,
                                                           long beforeId) {
            return rows(subjectId).reversed().stream().filter(r -> r.id() < beforeId && r.purpose().equals(purpose)
                    && java.util.Objects.equals(r.channel(), channel)).findFirst();
        }

        @Override
        public Set<String> purposesChangedVia(String subjectId, Via via) {
            Set<String> out = new HashSet<>();
            rows(subjectId).stream().filter(r -> r.via() == via).forEach(r -> out.add(r.purpose()));
            return out;
        }

        @Override
        public List<HistoryEntry> history(String subjectId, int first, int max) {
            return rows(subjectId).reversed().stream().skip(first).limit(max).toList();
        }

        @Override
        public List<HistoryEntry> historyAfter(String subjectId, long afterId, int max) {
            return rows(subjectId).stream().filter(r -> r.id() > afterId).limit(max).toList();
        }

        @Override
        public List<HistoryEntry> historyAfter(String subjectId, String purpose, String channel, long afterId,
                                               int max) {
            return rows(subjectId).stream().filter(r -> r.id() > afterId && r.purpose().equals(purpose)
                    && java.util.Objects.equals(r.channel(), channel)).limit(max).toList();
        }

        @Override
        public List<Count> counts() {
            Map<String, Count> counts = new LinkedHashMap<>();
            current.values().forEach(answers -> answers.values().forEach(c -> counts.merge(
                    Summary.key(c.purpose(), c.channel()) + "=" + c.state(),
                    new Count(c.purpose(), c.channel(), c.state(), 1),
                    (a, b) -> new Count(a.purpose(), a.channel(), a.state(), a.people() + 1))));
            return List.copyOf(counts.values());
        }

        @Override
        public List<String> grantedBy(String purpose, java.time.Instant givenBy, int max) {
            return current.entrySet().stream().filter(e -> e.getValue().values().stream().anyMatch(c ->
                    c.purpose().equals(purpose) && c.state() == ChoiceState.GRANTED && !c.at().isAfter(givenBy)))
                    .map(Map.Entry::getKey).limit(max).toList();
        }

        @Override
        public long countGrantedBy(String purpose, String channel, java.time.Instant givenBy) {
            return current.values().stream().flatMap(answers -> answers.values().stream()).filter(c ->
                    c.purpose().equals(purpose) && java.util.Objects.equals(c.channel(), channel)
                            && c.state() == ChoiceState.GRANTED && !c.at().isAfter(givenBy)).count();
        }

        /** Oldest first. */
        List<HistoryEntry> rows(String subjectId) {
            return rows.stream().filter(r -> r.subjectId().equals(subjectId)).toList();
        }
    }

    static final class Texts implements PurposeTexts {
        private final List<Text> texts = new ArrayList<>();

        @Override
        public void append(Text text) {
            texts.add(text);
        }

        @Override
        public boolean has(String purpose, int version) {
            return texts.stream().anyMatch(t -> t.purpose().equals(purpose) && t.version() == version);
        }

        @Override
        public List<Text> of(String purpose) {
            return texts.stream().filter(t -> t.purpose().equals(purpose)).toList();
        }

        List<Text> all() {
            return List.copyOf(texts);
        }
    }

    /** A person whose stored summary can be read back, with every write kept in order. */
    static final class User implements Subject {
        private final String id;
        private final List<String> writes = new ArrayList<>();
        private String summary;

        User(String id) {
            this(id, null);
        }

        User(String id, String summary) {
            this.id = id;
            this.summary = summary;
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public void writeSummary(String value, List<Choice> choices) {
            writes.add(value);
            summary = value;
        }

        @Override
        public String readSummary() {
            return summary;
        }

        /** Purpose key → whether the subject now holds the access the purpose gates. */
        private final Map<String, Boolean> permits = new LinkedHashMap<>();

        @Override
        public void permit(Purpose purpose, boolean granted) {
            permits.put(purpose.key(), granted);
        }

        Map<String, Boolean> permits() {
            return permits;
        }

        List<String> writes() {
            return List.copyOf(writes);
        }
    }
}
