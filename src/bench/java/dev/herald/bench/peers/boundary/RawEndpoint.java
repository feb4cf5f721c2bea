package dev.herald.bench.peers.boundary;

import dev.herald.bench.peers.control.RawSessions;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.PathParam;
import jakarta.websocket.server.ServerEndpoint;

/** The raw peer's endpoint (benchmark only): the user id is in the path, nobody is authenticated. */
@Dependent
@ServerEndpoint("/raw/{user}")
public class RawEndpoint {

    @Inject
    RawSessions sessions;

    /** Created by the container, one per connection. */
    public RawEndpoint() {
    }

    /**
     * @param session the new session
     * @param user    the user id from the path
     */
    @OnOpen
    public void open(Session session, @PathParam("user") long user) {
        sessions.put(user, session);
    }

    /**
     * @param session the closed session
     * @param user    the user id from the path
     */
    @OnClose
    public void close(Session session, @PathParam("user") long user) {
        sessions.remove(user, session);
    }
}
