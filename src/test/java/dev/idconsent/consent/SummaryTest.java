package dev.idconsent.consent;

import static dev.idconsent.consent.ChoiceState.DENIED;
import static dev.idconsent.consent.ChoiceState.GRANTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("Summary: the compact copy of explicit answers that tokens are built from")
class SummaryTest {
    private static final List<Choice> CHOICES = List.of(
            choice("newsletter", "sms", GRANTED),
            choice("analytics", null, GRANTED),
            choice("newsletter", "email", DENIED),
            choice("ads", null, DENIED));

    private static Choice choice(String purpose, String channel, ChoiceState state) {
        return new Choice(purpose, channel, state, 1, Via.API, null, null, InMemory.NOW, 1);
    }

    @Nested
    @DisplayName("given choices are encoded")
    class Encode {
        @Test
        @DisplayName("then entries are sorted by key, a channel is written as purpose/channel, each with its version")
        void sortedWithChannelKeys() {
            assertThat(Summary.encode(CHOICES)).isEqualTo(
                    "ads=denied@1,analytics=granted@1,newsletter/email=denied@1,newsletter/sms=granted@1");
        }

        @Test
        @DisplayName("in any order, then the output is the same (a stable summary is not rewritten needlessly)")
        void stable() {
            List<Choice> shuffled = new ArrayList<>(CHOICES);
            Collections.reverse(shuffled);
            assertThat(Summary.encode(shuffled)).isEqualTo(Summary.encode(CHOICES));
        }

        @Test
        @DisplayName("none, then the summary is empty")
        void empty() {
            assertThat(Summary.encode(List.of())).isEmpty();
        }

        @Test
        @DisplayName("and decoded again, then every explicit answer comes back under its key")
        void roundTrip() {
            assertThat(Summary.decode(Summary.encode(CHOICES))).containsExactly(
                    entry("ads", DENIED),
                    entry("analytics", GRANTED),
                    entry("newsletter/email", DENIED),
                    entry("newsletter/sms", GRANTED));
        }
    }

    @Nested
    @DisplayName("given a key is built")
    class Key {
        @Test
        @DisplayName("for the purpose as a whole, then it is the purpose key")
        void wholePurpose() {
            assertThat(Summary.key("analytics", null)).isEqualTo("analytics");
        }

        @Test
        @DisplayName("for a channel, then it is purpose/channel")
        void channel() {
            assertThat(Summary.key("newsletter", "email")).isEqualTo("newsletter/email");
        }
    }

    @Nested
    @DisplayName("given a stored summary is decoded")
    class Decode {
        @ParameterizedTest
        @NullAndEmptySource
        @DisplayName("that is missing, then there are no answers")
        void missing(String summary) {
            assertThat(Summary.decode(summary)).isEmpty();
        }

        @ParameterizedTest(name = "[{index}] \"{0}\"")
        @ValueSource(strings = {"analytics=maybe", "analytics", "=granted", "analytics=GRANTED", "analytics=granted=x"})
        @DisplayName("with an unreadable entry among good ones, then only that entry is skipped")
        void unreadableSkipped(String bad) {
            assertThat(Summary.decode("ads=denied," + bad + ",,newsletter/email=granted"))
                    .containsOnly(entry("ads", DENIED), entry("newsletter/email", GRANTED));
        }
    }
}
