package dev.herald.connections.control;

import jakarta.websocket.CloseReason;
import jakarta.websocket.SendHandler;
import jakarta.websocket.Session;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * What a session's {@link SessionSender} writes to: a WebSocket session ({@link WebSocketTransport}) or
 * a Server-Sent Events stream. Only the sender writes, one text at a time; a transport never blocks the
 * caller of {@link #sendText} on a slow client.
 */
public interface Transport {

    /** @return the session's id, as {@code SessionOpened}/{@code SessionClosed} report it */
    String id();

    /** @return true while the client may still be written to */
    boolean isOpen();

    /**
     * Writes one text message.
     *
     * @param text the message
     * @param done told exactly once when the write finished or failed (possibly on this thread)
     */
    void sendText(String text, SendHandler done);

    /**
     * Writes a delivery probe / heartbeat. A transport whose client cannot answer it (SSE) confirms the
     * probe itself once the bytes before it are written.
     *
     * @param probe the probe's payload
     * @throws IOException when the transport is broken
     */
    void sendPing(ByteBuffer probe) throws IOException;

    /**
     * Ends the session with a code and reason (an SSE stream gets them as its last event).
     *
     * @param reason the close code and phrase
     * @throws IOException when closing failed
     */
    void close(CloseReason reason) throws IOException;

    /** @return the WebSocket session behind this transport, or null for any other transport */
    Session webSocket();
}
