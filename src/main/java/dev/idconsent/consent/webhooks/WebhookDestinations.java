package dev.idconsent.consent.webhooks;

import dev.idconsent.consent.IpRange;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where the server may send webhooks: any address on the internet, and addresses inside a network (loopback,
 * link-local, private, any-local, multicast) only if the server option {@value #OPTION} names them.
 *
 * <p>Without this rule whoever holds manage-realm could make Keycloak send requests into its own network: to an
 * internal service, to {@code localhost}, or to the cloud's metadata service at 169.254.169.254 (server-side
 * request forgery). The rule is applied to the addresses a host name resolves to, not to how the URL spells them,
 * so {@code http://2130706433/}, {@code http://[::ffff:127.0.0.1]/} or a name that points inward are caught too.
 *
 * <p>The allow-list holds host names (as written in the URL, case-insensitive), addresses and CIDR ranges,
 * separated by commas: {@code crm.internal,10.20.0.0/16,127.0.0.1,fd00::/8}.
 */
public final class WebhookDestinations {
    public static final String OPTION = "--spi-idc-webhooks--default--" + WebhookSettings.ALLOWED_DESTINATIONS;
    public static final WebhookDestinations NONE = new WebhookDestinations(Set.of(), List.of(), "");

    private static final Pattern HOST = Pattern.compile(
            "[a-z0-9]([a-z0-9_-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9_-]*[a-z0-9])?)*");

    private final Set<String> hosts;
    private final List<IpRange> ranges;
    private final String text;

    private WebhookDestinations(Set<String> hosts, List<IpRange> ranges, String text) {
        this.hosts = hosts;
        this.ranges = ranges;
        this.text = text;
    }

    /** A destination refused by the rule: the address the host resolved to and its class. */
    public record Refusal(String host, InetAddress address, String addressClass) {
        /**
         * e.g. {@code 10.1.2.3, a private address} or {@code 'intranet', which resolves to 10.1.2.3, a private
         * address}.
         */
        public String describe() {
            String ip = address.getHostAddress();
            String what = ip + ", " + article(addressClass) + " " + addressClass + " address";
            return literal(host) != null ? what : "'" + host + "', which resolves to " + what;
        }

        private static String article(String addressClass) {
            return addressClass.startsWith("a") ? "an" : "a";
        }
    }

    /**
     * Parses the option's value: comma-separated host names, addresses and CIDR ranges.
     *
     * @throws IllegalArgumentException naming the entry that is none of these (the server refuses to start)
     */
    public static WebhookDestinations parse(String value) {
        if (value == null || value.isBlank()) {
            return NONE;
        }
        Set<String> hosts = new HashSet<>();
        List<IpRange> ranges = new ArrayList<>();
        for (String raw : value.split(",")) {
            String entry = raw.strip();
            if (entry.isEmpty()) {
                continue;
            }
            IpRange range;
            try {
                int slash = entry.indexOf('/');
                range = IpRange.parse(hostName(slash < 0 ? entry : entry.substring(0, slash))
                        + (slash < 0 ? "" : entry.substring(slash)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("idc-webhooks: " + WebhookSettings.ALLOWED_DESTINATIONS + ": "
                        + e.getMessage());
            }
            if (range == null) {
                String name = hostName(entry);
                if (entry.indexOf('/') >= 0 || !HOST.matcher(name).matches()) {
                    throw new IllegalArgumentException("idc-webhooks: " + WebhookSettings.ALLOWED_DESTINATIONS
                            + " must list host names, IP addresses and CIDR ranges separated by commas, not '"
                            + entry + "'");
                }
                hosts.add(name);
                continue;
            }
            ranges.add(range);
        }
        return new WebhookDestinations(Set.copyOf(hosts), List.copyOf(ranges), value.strip());
    }

    /**
     * The class of an address that lies inside a network — {@code loopback}, {@code link-local}, {@code private},
     * {@code any-local} or {@code multicast} — or {@code null} for an address on the internet.
     */
    public static String restrictedClass(InetAddress address) {
        if (address instanceof Inet6Address v6) {
            byte[] b = v6.getAddress();
            InetAddress embedded = embeddedIpv4(b);
            if (embedded != null) {
                return restrictedClass(embedded);
            }
            if ((b[0] & 0xfe) == 0xfc) {
                return "private"; // unique local fc00::/7 (RFC 4193); isSiteLocalAddress knows only fec0::/10
            }
        } else {
            byte[] b = address.getAddress();
            if (b[0] == 0) {
                return "any-local"; // 0.0.0.0/8, "this network": Linux connects 0.x.x.x to the host itself
            }
            if ((b[0] & 0xff) == 100 && (b[1] & 0xc0) == 64) {
                return "private"; // 100.64.0.0/10, shared address space (RFC 6598), e.g. Alibaba's metadata service
            }
            if ((b[0] & 0xff) == 255 && (b[1] & 0xff) == 255 && (b[2] & 0xff) == 255 && (b[3] & 0xff) == 255) {
                return "multicast"; // the broadcast address
            }
        }
        if (address.isAnyLocalAddress()) {
            return "any-local";
        }
        if (address.isLoopbackAddress()) {
            return "loopback";
        }
        if (address.isLinkLocalAddress()) {
            return "link-local";
        }
        if (address.isSiteLocalAddress()) {
            return "private";
        }
        if (address.isMulticastAddress()) {
            return "multicast";
        }
        return null;
    }

    /**
     * Resolves the URL's host and applies the rule to every address it has (the HTTP client may use any of them).
     *
     * @return the refusal, or {@code null} if the server may send there
     * @throws UnknownHostException if the host has no address
     */
    public Refusal check(String host) throws UnknownHostException {
        String name = hostName(host);
        if (hosts.contains(name)) {
            return null; // allowed by name, wherever it points
        }
        return refusal(name, InetAddress.getAllByName(name));
    }

    /** The rule for a host already resolved to these addresses. */
    Refusal refusal(String host, InetAddress... addresses) {
        String name = hostName(host);
        if (hosts.contains(name)) {
            return null;
        }
        for (InetAddress address : addresses) {
            String addressClass = restrictedClass(address);
            if (addressClass != null && ranges.stream().noneMatch(r -> r.contains(address))) {
                return new Refusal(name, address, addressClass);
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return text;
    }

    /** A URL host without IPv6 brackets and a trailing dot, lower case. */
    private static String hostName(String host) {
        String h = host.strip().toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        return h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
    }

    /** The bytes of an IPv4 or IPv6 literal, without any DNS look-up; {@code null} if it is not one. */
    private static byte[] literal(String text) {
        return IpRange.literal(hostName(text));
    }

    /**
     * The IPv4 address inside an IPv4-mapped ({@code ::ffff:a.b.c.d}), IPv4-compatible ({@code ::a.b.c.d}) or NAT64
     * ({@code 64:ff9b::/96}) address: where a connection to it ends up.
     */
    private static InetAddress embeddedIpv4(byte[] b) {
        boolean compatible = true;
        for (int i = 0; i < 12; i++) {
            compatible &= b[i] == 0;
        }
        boolean mapped = (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
        for (int i = 0; i < 10 && mapped; i++) {
            mapped = b[i] == 0;
        }
        boolean nat64 = b[0] == 0 && b[1] == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b;
        for (int i = 4; i < 12 && nat64; i++) {
            nat64 = b[i] == 0;
        }
        if (!(compatible && (b[12] != 0 || b[13] != 0 || b[14] != 0 || (b[15] & 0xfe) != 0)) && !mapped && !nat64) {
            return null; // :: and ::1 are not IPv4-compatible addresses
        }
        try {
            return Inet4Address.getByAddress(new byte[] {b[12], b[13], b[14], b[15]});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
