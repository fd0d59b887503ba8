package dev.idconsent.consent;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A request header with the person's ISO 3166 code that a reverse proxy in front of Keycloak sets (e.g. Cloudflare's
 * {@code CF-IPCountry}, CloudFront's {@code CloudFront-Viewer-Country}), and the addresses that proxy connects from.
 * Off by default: any client can send any header, so it is believed only from a connection whose TCP peer is one of
 * {@code proxies}, and it only fills in a code nobody has set.
 *
 * @param name    the header; {@code null}: off
 * @param proxies addresses or CIDR ranges ({@code 10.0.0.0/8}, {@code 2001:db8::/32}) of the proxy
 */
public record RegionHeader(String name, List<String> proxies) {
    public static final RegionHeader OFF = new RegionHeader(null, List.of());
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}");
    public static final int MAX_PROXIES = 50;
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f]{0,4}(:[0-9A-Fa-f.]{0,15}){2,8}");

    public RegionHeader {
        name = name == null || name.isBlank() ? null : name.trim();
        proxies = proxies == null ? List.of() : proxies.stream().map(p -> p == null ? null : p.trim()).toList();
    }

    public boolean enabled() {
        return name != null;
    }

    /** Checks both fields and names the first that is wrong. */
    public RegionHeader validate() {
        if (name != null && !NAME.matcher(name).matches()) {
            throw invalid("regionHeader '" + name + "' is not an HTTP header name");
        }
        if (name != null && proxies.isEmpty()) {
            throw invalid("regionHeader needs regionHeaderProxies: the addresses of the reverse proxy that sets it"
                    + " (a header from anywhere else is ignored)");
        }
        if (proxies.size() > MAX_PROXIES) {
            throw invalid("regionHeaderProxies lists at most " + MAX_PROXIES + " addresses");
        }
        for (String proxy : proxies) {
            if (range(proxy) == null) {
                throw invalid("regionHeaderProxies: '" + proxy + "' is not an IP address or CIDR range (e.g."
                        + " 10.0.0.0/8, 2001:db8::/32)");
            }
        }
        return this;
    }

    /** Whether a connection from {@code peer} (an IP address) is the proxy's. */
    public boolean trusts(String peer) {
        byte[] address = literal(peer);
        if (address == null) {
            return false;
        }
        for (String proxy : proxies) {
            Range range = range(proxy);
            if (range != null && range.contains(address)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The code in a header value, upper-cased; {@code null} when it is no ISO 3166 code or one of the codes proxies
     * use for "not known" ({@code XX}, {@code ZZ}; Cloudflare's {@code T1} for Tor is no code anyway).
     */
    public static String code(String value) {
        if (value == null) {
            return null;
        }
        String code = value.trim().toUpperCase(Locale.ROOT);
        return Regions.isCode(code) && !code.equals("XX") && !code.equals("ZZ") ? code : null;
    }

    private record Range(byte[] network, int bits) {
        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            for (int i = 0; i < bits; i++) {
                int mask = 0x80 >> (i % 8);
                if ((address[i / 8] & mask) != (network[i / 8] & mask)) {
                    return false;
                }
            }
            return true;
        }
    }

    private static Range range(String value) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        int slash = value.indexOf('/');
        byte[] network = literal(slash < 0 ? value : value.substring(0, slash));
        if (network == null) {
            return null;
        }
        int bits = network.length * 8;
        if (slash >= 0) {
            try {
                bits = Integer.parseInt(value.substring(slash + 1));
            } catch (NumberFormatException e) {
                return null;
            }
            if (bits < 0 || bits > network.length * 8) {
                return null;
            }
        }
        return new Range(network, bits);
    }

    /** The bytes of an IP address literal; never a name lookup. */
    private static byte[] literal(String value) {
        if (value == null || !(IPV4.matcher(value).matches() || IPV6.matcher(value).matches())) {
            return null;
        }
        try {
            return InetAddress.getByName(value).getAddress(); // a literal: never looked up
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static ConsentException invalid(String message) {
        return new ConsentException(ErrorCode.INVALID_REQUEST, message);
    }
}
