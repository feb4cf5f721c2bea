package dev.herald.it;

import static dev.herald.it.ItSupport.json;
import static dev.herald.it.ItSupport.waitFor;

import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Bulk delivery through one session and through a 100-client broadcast: every message arrives, in
 * order. It also logs the rate it saw (a figure for the record, never asserted: the benchmark
 * harness is the place for measurements).
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ThroughputIT {

    private static final Logger LOG = Logger.getLogger(ThroughputIT.class.getName());

    @Deployment(testable = false)
    static WebArchive deployment() {
        // The one-session burst queues 2 MB at once. Where one session's writes are slower than that burst (Open
        // Liberty: about 900 messages/s here) the backlog passes the default 1 MiB budget and Herald rightly closes
        // the session as a slow consumer. DeliveryIT tests that limit; this test the rate and the order.
        return Deployments.heraldWithHooks(Map.of("herald.max-sessions-per-user", "128",
                "herald.send.buffer-limit", String.valueOf(8 << 20)));
    }

    @ArquillianResource
    URL base;

    @Test
    void oneSessionReceivesEverythingInOrder() throws Exception {
        try (WsClient alice = WsClient.connect(base, "alice")) {
            waitFor(() -> json(Rest.get(base, "ops", "connections/1").body()).getInt("sessions") == 1);
            int count = 10_000;
            long start = System.nanoTime();
            ItSupport.hookPost(base, "burst?user=1&threads=1&count=" + count + "&pad=170");
            ItSupport.assertOrdered(alice, 1, count);
            report("one session", count, start);
        }
    }

    @Test
    void aBroadcastReachesAHundredClientsInOrder() throws Exception {
        List<WsClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 100; i++) {
                clients.add(WsClient.connect(base, "bob"));
            }
            waitFor(() -> json(Rest.get(base, "ops", "connections/2").body()).getInt("sessions") == 100);
            int count = 500;
            long start = System.nanoTime();
            ItSupport.hookPost(base, "burst?user=0&threads=1&count=" + count + "&pad=170");
            for (WsClient client : clients) {
                ItSupport.assertOrdered(client, 1, count);
            }
            report("100-client broadcast", count * 100, start);
        } finally {
            clients.forEach(WsClient::close);
        }
    }

    private static void report(String what, int messages, long startNanos) {
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        String line = String.format("%s: %,d messages of ~200 bytes delivered in %.2f s = %,.0f messages/s (client and server on one machine)",
                what, messages, seconds, messages / seconds);
        LOG.info(line);
        System.out.println("THROUGHPUT " + line);
    }
}
