package dev.herald.bench.peers.boundary;

import dev.herald.bench.peers.control.NaiveManager;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.PathParam;
import jakarta.websocket.server.ServerEndpoint;

/** The naive peer's endpoint (benchmark only), wired like the seed's: connect on open, disconnect on close. */
@Dependent
@ServerEndpoint("/naive/{user}")
public class NaiveEndpoint {

    @Inject
    NaiveManager manager;

    /** Created by the container, one per connection. */
    public NaiveEndpoint() {
    }

    /**
     * @param session the new session
     * @param user    the user id from the path
     */
    @OnOpen
    public void open(Session session, @PathParam("user") long user) {
        manager.connect(user, session);
    }

    /** @param user the user id from the path */
    @OnClose
    public void close(@PathParam("user") long user) {
        manager.disconnect(user);
    }
}
