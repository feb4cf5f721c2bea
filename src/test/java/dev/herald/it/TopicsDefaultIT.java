package dev.herald.it;

import static dev.herald.it.ItSupport.awaitSessions;
import static dev.herald.it.ItSupport.deliver;
import static dev.herald.it.ItSupport.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import jakarta.json.JsonObject;
import java.net.URL;
import java.util.List;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** herald.war as built: its default topic policy refuses every topic, answered and counted, and the socket stays open. */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class TopicsDefaultIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.herald(Map.of());
    }

    @ArquillianResource
    URL base;

    @Test
    void theDefaultPolicyRefusesEveryTopic() throws Exception {
        long refusals = ItSupport.stat(base, "topicRefusals");
        try (WsClient alice = WsClient.connect(base, "ws", "alice", Map.of(), List.of("herald.v1"))) {
            assertNotNull(alice.next(10_000), "the welcome");
            alice.send("{\"type\":\"herald.subscribe\",\"topic\":\"news\"}");
            JsonObject refused = json(alice.next(10_000));
            assertEquals("herald.refused", refused.getString("type"));
            assertEquals("news", refused.getString("topic"));
            assertEquals("forbidden", refused.getString("reason"));
            assertEquals(refusals + 1, ItSupport.stat(base, "topicRefusals"));
            deliver(base, 1, "{\"m\":\"still open\"}");
            JsonObject next = json(alice.next(10_000));
            assertEquals("still open", next.getJsonObject("data").getString("m"));
            assertFalse(alice.closed().isDone());
        }
        awaitSessions(base, 1, 0);
    }
}
