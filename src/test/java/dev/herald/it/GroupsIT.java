package dev.herald.it;

import static dev.herald.it.ItSupport.awaitSessions;
import static dev.herald.it.ItSupport.deliver;
import static dev.herald.it.ItSupport.groupHook;
import static dev.herald.it.ItSupport.json;
import static dev.herald.it.ItSupport.presenceEvents;
import static dev.herald.it.ItSupport.presenceSince;
import static dev.herald.it.ItSupport.stat;
import static dev.herald.it.ItSupport.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.it.groups.GroupHooks;
import jakarta.json.JsonObject;
import java.net.URL;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 18 on one node over real sockets: groups decided by the server (a test {@code GroupResolver},
 * an {@code @Alternative @Priority} bean: alice and bob are in team:a), join/leave at run time, topics
 * a test {@code TopicPolicy} allows ({@code open.*}), the topic limit, and recovery of missed group and
 * topic messages after a reconnect. The inbound rate limit is off so one client can send 1,000 frames.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class GroupsIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.herald(Map.of("herald.inbound.rate", "0", "herald.topics.per-session", "100"))
                .addPackage(GroupHooks.class.getPackage());
    }

    @ArquillianResource
    URL base;

    private WsClient plain(String user) throws Exception {
        return WsClient.connect(base, user);
    }

    private WsClient v1(String user, String query) throws Exception {
        WsClient client = WsClient.connect(base, "ws" + query, user, Map.of(), List.of("herald.v1"));
        assertEquals("herald.v1", client.socket().getSubprotocol());
        return client;
    }

    private static JsonObject frame(WsClient client) throws Exception {
        String text = client.next(10_000);
        assertNotNull(text, "a frame within 10 s");
        return json(text);
    }

    private JsonObject toGroup(String group, String body) throws Exception {
        HttpResponse<String> response = Rest.post(base, "ops", "groups/" + group, body);
        assertEquals(200, response.statusCode(), response.body());
        return json(response.body());
    }

    private JsonObject toTopic(String topic, String body) throws Exception {
        HttpResponse<String> response = Rest.post(base, "ops", "topics/" + topic, body);
        assertEquals(200, response.statusCode(), response.body());
        return json(response.body());
    }

    private void hook(String action, long user, String group) throws Exception {
        groupHook(base, action, user, group);
    }

    /** The next message after everything sent before it: a targeted marker proves nothing else is queued in front of it. */
    private void assertNextIsMarker(WsClient client, long userId, String marker) throws Exception {
        deliver(base, userId, "{\"m\":\"" + marker + "\"}");
        JsonObject next = frame(client);
        JsonObject data = next.containsKey("data") ? next.getJsonObject("data") : next;
        assertEquals(marker, data.getString("m"), "nothing else before the marker: " + next);
    }

    private static void subscribe(WsClient client, String topic, String since) throws Exception {
        client.send("{\"type\":\"herald.subscribe\",\"topic\":\"" + topic + "\"" + (since == null ? "" : ",\"since\":\"" + since + "\"") + "}");
    }

    private static String position(JsonObject head) {
        return head.getString("epoch") + ":" + head.getJsonNumber("seq").longValue();
    }

    @Test
    void aUserGoesOnlineWithTheFirstSessionAndOfflineWithTheLastOnce() throws Exception {
        awaitSessions(base, 3, 0);
        int before = presenceEvents(base, 3).size();
        try (WsClient first = plain("carol")) {
            waitFor(() -> presenceSince(presenceEvents(base, 3), before).contains("+3"));
            try (WsClient second = v1("carol", "")) {
                awaitSessions(base, 3, 2);
            }
            awaitSessions(base, 3, 1);
        }
        waitFor(() -> presenceSince(presenceEvents(base, 3), before).contains("-3"));
        assertEquals(List.of("+3", "-3"), presenceSince(presenceEvents(base, 3), before), "the second session changed nothing");
    }

    @Test
    void aGroupMessageReachesEverySessionOfEveryMemberOnceAndNoNonMember() throws Exception {
        try (WsClient alicePlain = plain("alice"); WsClient aliceV1 = v1("alice", ""); WsClient bob = plain("bob");
             WsClient carol = plain("carol")) {
            JsonObject welcome = frame(aliceV1);
            assertTrue(welcome.getJsonObject("groups").containsKey("team:a"), "the welcome tells the group's head: " + welcome);
            awaitSessions(base, 1, 2);
            awaitSessions(base, 2, 1);
            awaitSessions(base, 3, 1);
            JsonObject presence = json(Rest.get(base, "ops", "groups/team:a").body());
            assertEquals(2, presence.getInt("users"));
            assertEquals(3, presence.getInt("sessions"));

            assertEquals(3, toGroup("team:a", "{\"m\":\"g1\"}").getInt("sessions"));

            assertEquals("{\"m\":\"g1\"}", alicePlain.next(10_000));
            JsonObject sequenced = frame(aliceV1);
            assertEquals("group", sequenced.getString("stream"));
            assertEquals("team:a", sequenced.getString("name"));
            assertEquals("g1", sequenced.getJsonObject("data").getString("m"));
            assertEquals("{\"m\":\"g1\"}", bob.next(10_000));
            assertNextIsMarker(alicePlain, 1, "after-g1");
            assertNextIsMarker(aliceV1, 1, "after-g1");
            assertNextIsMarker(bob, 2, "after-g1");
            assertNextIsMarker(carol, 3, "carol-got-nothing");
        }
        awaitSessions(base, 1, 0);
    }

    @Test
    void joinAndLeaveAtRunTimeTakeEffectOnTheLiveSessions() throws Exception {
        try (WsClient carol = plain("carol"); WsClient carolV1 = v1("carol", "")) {
            frame(carolV1);
            awaitSessions(base, 3, 2);
            hook("join", 3, "team:b");
            assertEquals(2, toGroup("team:b", "{\"m\":\"joined\"}").getInt("sessions"));
            assertEquals("{\"m\":\"joined\"}", carol.next(10_000));
            assertEquals("joined", frame(carolV1).getJsonObject("data").getString("m"));

            hook("leave", 3, "team:b");
            assertEquals(0, toGroup("team:b", "{\"m\":\"left\"}").getInt("sessions"));
            assertNextIsMarker(carol, 3, "after-leave");
            assertNextIsMarker(carolV1, 3, "after-leave");
        }
        awaitSessions(base, 3, 0);
    }

    @Test
    void theTestPolicyAllowsItsTopicsRefusesOthersAndTheSocketStaysOpen() throws Exception {
        long refusals = stat(base, "topicRefusals");
        try (WsClient bob = v1("bob", "")) {
            frame(bob);
            subscribe(bob, "secret", null);
            JsonObject refused = frame(bob);
            assertEquals("herald.refused", refused.getString("type"));
            assertEquals("closed-topic", refused.getString("reason"));
            subscribe(bob, "open.news", null);
            JsonObject subscribed = frame(bob);
            assertEquals("herald.subscribed", subscribed.getString("type"));
            assertEquals("open.news", subscribed.getString("topic"));

            assertEquals(1, toTopic("open.news", "{\"m\":\"t1\"}").getInt("sessions"));
            JsonObject message = frame(bob);
            assertEquals("topic", message.getString("stream"));
            assertEquals("open.news", message.getString("name"));
            assertEquals("t1", message.getJsonObject("data").getString("m"));
            assertEquals(0, toTopic("secret", "{\"m\":\"nobody\"}").getInt("sessions"));
            assertNextIsMarker(bob, 2, "open");
            assertTrue(stat(base, "topicRefusals") >= refusals + 1);
        }
        awaitSessions(base, 2, 0);
    }

    @Test
    void aThousandSubscriptionsHitTheLimitWithRefusalsNotAClose() throws Exception {
        try (WsClient carol = v1("carol", "")) {
            frame(carol);
            for (int i = 0; i < 1000; i++) {
                subscribe(carol, "open.many." + i, null);
            }
            int subscribed = 0;
            int limited = 0;
            for (int i = 0; i < 1000; i++) {
                JsonObject answer = frame(carol);
                if ("herald.subscribed".equals(answer.getString("type"))) {
                    subscribed++;
                } else if ("limit".equals(answer.getString("reason", null))) {
                    limited++;
                }
            }
            assertEquals(100, subscribed);
            assertEquals(900, limited);
            assertFalse(carol.closed().isDone(), "refused, not closed");
            assertNextIsMarker(carol, 3, "still-open");
        }
        awaitSessions(base, 3, 0);
    }

    @Test
    void missedGroupAndTopicMessagesAreRecoveredAfterAReconnect() throws Exception {
        String group;
        String topic;
        try (WsClient alice = v1("alice", "")) {
            group = position(frame(alice).getJsonObject("groups").getJsonObject("team:a"));
            subscribe(alice, "open.recover", null);
            JsonObject subscribed = frame(alice);
            topic = position(subscribed);
        }
        awaitSessions(base, 1, 0);
        toGroup("team:a", "{\"m\":\"g-missed\"}");
        toTopic("open.recover", "{\"m\":\"t-missed-1\"}");
        toTopic("open.recover", "{\"m\":\"t-missed-2\"}");

        try (WsClient again = v1("alice", "?gsince=team:a@" + group)) {
            JsonObject replayed = frame(again);
            assertEquals("team:a", replayed.getString("name"));
            assertEquals("g-missed", replayed.getJsonObject("data").getString("m"));
            JsonObject welcome = frame(again);
            assertEquals("herald.welcome", welcome.getString("type"));
            assertTrue(welcome.getBoolean("recovered"), welcome.toString());
            assertEquals(1, welcome.getInt("replayed"));

            subscribe(again, "open.recover", topic);
            assertEquals("t-missed-1", frame(again).getJsonObject("data").getString("m"));
            assertEquals("t-missed-2", frame(again).getJsonObject("data").getString("m"));
            JsonObject subscribed = frame(again);
            assertEquals("herald.subscribed", subscribed.getString("type"));
            assertTrue(subscribed.getBoolean("recovered"));
            assertEquals(2, subscribed.getInt("replayed"));
            toTopic("open.recover", "{\"m\":\"live\"}");
            JsonObject live = frame(again);
            assertEquals("live", live.getJsonObject("data").getString("m"));
            assertEquals(subscribed.getInt("seq") + 1, live.getInt("seq"));
        }
        awaitSessions(base, 1, 0);
    }
}
