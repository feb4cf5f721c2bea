package dev.herald.handshake.boundary;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;

/**
 * The handshake request as {@link HandshakeFilter} hands it to the container's WebSocket upgrade: the
 * same request, except that {@link #getLocalName()} is the local IP address instead of a host name.
 * Tyrus (Payara) reads the local name on every upgrade, and Grizzly answers it with a reverse DNS
 * lookup of the server's address, uncached, on the HTTP thread: where the resolver is slow to say it
 * has no name for that address, that lookup was most of a handshake's time (JFR: 93% of the HTTP
 * threads' native samples during {@code DeliveryIT}'s connect churn; about 50 ms a lookup
 * here, 200 ms with four at once).
 */
final class LocalAddressRequest extends HttpServletRequestWrapper {

    /** @param request the handshake request */
    LocalAddressRequest(HttpServletRequest request) {
        super(request);
    }

    /** @return the local IP address ({@link #getLocalAddr()}), never a reverse DNS lookup */
    @Override
    public String getLocalName() {
        return getLocalAddr();
    }
}
