package dev.herald.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URL;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What the three servers implement differently underneath Herald: many threads sending to one session (Liberty
 * refuses overlapping async writes), a client that stops reading (each container buffers and closes differently),
 * and pings mixed into a busy send queue. Runs unchanged on Payara Micro, WildFly and Open Liberty.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class PortabilityIT {

    private static final int SENDERS = 8;
    private static final int PER_SENDER = 25;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.herald(Map.of(
                "herald.heartbeat.interval-ms", "300", // pings interleave with the sends below
                "herald.heartbeat.timeout-ms", "30000",
                "herald.send.time-limit-ms", "3000"));
    }

    @ArquillianResource
    URL base;

    @Test
    void concurrentSendsToOneUserReachEverySessionOnceAndInOrderPerSender() throws Exception {
        long failuresBefore = stats().getJsonNumber("sendFailures").longValue();
        try (WsClient tab1 = WsClient.connect(base, "alice");
             WsClient tab2 = WsClient.connect(base, "alice")) {
            ExecutorService senders = Executors.newFixedThreadPool(SENDERS);
            try {
                List<Future<?>> done = new ArrayList<>();
                for (int s = 0; s < SENDERS; s++) {
                    int sender = s;
                    done.add(senders.submit(() -> {
                        for (int i = 0; i < PER_SENDER; i++) {
                            HttpResponse<String> response = Rest.post(base, "ops", "notifications/1",
                                    "{\"message\":\"burst\",\"sender\":" + sender + ",\"i\":" + i + "}");
                            assertEquals(200, response.statusCode(), response.body());
                            assertEquals(2, CoreIT.json(response.body()).getInt("sessions"));
                        }
                        return null;
                    }));
                }
                for (Future<?> future : done) {
                    future.get();
                }
            } finally {
                senders.shutdownNow();
            }
            assertReceivedEveryMessageInSenderOrder(tab1);
            assertReceivedEveryMessageInSenderOrder(tab2);
            assertFalse(tab1.closed().isDone(), "the session survives concurrent sends");
            assertFalse(tab2.closed().isDone(), "the session survives concurrent sends");
        }
        assertEquals(failuresBefore, stats().getJsonNumber("sendFailures").longValue(), "no write failed");
    }

    private static void assertReceivedEveryMessageInSenderOrder(WsClient client) throws InterruptedException {
        int[] next = new int[SENDERS];
        Set<String> seen = new HashSet<>();
        for (int n = 0; n < SENDERS * PER_SENDER; n++) {
            String text = client.next(10_000);
            assertTrue(text != null, "message " + n + " of " + SENDERS * PER_SENDER + " arrived");
            assertTrue(seen.add(text), "no duplicate: " + text);
            JsonObject message = CoreIT.json(text);
            int sender = message.getInt("sender");
            assertEquals(next[sender]++, message.getInt("i"), "one sender's messages arrive in the order it sent them");
        }
        assertNull(client.next(300), "nothing beyond what was sent");
    }

    @Test
    void aClientThatStopsReadingIsClosedAsSlowConsumerAndOthersKeepReceiving() throws Exception {
        long slowBefore = stats().getJsonNumber("slowConsumerCloses").longValue();
        try (WsClient bob = WsClient.connect(base, "bob");
             Socket stalled = stalledHandshake(base, "carol")) {
            CoreIT.waitFor(() -> CoreIT.json(Rest.get(base, "ops", "connections/3").body()).getInt("sessions") == 1);
            String payload = "x".repeat(128 * 1024); // the kernel alone buffers up to 4 MiB per socket here
            for (int i = 0; i < 128 && stats().getJsonNumber("slowConsumerCloses").longValue() == slowBefore; i++) {
                Rest.post(base, "ops", "notifications/3", "{\"message\":\"big\",\"payload\":\"" + payload + "\"}");
            }
            CoreIT.waitFor(() -> stats().getJsonNumber("slowConsumerCloses").longValue() == slowBefore + 1, 30_000);
            CoreIT.waitFor(() -> CoreIT.json(Rest.get(base, "ops", "connections/3").body()).getInt("sessions") == 0);

            Rest.post(base, "ops", "notifications/2", "{\"message\":\"still served\"}");
            assertEquals("still served", CoreIT.json(bob.next(5000)).getString("message"));
            assertFalse(bob.closed().isDone());
        }
    }

    private JsonObject stats() throws Exception {
        return CoreIT.json(Rest.get(base, "ops", "stats").body());
    }

    /**
     * Opens an authenticated WebSocket over a plain socket with a tiny receive window, reads the 101 answer, and
     * then never reads again: the server's writes back up as they would for a stalled phone.
     */
    private static Socket stalledHandshake(URL base, String user) throws IOException {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(4096);
        socket.connect(new java.net.InetSocketAddress(base.getHost(), base.getPort()), 10_000);
        socket.setSoTimeout(10_000);
        String request = "GET " + base.getPath() + "ws HTTP/1.1\r\n"
                + "Host: " + base.getHost() + ":" + base.getPort() + "\r\n"
                + "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                + "Authorization: " + WsClient.basic(user, user) + "\r\n\r\n";
        socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed during the handshake: " + head);
            }
            head.write(b);
        }
        String status = head.toString(StandardCharsets.US_ASCII).lines().findFirst().orElse("");
        assertTrue(status.contains(" 101 "), status);
        return socket;
    }
}
