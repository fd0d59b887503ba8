package dev.idconsent.consent;

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
        byte[] address = IpRange.literal(peer);
        if (address == null) {
            return false;
        }
        for (String proxy : proxies) {
            IpRange range = range(proxy);
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

    /** The range of an entry; {@code null} when it is none. */
    private static IpRange range(String entry) {
        try {
            return entry == null || entry.isEmpty() ? null : IpRange.parse(entry);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static ConsentException invalid(String message) {
        return new ConsentException(ErrorCode.INVALID_REQUEST, message);
    }
}
