package dev.herald.connections.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;
import java.lang.reflect.Proxy;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Which context class loader a container's send sees, and which the completion handler sees. */
class WebSocketTransportTest {

    private final ClassLoader application = new URLClassLoader(new URL[0], getClass().getClassLoader());
    private final List<ClassLoader> sendsSaw = new ArrayList<>();
    private final List<ClassLoader> handlerSaw = new ArrayList<>();
    private ClassLoader before;
    private long idleTimeout;

    private final RemoteEndpoint.Async remote = (RemoteEndpoint.Async) Proxy.newProxyInstance(
            getClass().getClassLoader(), new Class<?>[]{RemoteEndpoint.Async.class}, (proxy, method, args) -> {
                sendsSaw.add(Thread.currentThread().getContextClassLoader());
                if (method.getName().equals("sendText")) {
                    ((SendHandler) args[1]).onResult(new SendResult()); // inline, as Tyrus often does
                }
                return null;
            });

    private final Session session = (Session) Proxy.newProxyInstance(
            getClass().getClassLoader(), new Class<?>[]{Session.class}, (proxy, method, args) -> switch (method.getName()) {
                case "getAsyncRemote" -> remote;
                case "getMaxIdleTimeout" -> idleTimeout;
                default -> throw new UnsupportedOperationException(method.getName());
            });

    @BeforeEach
    void asAnApplicationThread() {
        before = Thread.currentThread().getContextClassLoader();
        Thread.currentThread().setContextClassLoader(application);
    }

    @AfterEach
    void restore() {
        Thread.currentThread().setContextClassLoader(before);
    }

    @Test
    void onTyrusTheSendSeesThePlatformLoaderAndTheHandlerTheThreadsOwn() throws Exception {
        WebSocketTransport transport = new WebSocketTransport(session, true);
        transport.sendText("{}", result -> handlerSaw.add(Thread.currentThread().getContextClassLoader()));
        transport.sendPing(ByteBuffer.allocate(1));

        assertEquals(List.of(ClassLoader.getPlatformClassLoader(), ClassLoader.getPlatformClassLoader()), sendsSaw);
        assertEquals(List.of(application), handlerSaw);
        assertSame(application, Thread.currentThread().getContextClassLoader(), "restored after the send");
    }

    @Test
    void withAnIdleTimeoutOrOnAnotherContainerNothingChanges() throws Exception {
        idleTimeout = 30_000; // the timer's task would close the session: it keeps the application's context
        new WebSocketTransport(session, true).sendText("{}", result -> handlerSaw.add(Thread.currentThread().getContextClassLoader()));
        idleTimeout = 0;
        WebSocketTransport other = new WebSocketTransport(session, false);
        other.sendText("{}", result -> handlerSaw.add(Thread.currentThread().getContextClassLoader()));
        other.sendPing(ByteBuffer.allocate(1));

        assertEquals(List.of(application, application, application), sendsSaw);
        assertEquals(List.of(application, application), handlerSaw);
    }
}
