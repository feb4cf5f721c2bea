package dev.herald.it.host.endpointclash;

import jakarta.websocket.OnMessage;
import jakarta.websocket.server.ServerEndpoint;

/** A host WebSocket endpoint on Herald's default path in a host: the deployment must fail with Herald's message. */
@ServerEndpoint("/herald/ws")
public class HostSocket {

    /**
     * @param text a message
     * @return the same text
     */
    @OnMessage
    public String echo(String text) {
        return text;
    }
}
