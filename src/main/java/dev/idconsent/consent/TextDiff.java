package dev.idconsent.consent;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Word by word, what changed between two texts: the longest common run of words (and the spaces between them)
 * stays, the rest is removed from the old text or added in the new one. For showing a person what changed in a
 * purpose's text since they answered it.
 */
public final class TextDiff {
    /** Texts longer than this many words by words are shown as all removed and all added. */
    static final int MAX_WORDS = 2000;
    private static final Pattern TOKEN = Pattern.compile("\\s+|[^\\s]+");

    public enum Op {
        SAME, REMOVED, ADDED;

        public String value() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** A run of text with what happened to it. */
    public record Segment(Op op, String text) {
    }

    private TextDiff() {
    }

    /** The segments that turn {@code before} into {@code after}, in reading order; a null text is empty. */
    public static List<Segment> words(String before, String after) {
        List<String> a = tokens(before);
        List<String> b = tokens(after);
        List<Segment> out = new ArrayList<>();
        if (a.size() > MAX_WORDS || b.size() > MAX_WORDS) {
            add(out, Op.REMOVED, before == null ? "" : before);
            add(out, Op.ADDED, after == null ? "" : after);
            return out;
        }
        // lcs[i][j]: the longest common subsequence of a[i..] and b[j..]
        int[][] lcs = new int[a.size() + 1][b.size() + 1];
        for (int i = a.size() - 1; i >= 0; i--) {
            for (int j = b.size() - 1; j >= 0; j--) {
                lcs[i][j] = a.get(i).equals(b.get(j)) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
            }
        }
        int i = 0;
        int j = 0;
        while (i < a.size() || j < b.size()) {
            if (i < a.size() && j < b.size() && a.get(i).equals(b.get(j))) {
                add(out, Op.SAME, a.get(i++));
                j++;
            } else if (i < a.size() && (j == b.size() || lcs[i + 1][j] >= lcs[i][j + 1])) {
                add(out, Op.REMOVED, a.get(i++)); // on a tie the old words come first
            } else {
                add(out, Op.ADDED, b.get(j++));
            }
        }
        return out;
    }

    /** True when the texts differ (by the same words). */
    public static boolean changed(List<Segment> segments) {
        return segments.stream().anyMatch(s -> s.op() != Op.SAME);
    }

    private static List<String> tokens(String text) {
        List<String> tokens = new ArrayList<>();
        if (text != null) {
            Matcher m = TOKEN.matcher(text);
            while (m.find()) {
                tokens.add(m.group());
            }
        }
        return tokens;
    }

    /** Appends, joining a run of the same kind. */
    private static void add(List<Segment> out, Op op, String text) {
        if (text.isEmpty()) {
            return;
        }
        Segment last = out.isEmpty() ? null : out.get(out.size() - 1);
        if (last != null && last.op() == op) {
            out.set(out.size() - 1, new Segment(op, last.text() + text));
        } else {
            out.add(new Segment(op, text));
        }
    }
}
