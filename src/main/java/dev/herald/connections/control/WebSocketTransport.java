package dev.herald.connections.control;

import jakarta.websocket.CloseReason;
import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.SendHandler;
import jakarta.websocket.Session;
import java.io.IOException;
import java.nio.ByteBuffer;

/** A WebSocket session as a {@link Transport}: the container's {@link RemoteEndpoint.Async}. */
public final class WebSocketTransport implements Transport {

    private final Session session;
    private final RemoteEndpoint.Async remote;

    /** @param session an open session */
    public WebSocketTransport(Session session) {
        this.session = session;
        this.remote = session.getAsyncRemote();
    }

    @Override
    public String id() {
        return session.getId();
    }

    @Override
    public boolean isOpen() {
        return session.isOpen();
    }

    @Override
    public void sendText(String text, SendHandler done) {
        remote.sendText(text, done);
    }

    @Override
    public void sendPing(ByteBuffer probe) throws IOException {
        remote.sendPing(probe); // the client's pong confirms it (SessionSender#acknowledge)
    }

    @Override
    public void close(CloseReason reason) throws IOException {
        session.close(reason);
    }

    @Override
    public Session webSocket() {
        return session;
    }

    @Override
    public String toString() {
        return "session " + session.getId();
    }
}
