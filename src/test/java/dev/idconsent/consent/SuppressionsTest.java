package dev.idconsent.consent;

import static dev.idconsent.consent.InMemory.optIn;
import static dev.idconsent.consent.InMemory.optOut;
import static dev.idconsent.consent.InMemory.required;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Suppressions: opt-outs that outlive the account")
class SuppressionsTest {
    static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    static final Map<String, String> ADDRESSES = Map.of("email", " Alice@Example.COM ", "sms", "+49 (170) 123-45");

    final InMemory.Catalog catalog = new InMemory.Catalog(optOut("newsletter", "email", "sms"),
            optIn("offers", "email"), required("alerts", "email"), optIn("analytics"),
            optIn("survey", "email").withRetired(true));
    final List<String[]> rows = new ArrayList<>();
    final Suppressions.Store store = new Suppressions.Store() {
        @Override
        public void put(String hash, String purpose, String channel, Instant at) {
            remove(hash, purpose, channel);
            rows.add(new String[] {hash, purpose, channel, at.toString()});
        }

        @Override
        public int remove(String hash, String purpose, String channel) {
            int before = rows.size();
            rows.removeIf(r -> r[0].equals(hash) && (purpose == null || r[1].equals(purpose))
                    && (channel == null || r[2].equals(channel)));
            return before - rows.size();
        }

        @Override
        public List<Suppressions.Entry> of(String hash) {
            return rows.stream().filter(r -> r[0].equals(hash))
                    .map(r -> new Suppressions.Entry(r[1], r[2], Instant.parse(r[3]))).toList();
        }

        @Override
        public List<Suppressions.Count> counts() {
            return List.of();
        }
    };
    final Suppressions suppressions = new Suppressions(catalog, store, KEY, InMemory.CLOCK);

    static Choice choice(String purpose, String channel, ChoiceState state) {
        return new Choice(purpose, channel, state, 1, Via.ACCOUNT, new Actor("a", "alice", Actor.Kind.USER), null,
                InMemory.NOW_MILLIS, 1);
    }

    @Test
    @DisplayName("given addresses written differently, then they are compared as one: email lower-cased and trimmed,"
            + " a phone number as its digits with a leading +")
    void normalize() {
        assertThat(Suppressions.normalize("email", " Alice@Example.COM ")).isEqualTo("alice@example.com");
        assertThat(Suppressions.normalize("sms", "+49 (170) 123-45")).isEqualTo("+4917012345");
        assertThat(Suppressions.normalize("sms", "0170/12345")).isEqualTo("017012345");
        assertThat(Suppressions.normalize("email", "  ")).isNull();
        assertThat(suppressions.hash("email", "alice@example.com"))
                .isEqualTo(suppressions.hash("email", "ALICE@example.com "));
    }

    @Test
    @DisplayName("given the list, then an entry is no plain hash a dictionary reverses: it depends on the realm's key")
    void keyedHash() throws Exception {
        String plain = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest("email:alice@example.com".getBytes(StandardCharsets.UTF_8)));
        String keyed = suppressions.hash("email", "alice@example.com");
        assertThat(keyed).hasSize(64).isNotEqualTo(plain);
        byte[] otherKey = "fedcba9876543210fedcba9876543210".getBytes(StandardCharsets.US_ASCII);
        assertThat(new Suppressions(catalog, store, otherKey, InMemory.CLOCK).hash("email", "alice@example.com"))
                .isNotEqualTo(keyed);
    }

    @Test
    @DisplayName("given an account is deleted, then each no on email or sms of an optional purpose is kept, nothing"
            + " else; a new account with the address starts with those no's")
    void rememberedAndCarried() {
        int written = suppressions.remember(ADDRESSES, List.of(
                choice("newsletter", "email", ChoiceState.DENIED),
                choice("newsletter", "sms", ChoiceState.DENIED),
                choice("offers", "email", ChoiceState.GRANTED),
                choice("analytics", null, ChoiceState.DENIED)));

        assertThat(written).isEqualTo(2);
        assertThat(rows).extracting(r -> r[1] + "/" + r[2]).containsExactly("newsletter/email", "newsletter/sms");
        assertThat(rows).allSatisfy(r -> assertThat(String.join(" ", r)).doesNotContain("alice", "170"));

        Map<ChangeRequest, Instant> carried = suppressions.carried(Map.of("email", "alice@EXAMPLE.com"));
        assertThat(carried).containsExactly(entry(new ChangeRequest("newsletter", "email", false, null),
                InMemory.NOW_MILLIS));
    }

    @Test
    @DisplayName("given a later account with the address said yes before it was deleted, then its entry goes: the"
            + " latest will counts")
    void latestWillCounts() {
        suppressions.remember(ADDRESSES, List.of(choice("offers", "email", ChoiceState.DENIED)));
        assertThat(rows).hasSize(1);
        suppressions.remember(ADDRESSES, List.of(choice("offers", "email", ChoiceState.GRANTED)));
        assertThat(rows).isEmpty();
    }

    @Test
    @DisplayName("given a purpose was retired since, then its entry is not carried to a new account")
    void retiredNotCarried() {
        rows.add(new String[] {suppressions.hash("email", "bob@example.com"), "survey", "email",
                InMemory.NOW_MILLIS.toString()});
        assertThat(suppressions.carried(Map.of("email", "bob@example.com"))).isEmpty();
    }
}
