package dev.idconsent.consent;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An IP address or CIDR range ({@code 10.0.0.0/8}, {@code 2001:db8::/32}), from text that is never looked up in DNS:
 * the webhooks' allowed destinations and the proxies a region header is believed from.
 *
 * @param network the address's bytes (4 or 16)
 * @param prefix  how many leading bits must match
 */
public record IpRange(byte[] network, int prefix) {
    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");

    /**
     * @return the range, or {@code null} when the part before any {@code /} is no IP literal (e.g. a host name)
     * @throws IllegalArgumentException when the prefix length is not a number from 0 to the address's bits
     */
    public static IpRange parse(String entry) {
        int slash = entry.indexOf('/');
        byte[] bytes = literal(slash < 0 ? entry : entry.substring(0, slash));
        if (bytes == null) {
            return null;
        }
        int bits = bytes.length * 8;
        int prefix = bits;
        if (slash >= 0) {
            try {
                prefix = Integer.parseInt(entry.substring(slash + 1));
            } catch (NumberFormatException e) {
                prefix = -1;
            }
            if (prefix < 0 || prefix > bits) {
                throw new IllegalArgumentException("the prefix length of '" + entry + "' must be 0 to " + bits);
            }
        }
        return new IpRange(bytes, prefix);
    }

    /** The bytes of an IPv4 or IPv6 literal (lower-case, no brackets), without any DNS look-up; else {@code null}. */
    public static byte[] literal(String text) {
        if (text == null) {
            return null;
        }
        Matcher v4 = IPV4.matcher(text);
        if (v4.matches()) {
            byte[] out = new byte[4];
            for (int i = 0; i < 4; i++) {
                int part = Integer.parseInt(v4.group(i + 1));
                if (part > 255) {
                    return null;
                }
                out[i] = (byte) part;
            }
            return out;
        }
        if (text.contains(":") && text.matches("[0-9a-fA-F:.]+")) {
            try {
                return InetAddress.getByName(text).getAddress(); // a literal with a colon is never looked up
            } catch (UnknownHostException e) {
                return null;
            }
        }
        return null;
    }

    public boolean contains(InetAddress address) {
        return contains(address.getAddress());
    }

    public boolean contains(byte[] address) {
        if (address.length != network.length) {
            return false;
        }
        for (int bit = 0; bit < prefix; bit++) {
            int mask = 0x80 >>> (bit % 8);
            if ((address[bit / 8] & mask) != (network[bit / 8] & mask)) {
                return false;
            }
        }
        return true;
    }
}
