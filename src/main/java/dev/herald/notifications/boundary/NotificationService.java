package dev.herald.notifications.boundary;

import dev.herald.connections.control.Delivery;
import dev.herald.connections.control.MessageCodec;
import dev.herald.connections.control.RemotePresence;
import dev.herald.connections.control.WebSocketManager;
import dev.herald.messages.entity.OutboundMessage;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import java.util.Collection;
import java.util.LinkedHashSet;

/**
 * The seed's {@code notify_frontend} as an enterprise bean: inject it anywhere in the application. In
 * cluster mode it reaches the user's sessions on every node. Nothing it does is transactional, so it
 * joins a caller's JTA transaction and opens none itself ({@code SUPPORTS}; the default, {@code
 * REQUIRED}, began and committed one per notify).
 */
@Stateless
@TransactionAttribute(TransactionAttributeType.SUPPORTS)
public class NotificationService {

    @Inject
    WebSocketManager manager;
    @Inject
    MessageCodec codec;
    @Inject
    RemotePresence presence;

    /** Creates the bean (the container does). */
    public NotificationService() {
    }

    /**
     * Sends JSON to every live session of a user, on every node of a cluster. Returns as soon as it is
     * queued (and, in a cluster, published); it never waits for a client.
     *
     * @param userId   the user
     * @param jsonData anything JSON-B serializes, or a JSON-P value
     * @return true when the user has at least one live session (on any node of a cluster), false when none
     * @throws MfaRequiredException     when the JSON's top-level {@code "message"} is
     *                                  {@code "MFA_REQUIRED"} and the user has no live session
     * @throws IllegalArgumentException when the user id is not positive or the data cannot be serialized to JSON
     */
    public boolean notifyFrontend(long userId, Object jsonData) {
        return notify(userId, jsonData).delivered();
    }

    /**
     * Like {@link #notifyFrontend(long, Object)}, with the number of sessions and a future of the
     * writes on this node. In a cluster, {@link Delivery#remoteSessions()} tells how many sessions
     * other nodes hold; while Redis is unreachable it is 0, so the MFA check sees this node only.
     *
     * @param userId   the user
     * @param jsonData anything JSON-B serializes, or a JSON-P value
     * @return the delivery
     * @throws MfaRequiredException when an {@code MFA_REQUIRED} message finds the user offline; the
     *                              check comes first, so such a message is not sent, recorded or published
     */
    public Delivery notify(long userId, Object jsonData) {
        OutboundMessage message = codec.encode(jsonData);
        boolean mfa = codec.hasType(message, MfaRequiredException.CODE);
        if (mfa && !manager.isConnected(userId) && presence.sessionsElsewhere(userId) == 0) {
            throw new MfaRequiredException(userId); // checked before sending: a refused prompt is never recorded or replayed
        }
        Delivery delivery = manager.sendMessage(userId, message); // in a cluster, the publish counts the sessions elsewhere
        if (mfa && !delivery.delivered()) {
            throw new MfaRequiredException(userId); // the user's last session closed in between
        }
        return delivery;
    }

    /**
     * @param userId a user
     * @return true when the user has a live session on this node or, in a cluster, on any other
     */
    public boolean isConnected(long userId) {
        return manager.isConnected(userId) || presence.sessionsElsewhere(userId) > 0;
    }

    /**
     * Sends JSON to every live session of every member of a group, each once (see
     * {@link dev.herald.connections.control.Audiences#sendToGroup}).
     *
     * @param group    the group's name
     * @param jsonData anything JSON-B serializes, or a JSON-P value
     * @return the delivery on this node
     * @throws IllegalArgumentException when the name is not a valid group name or the data cannot be serialized
     */
    public Delivery notifyGroup(String group, Object jsonData) {
        return manager.audiences().sendToGroup(group, jsonData);
    }

    /**
     * Sends JSON to every live session subscribed to a topic.
     *
     * @param topic    the topic's name
     * @param jsonData anything JSON-B serializes, or a JSON-P value
     * @return the delivery on this node
     * @throws IllegalArgumentException when the name is not a valid topic name or the data cannot be serialized
     */
    public Delivery publish(String topic, Object jsonData) {
        return manager.audiences().publish(topic, jsonData);
    }

    /**
     * Sends JSON to every live session of each user, serialized once; in a cluster
     * {@link Delivery#remoteSessions()} tells the users' sessions on other nodes (per cluster presence).
     *
     * @param users    the users, positive ids (each reached once, however often listed)
     * @param jsonData anything JSON-B serializes, or a JSON-P value
     * @return the delivery
     * @throws IllegalArgumentException when an id is not positive or the data cannot be serialized
     */
    public Delivery notifyUsers(Collection<Long> users, Object jsonData) {
        Delivery delivery = manager.audiences().sendToUsers(users, jsonData);
        int elsewhere = 0;
        for (long userId : new LinkedHashSet<>(users)) {
            elsewhere += presence.sessionsElsewhere(userId);
        }
        return delivery.withRemoteSessions(elsewhere);
    }

    /**
     * Sends JSON to every live session of every user (on every node of a cluster).
     *
     * @param jsonData anything JSON-B serializes, or a JSON-P value
     * @return the delivery
     */
    public Delivery broadcast(Object jsonData) {
        return manager.broadcast(jsonData);
    }
}
