package dev.idconsent.consent.mail;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;

/**
 * The {@code List-Id} header (RFC 2919) of a purpose's mail: {@code "Newsletter" <newsletter.shop.id.example.com>},
 * the purpose's key as the list's label under a namespace of the realm and the server's host name, so mailbox
 * providers can tell one purpose's mail (and its complaints) from another's. The phrase is the purpose's label: a
 * quoted string, or an RFC 2047 encoded word when it is not plain ASCII. Nothing an administrator types can break
 * the header: control characters never pass, and the angle-bracket part holds only letters, digits, dots and
 * hyphens.
 */
public final class ListId {
    /** RFC 2047: an encoded word is at most 75 characters; a longer label is left out (the id is what counts). */
    private static final int MAX_ENCODED_WORD = 75;

    private ListId() {
    }

    /**
     * @param purposeKey a purpose key (a slug: letters, digits, hyphens)
     * @param label      the purpose's label, or {@code null}
     * @param realm      the realm's name (any characters)
     * @param host       the server's host name as the request saw it
     */
    public static String of(String purposeKey, String label, String realm, String host) {
        String id = "<" + atom(purposeKey, "purpose") + "." + atom(realm, "realm") + "." + domain(host) + ">";
        String phrase = phrase(label);
        return phrase == null ? id : phrase + " " + id;
    }

    /** Lower case letters, digits and single hyphens between them. */
    private static String atom(String text, String fallback) {
        String atom = text == null ? "" : text.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-")
                .replaceAll("^-+|-+$", "");
        return atom.isEmpty() ? fallback : atom;
    }

    private static String domain(String host) {
        StringBuilder labels = new StringBuilder();
        for (String label : (host == null ? "" : host).split("\\.")) {
            String atom = atom(label, "");
            if (!atom.isEmpty()) {
                labels.append(labels.length() == 0 ? "" : ".").append(atom);
            }
        }
        return labels.length() == 0 ? "localhost" : labels.toString();
    }

    private static String phrase(String label) {
        if (label == null || label.isBlank()) {
            return null;
        }
        String text = label.strip().replaceAll("\\p{Cntrl}+", " ");
        if (text.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
            return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
        }
        String word = "=?UTF-8?B?" + Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8)) + "?=";
        return word.length() <= MAX_ENCODED_WORD ? word : null;
    }
}
