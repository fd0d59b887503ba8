package dev.idconsent.consent;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("TextDiff: what changed in a text, word by word")
class TextDiffTest {
    static String show(List<TextDiff.Segment> segments) {
        StringBuilder out = new StringBuilder();
        for (TextDiff.Segment s : segments) {
            out.append(switch (s.op()) {
                case SAME -> s.text();
                case REMOVED -> "[-" + s.text() + "-]";
                case ADDED -> "{+" + s.text() + "+}";
            });
        }
        return out.toString();
    }

    @Test
    @DisplayName("given a changed word and an added clause, then only those are marked")
    void words() {
        assertThat(show(TextDiff.words("We share your email with partners.",
                "We share your email and phone number with selected partners.")))
                .isEqualTo("We share your email {+and phone number +}with {+selected +}partners.");
        assertThat(show(TextDiff.words("Text one.", "Text two, with more sharing.")))
                .isEqualTo("Text [-one.-]{+two, with more sharing.+}");
    }

    @Test
    @DisplayName("given the same text, then nothing is marked; given empty or missing texts, then all is one change")
    void edges() {
        assertThat(TextDiff.changed(TextDiff.words("Same words here.", "Same words here."))).isFalse();
        assertThat(show(TextDiff.words(null, "New text."))).isEqualTo("{+New text.+}");
        assertThat(show(TextDiff.words("Old text.", ""))).isEqualTo("[-Old text.-]");
        assertThat(TextDiff.words(null, null)).isEmpty();
    }

    @Test
    @DisplayName("given texts longer than the limit, then the whole old text is removed and the new one added")
    void long_() {
        String a = "word ".repeat(TextDiff.MAX_WORDS);
        String b = a + "more";
        assertThat(TextDiff.words(a, b)).extracting(TextDiff.Segment::op)
                .containsExactly(TextDiff.Op.REMOVED, TextDiff.Op.ADDED);
    }
}
