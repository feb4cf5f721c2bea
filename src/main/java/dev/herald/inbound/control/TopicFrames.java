package dev.herald.inbound.control;

import dev.herald.connections.control.Audiences;
import dev.herald.connections.control.Connection;
import dev.herald.connections.control.WebSocketManager;
import dev.herald.groups.control.TopicDecision;
import dev.herald.groups.control.TopicPolicy;
import dev.herald.groups.control.TopicsConfig;
import dev.herald.messages.entity.StreamKey;
import dev.herald.platform.RefusalLog;
import dev.herald.recovery.control.StreamPosition;
import dev.herald.stats.control.HeraldStats;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.security.Principal;
import java.util.logging.Level;

/**
 * The {@code herald.v1} client's topic frames: {@code {"type":"herald.subscribe","topic":…[,"since":"<epoch>:<seq>"]}}
 * and {@code {"type":"herald.unsubscribe","topic":…}}. A subscribe may name several topics in one frame,
 * {@code "topics":[{"topic":…[,"since":…]},…]} (what a client sends after a reconnect, so that re-subscribing
 * costs one frame of the inbound rate limit, not one per topic); at most {@code herald.topics.per-session}
 * entries are read, each answered on its own. A subscribe is answered {@code herald.subscribed}
 * (after what the session missed since {@code since}) or {@code herald.refused} with a reason:
 * {@code invalid} (no topic, or a name beyond the charset or {@code herald.topics.max-name-length}),
 * the {@link TopicPolicy}'s (deny by default: {@code forbidden}), or {@code limit} (the session holds
 * {@code herald.topics.per-session} topics). Each refusal is counted and logged through
 * {@link RefusalLog}; the socket stays open.
 */
@ApplicationScoped
public class TopicFrames {

    /** The frame that asks for a topic. */
    public static final String SUBSCRIBE = "herald.subscribe";
    /** The frame that leaves a topic. */
    public static final String UNSUBSCRIBE = "herald.unsubscribe";

    @Inject
    WebSocketManager manager;
    @Inject
    TopicPolicy policy;
    @Inject
    TopicsConfig config;
    @Inject
    HeraldStats stats;
    @Inject
    RefusalLog refusals;

    /** Creates the bean; CDI injects its collaborators. */
    public TopicFrames() {
    }

    /**
     * Outside a container (unit tests).
     *
     * @param manager the sessions
     * @param policy  the topic policy
     * @param config  the limits
     * @param stats   the counters
     */
    public TopicFrames(WebSocketManager manager, TopicPolicy policy, TopicsConfig config, HeraldStats stats) {
        this.manager = manager;
        this.policy = policy;
        this.config = config;
        this.stats = stats;
        this.refusals = new RefusalLog();
    }

    /**
     * @param connection the session a frame arrived on
     * @param payload    the frame's JSON
     * @return true when it was a topic frame of a {@code herald.v1} session, now handled (not an application message)
     */
    public boolean handle(Connection connection, JsonValue payload) {
        if (!connection.isV1() || !(payload instanceof JsonObject frame) || !(frame.get("type") instanceof JsonString type)) {
            return false;
        }
        boolean subscribe = SUBSCRIBE.equals(type.getString());
        if (!subscribe && !UNSUBSCRIBE.equals(type.getString())) {
            return false;
        }
        if (subscribe && frame.get("topics") instanceof JsonArray batch) {
            int read = 0;
            for (JsonValue entry : batch) {
                if (read++ == config.perSession()) {
                    refuse(connection, null, "limit", "a subscribe frame of more than " + config.perSession() + " topics");
                    break;
                }
                if (entry instanceof JsonObject one) {
                    subscribeOne(connection, one);
                } else {
                    refuse(connection, null, "invalid", "a subscribe frame's entry that is not an object");
                }
            }
            return true;
        }
        if (subscribe) {
            subscribeOne(connection, frame);
            return true;
        }
        String topic = validName(connection, frame);
        if (topic != null) {
            manager.audiences().unsubscribe(connection, new StreamKey.Topic(topic));
        }
        return true;
    }

    /** @return the frame's topic name, or null when it is missing or invalid (then refused) */
    private String validName(Connection connection, JsonObject frame) {
        String topic = frame.get("topic") instanceof JsonString name ? name.getString() : null;
        if (topic == null || topic.length() > config.maxNameLength() || !StreamKey.Named.isValidName(topic)) {
            refuse(connection, null, "invalid", "a topic name that is missing, longer than " + config.maxNameLength()
                    + " or outside letters, digits and . _ : - /");
            return null;
        }
        return topic;
    }

    private void subscribeOne(Connection connection, JsonObject frame) {
        String topic = validName(connection, frame);
        if (topic == null) {
            return;
        }
        Audiences audiences = manager.audiences();
        Principal principal = connection.session() == null ? null : connection.session().getUserPrincipal();
        TopicDecision decision = decide(connection, principal, topic);
        if (!decision.allowed()) {
            refuse(connection, topic, decision.reason(), "topic " + topic + ", refused by the policy (" + decision.reason() + ")");
            return;
        }
        StreamPosition since = frame.get("since") instanceof JsonString position ? StreamPosition.parse(position.getString()) : null;
        switch (audiences.subscribe(connection, new StreamKey.Topic(topic), since, config.perSession())) {
            case SUBSCRIBED -> stats.topicSubscribed();
            case LIMIT -> refuse(connection, topic, "limit", "more than " + config.perSession() + " topics");
            case ALREADY, CLOSED -> {
                // answered again, or the session is going away
            }
        }
    }

    private TopicDecision decide(Connection connection, Principal principal, String topic) {
        try {
            TopicDecision decision = policy.decide(connection.userId(), principal, topic);
            return decision != null ? decision : TopicDecision.deny(TopicDecision.FORBIDDEN);
        } catch (RuntimeException e) {
            refusals.refused("topics: the policy failed", Level.WARNING, () -> "The TopicPolicy failed for " + connection
                    + " and topic " + topic + " (refused): " + e);
            return TopicDecision.deny(TopicDecision.FORBIDDEN);
        }
    }

    private void refuse(Connection connection, String topic, String reason, String cause) {
        stats.topicRefused();
        refusals.refused("topics: " + reason, Level.INFO, () -> "Refused a subscription of " + connection + ": " + cause);
        manager.audiences().refused(connection, topic, reason);
    }
}
