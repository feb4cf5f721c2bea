package dev.herald.cluster.control;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.it.RedisServer;
import dev.herald.sse.control.StreamForwarding.Outcome;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;

/** A client's message for another node's SSE stream, on a real redis-server: to that node's channel, or why not. */
class StreamForwarderTest extends RedisFixture {

    private static final String STREAM = "node-b.AAAAAAAAAAAAAAAAAAAAAA";

    private final StreamForwarder forwarder = new StreamForwarder(new RedisControl(link, keys, "node-a"), "node-a");

    @Test
    void reachesTheNodeOnItsOwnChannel() throws Exception {
        ConcurrentLinkedQueue<String> received = new ConcurrentLinkedQueue<>();
        ShardedSubscriptions nodeB = new ShardedSubscriptions(link, link.clients(), keys.channelsOf("node-b"), received::add, 500, task -> {
            Thread thread = new Thread(task);
            thread.setDaemon(true);
            return thread;
        });
        nodeB.start();
        try {
            await().atMost(Duration.ofSeconds(20)).until(nodeB::isSubscribed);
            assertEquals(Outcome.FORWARDED, forwarder.forward("node-b", STREAM, OptionalLong.of(3), "{\"type\":\"echo\"}"));
            await().atMost(Duration.ofSeconds(10)).until(() -> !received.isEmpty());
            assertEquals(Optional.of(new Envelope.Forwarded(STREAM, OptionalLong.of(3), "{\"type\":\"echo\"}")),
                    Envelope.decode(received.peek()).flatMap(Envelope::forwarded));
        } finally {
            assertTrue(nodeB.stop(10_000));
        }
    }

    @Test
    void aNodeThatReadsNothingOrThisNodeIsNone() {
        assertEquals(Outcome.NO_SUCH_NODE, forwarder.forward("node-z", "node-z.AAAAAAAAAAAAAAAAAAAAAA", OptionalLong.empty(), "{}"));
        assertEquals(Outcome.NO_SUCH_NODE, forwarder.forward("node-a", "node-a.AAAAAAAAAAAAAAAAAAAAAA", OptionalLong.empty(), "{}"));
    }

    @Test
    void redisUnreachableIsSaid() throws Exception {
        try (RedisServer own = RedisServer.start();
             RedisLink ownLink = new RedisLink(new ClusterConfig(own.uri(), null, 10_000), "herald-test", stats, () -> { })) {
            StreamForwarder viaOwn = new StreamForwarder(new RedisControl(ownLink, keys, "node-a"), "node-a");
            own.stop();
            assertEquals(Outcome.UNREACHABLE, viaOwn.forward("node-b", STREAM, OptionalLong.empty(), null));
        }
    }
}
