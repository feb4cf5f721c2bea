package dev.herald.connections.control;

import jakarta.websocket.CloseReason;
import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.SendHandler;
import jakarta.websocket.Session;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A WebSocket session as a {@link Transport}: the container's {@link RemoteEndpoint.Async}.
 *
 * <p>On Tyrus (Payara) every send re-arms the session's idle timer on the container's managed
 * scheduled executor, whose context capture looks up {@code ThreadContextProvider}s with a
 * {@code ServiceLoader} scan of the thread's context class loader: on Payara Micro, every jar of the
 * application and of the server, 81 % of a writer thread's CPU in P4's JFR view. While no idle
 * timeout is set (Herald's heartbeat finds dead clients; the timer's task then does nothing), a send
 * runs with the platform class loader as context class loader, whose scan reads the JDK's modules
 * only; the completion handler runs with the thread's own loader again.
 */
public final class WebSocketTransport implements Transport {

    private static final ClassLoader SCAN_FREE = ClassLoader.getPlatformClassLoader();

    private final Session session;
    private final RemoteEndpoint.Async remote;
    private final boolean tyrus;

    /** @param session an open session */
    public WebSocketTransport(Session session) {
        this(session, session.getClass().getName().startsWith("org.glassfish.tyrus."));
    }

    /**
     * @param session an open session
     * @param tyrus   true when it is a Tyrus session (whose sends re-arm the idle timer through the managed executor)
     */
    WebSocketTransport(Session session, boolean tyrus) {
        this.session = session;
        this.remote = session.getAsyncRemote();
        this.tyrus = tyrus;
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
        if (!scanFree()) {
            remote.sendText(text, done);
            return;
        }
        ClassLoader own = Thread.currentThread().getContextClassLoader();
        SendHandler withOwnLoader = result -> withLoader(own, () -> done.onResult(result)); // often called inline
        withLoader(SCAN_FREE, () -> remote.sendText(text, withOwnLoader));
    }

    @Override
    public void sendPing(ByteBuffer probe) throws IOException {
        // the client's pong confirms it (SessionSender#acknowledge)
        if (scanFree()) {
            withLoader(SCAN_FREE, () -> remote.sendPing(probe));
        } else {
            remote.sendPing(probe);
        }
    }

    private boolean scanFree() {
        return tyrus && session.getMaxIdleTimeout() <= 0;
    }

    /** A call that may throw {@code E}. */
    private interface Call<E extends Exception> {
        void run() throws E;
    }

    private static <E extends Exception> void withLoader(ClassLoader loader, Call<E> call) throws E {
        Thread thread = Thread.currentThread();
        ClassLoader before = thread.getContextClassLoader();
        thread.setContextClassLoader(loader);
        try {
            call.run();
        } finally {
            thread.setContextClassLoader(before);
        }
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
