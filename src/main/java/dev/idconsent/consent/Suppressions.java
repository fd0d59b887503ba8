package dev.idconsent.consent;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Opt-outs that outlive the account. When an account is deleted, each "no" to an optional purpose on a channel with
 * an address ({@code email}, {@code sms}) leaves an entry: a keyed hash of the normalized address (HMAC-SHA256 with a
 * secret of the realm, so a list of addresses cannot be hashed and compared without it), the purpose, the channel
 * and the time — nothing else about the person. A new account with that address starts with those purposes
 * switched off (recorded by the one writer with {@code via=suppression}); the person can switch them on again.
 * The latest will counts: a deleted account that had said yes removes an earlier entry for its address.
 */
public final class Suppressions {
    public static final String SMS = "sms";
    /** The channels whose address identifies a person across accounts. */
    public static final List<String> CHANNELS = List.of(Purpose.EMAIL, SMS);

    /** Where the entries are kept; runs in the caller's transaction. */
    public interface Store {
        /** Adds the entry, or moves its time if it exists. */
        void put(String addressHash, String purpose, String channel, Instant at);

        /** @return how many entries were removed ({@code purpose}/{@code channel} {@code null}: any) */
        int remove(String addressHash, String purpose, String channel);

        List<Entry> of(String addressHash);

        /** Entries per purpose and channel. */
        List<Count> counts();
    }

    public record Entry(String purpose, String channel, Instant at) {
    }

    public record Count(String purpose, String channel, long entries) {
    }

    private final PurposeCatalog catalog;
    private final Store store;
    private final byte[] key;
    private final Clock clock;

    /** @param key the realm's secret for the address hashes (at least 32 bytes) */
    public Suppressions(PurposeCatalog catalog, Store store, byte[] key, Clock clock) {
        if (key == null || key.length < 32) {
            throw new IllegalArgumentException("a suppression key needs at least 32 bytes");
        }
        this.catalog = catalog;
        this.store = store;
        this.key = key.clone();
        this.clock = clock;
    }

    /**
     * The address as compared: an email address trimmed and lower-cased (mailbox providers treat the local part
     * case-insensitively in practice); a phone number with only its digits and a leading {@code +}.
     *
     * @return {@code null} when there is no usable address
     */
    public static String normalize(String channel, String address) {
        if (address == null || address.isBlank()) {
            return null;
        }
        if (SMS.equals(channel)) {
            String trimmed = address.trim();
            String digits = trimmed.replaceAll("[^0-9]", "");
            return digits.isEmpty() ? null : (trimmed.startsWith("+") ? "+" : "") + digits;
        }
        return address.trim().toLowerCase(Locale.ROOT);
    }

    /** The keyed hash of an address on a channel; {@code null} when there is no usable address. */
    public String hash(String channel, String address) {
        String normalized = normalize(channel, address);
        if (normalized == null) {
            return null;
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal((channel + ":" + normalized).getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Before an account is deleted: each no of an optional purpose on a channel with an address becomes an entry,
     * each yes there removes an earlier one (the latest will counts).
     *
     * @param addresses channel → the account's address on it (email, phone number)
     * @param current   the account's explicit answers
     * @return the entries written
     */
    public int remember(Map<String, String> addresses, List<Choice> current) {
        Instant now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS); // what the store keeps
        int written = 0;
        for (Choice choice : current) {
            Purpose purpose = catalog.find(choice.purpose()).orElse(null);
            String address = choice.channel() == null ? null : addresses.get(choice.channel());
            if (purpose == null || !purpose.mechanism().optional() || choice.channel() == null
                    || !CHANNELS.contains(choice.channel())) {
                continue;
            }
            String hash = hash(choice.channel(), address);
            if (hash == null) {
                continue;
            }
            if (choice.state() == ChoiceState.DENIED) {
                store.put(hash, choice.purpose(), choice.channel(), now);
                written++;
            } else if (choice.state() == ChoiceState.GRANTED) {
                store.remove(hash, choice.purpose(), choice.channel());
            }
        }
        return written;
    }

    /**
     * For a new account: the no's its addresses carry, as changes for {@link ConsentService#record} — active
     * optional purposes that still have the channel only.
     *
     * @param addresses channel → the account's address on it
     * @return purpose/channel → when the address objected
     */
    public Map<ChangeRequest, Instant> carried(Map<String, String> addresses) {
        Map<ChangeRequest, Instant> changes = new LinkedHashMap<>();
        for (String channel : CHANNELS) {
            String hash = hash(channel, addresses.get(channel));
            if (hash == null) {
                continue;
            }
            for (Entry entry : store.of(hash)) {
                boolean applies = entry.channel().equals(channel) && catalog.find(entry.purpose())
                        .filter(p -> !p.retired() && p.mechanism().optional() && p.channels().contains(channel))
                        .isPresent();
                if (applies) {
                    changes.put(new ChangeRequest(entry.purpose(), channel, false, null), entry.at());
                }
            }
        }
        return changes;
    }

    /**
     * An admin takes entries back (e.g. the person asked to be mailed again before having an account).
     *
     * @return how many were removed
     */
    public int remove(String channel, String address, String purpose) {
        if (!CHANNELS.contains(channel)) {
            throw new ConsentException(ErrorCode.INVALID_VALUE, "\"channel\" must be one of " + String.join(", ",
                    CHANNELS) + ", not '" + channel + "'");
        }
        String hash = hash(channel, address);
        if (hash == null) {
            throw new ConsentException(ErrorCode.INVALID_VALUE, "\"address\" is required");
        }
        return store.remove(hash, purpose, channel);
    }

    public List<Count> counts() {
        return new ArrayList<>(store.counts());
    }
}
