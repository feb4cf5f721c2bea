package dev.herald.inbound.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.connections.control.Connection;
import dev.herald.connections.control.ConnectionsConfig;
import dev.herald.connections.control.MessageCodec;
import dev.herald.connections.control.WebSocketManager;
import dev.herald.groups.control.DenyAllTopics;
import dev.herald.groups.control.TopicDecision;
import dev.herald.groups.control.TopicsConfig;
import dev.herald.platform.JsonLimits;
import dev.herald.recovery.control.RecoveryConfig;
import dev.herald.stats.control.HeraldCounter;
import dev.herald.stats.control.HeraldStats;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The topic frames' policy and limits: deny by default, the policy's reason, names, the per-session limit, never a close. */
class TopicFramesTest {

    private final HeraldStats stats = new HeraldStats();
    private final WebSocketManager manager = new WebSocketManager(new MessageCodec(),
            new ConnectionsConfig(1 << 24, 10_000, 25_000, 0, 100, 16), new RecoveryConfig(), stats, Runnable::run, e -> { });
    private final Connection v1 = manager.admit(1, true, null, dev.herald.recovery.control.Resume.NONE).orElseThrow();

    private static String subscribe(String topic) {
        return "{\"type\":\"herald.subscribe\",\"topic\":" + topic + "}";
    }

    @Test
    void theDefaultPolicyRefusesEveryTopicAndTheSessionStaysOpen() {
        TopicFrames frames = new TopicFrames(manager, new DenyAllTopics(), new TopicsConfig(10, 100), stats);
        assertTrue(frames.handle(v1, JsonLimits.parse(subscribe("\"news\""))));
        assertEquals(1, stats.get(HeraldCounter.TOPIC_REFUSALS));
        assertEquals(0, manager.audiences().presence(new dev.herald.messages.entity.StreamKey.Topic("news"), 0, 10, java.util.List.of()).sessions());
        assertFalse(v1.sender().isTerminated());
    }

    @Test
    void anAllowingPolicySubscribesUpToTheLimitAndRefusesBeyondIt() {
        AtomicInteger asked = new AtomicInteger();
        TopicFrames frames = new TopicFrames(manager, (userId, principal, topic) -> {
            asked.incrementAndGet();
            return topic.startsWith("ok") ? TopicDecision.allow() : TopicDecision.deny("not-yours");
        }, new TopicsConfig(3, 10), stats);
        for (int i = 0; i < 5; i++) {
            frames.handle(v1, JsonLimits.parse(subscribe("\"ok" + i + "\"")));
        }
        assertEquals(3, stats.get(HeraldCounter.TOPIC_SUBSCRIPTIONS));
        assertEquals(2, stats.get(HeraldCounter.TOPIC_REFUSALS), "beyond the limit");
        frames.handle(v1, JsonLimits.parse(subscribe("\"other\"")));
        frames.handle(v1, JsonLimits.parse(subscribe("\"ok-name-too-long\"")));
        frames.handle(v1, JsonLimits.parse(subscribe("\"bad name\"")));
        frames.handle(v1, JsonLimits.parse(subscribe("42")));
        assertEquals(6, stats.get(HeraldCounter.TOPIC_REFUSALS));
        assertEquals(6, asked.get(), "invalid names never reach the policy");
        assertTrue(frames.handle(v1, JsonLimits.parse("{\"type\":\"herald.unsubscribe\",\"topic\":\"ok0\"}")));
        assertEquals(2, manager.audiences().topicsOf(v1).size());
        assertFalse(v1.sender().isTerminated());
    }

    @Test
    void oneFrameSubscribesToSeveralTopicsEachAnsweredAndReadsAtMostTheLimit() {
        TopicFrames frames = new TopicFrames(manager, (userId, principal, topic) -> topic.startsWith("ok")
                ? TopicDecision.allow() : TopicDecision.deny("not-yours"), new TopicsConfig(3, 10), stats);
        assertTrue(frames.handle(v1, JsonLimits.parse("{\"type\":\"herald.subscribe\",\"topics\":[{\"topic\":\"ok1\"},"
                + "{\"topic\":\"ok2\",\"since\":\"E1:4\"},{\"topic\":\"no\"},7]}")));
        assertEquals(2, stats.get(HeraldCounter.TOPIC_SUBSCRIPTIONS));
        assertEquals(2, stats.get(HeraldCounter.TOPIC_REFUSALS), "the policy's refusal and the entry that is not an object");
        StringBuilder many = new StringBuilder("{\"type\":\"herald.subscribe\",\"topics\":[");
        for (int i = 0; i < 50; i++) {
            many.append(i == 0 ? "" : ",").append("{\"topic\":\"ok-").append(i).append("\"}");
        }
        assertTrue(frames.handle(v1, JsonLimits.parse(many.append("]}").toString())));
        assertEquals(3, stats.get(HeraldCounter.TOPIC_SUBSCRIPTIONS), "up to the per-session limit");
        assertEquals(2 + 2 + 1, stats.get(HeraldCounter.TOPIC_REFUSALS), "two over the limit, then one for the entries never read");
        assertEquals(3, manager.audiences().topicsOf(v1).size());
        assertFalse(v1.sender().isTerminated());
    }

    @Test
    void plainSessionsAndOtherFramesAreApplicationMessages() {
        TopicFrames frames = new TopicFrames(manager, new DenyAllTopics(), new TopicsConfig(10, 100), stats);
        Connection plain = manager.admit(2, false, null, dev.herald.recovery.control.Resume.NONE).orElseThrow();
        assertFalse(frames.handle(plain, JsonLimits.parse(subscribe("\"news\""))));
        assertFalse(frames.handle(v1, JsonLimits.parse("{\"type\":\"chat\"}")));
        assertFalse(frames.handle(v1, JsonLimits.parse("[1]")));
    }

    @Test
    void aPolicyReasonOutsideItsWordsBecomesForbiddenAndLimitsAreValidated() {
        assertEquals("not-yours", TopicDecision.deny("not-yours").reason());
        assertEquals(TopicDecision.FORBIDDEN, TopicDecision.deny("\"quoted\"").reason());
        assertEquals(TopicDecision.FORBIDDEN, TopicDecision.deny(null).reason());
        assertThrows(IllegalArgumentException.class, () -> new TopicsConfig(0, 10));
        assertThrows(IllegalArgumentException.class, () -> new TopicsConfig(10, 201));
    }
}
