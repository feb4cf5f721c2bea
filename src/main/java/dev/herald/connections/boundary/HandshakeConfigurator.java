package dev.herald.connections.boundary;

import dev.herald.connections.control.OriginPolicy;
import jakarta.enterprise.inject.spi.CDI;
import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.Session;
import jakarta.websocket.server.HandshakeRequest;
import jakarta.websocket.server.ServerEndpointConfig;
import java.util.List;
import java.util.Map;

/**
 * The endpoint's configurator: repeats the {@link OriginPolicy} check on the handshake headers, for
 * the case that {@link HandshakeFilter} was left out (a host application whose web.xml ignores
 * Herald's web-fragment). {@code checkOrigin} cannot do it: it sees the Origin but not the Host.
 * The verdict goes into the handshake's own copy of the user properties (WebSocket 2.1, 4.1.5), and
 * the endpoint closes a refused session with 1008 "origin not allowed".
 * Does not override {@code getEndpointInstance}, so the container still creates endpoints through CDI.
 */
public class HandshakeConfigurator extends ServerEndpointConfig.Configurator {

    private static final String ORIGIN_REFUSED = HandshakeConfigurator.class.getName() + ".originRefused";

    private volatile OriginPolicy origins;

    /** Created by the container, once per endpoint. */
    public HandshakeConfigurator() {
    }

    @Override
    public void modifyHandshake(ServerEndpointConfig config, HandshakeRequest request, HandshakeResponse response) {
        OriginPolicy origins = this.origins;
        if (origins == null) {
            origins = CDI.current().select(OriginPolicy.class).get(); // the application-scoped proxy, stable for the deployment
            this.origins = origins;
        }
        boolean allowed = origins.allows(header(request.getHeaders(), "Origin"), header(request.getHeaders(), "Host"));
        config.getUserProperties().put(ORIGIN_REFUSED, !allowed);
    }

    /**
     * @param session a session that has just opened
     * @return true when its handshake came from an origin the policy refuses
     */
    static boolean originRefused(Session session) {
        return Boolean.TRUE.equals(session.getUserProperties().get(ORIGIN_REFUSED));
    }

    private static String header(Map<String, List<String>> headers, String name) {
        for (Map.Entry<String, List<String>> header : headers.entrySet()) {
            if (name.equalsIgnoreCase(header.getKey()) && !header.getValue().isEmpty()) {
                return header.getValue().get(0);
            }
        }
        return null;
    }
}
