package dev.idconsent.consent.lifecycle;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import org.jboss.resteasy.reactive.server.core.CurrentRequestManager;
import org.jboss.resteasy.reactive.server.core.ResteasyReactiveRequestContext;

/**
 * The address at the other end of the TCP connection a request came on. Keycloak's {@code ClientConnection} gives the
 * client's address from {@code X-Forwarded-For}/{@code Forwarded} once proxy headers are on ({@code proxy-headers}),
 * which is what a trusted-proxy check must not believe; the connection's own peer is the proxy itself.
 */
final class TcpPeer {
    private TcpPeer() {
    }

    /** {@code null} outside a request (e.g. a timer task). */
    static String address() {
        ResteasyReactiveRequestContext context = CurrentRequestManager.get();
        HttpServerRequest request = context == null ? null : context.unwrap(HttpServerRequest.class);
        SocketAddress peer = request == null || request.connection() == null ? null
                : request.connection().remoteAddress();
        return peer == null ? null : peer.hostAddress();
    }
}
