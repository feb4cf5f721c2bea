package dev.herald.notifications.boundary;

import dev.herald.connections.control.Delivery;
import dev.herald.connections.control.MessageCodec;
import dev.herald.connections.control.OutboundMessage;
import dev.herald.connections.control.WebSocketManager;
import jakarta.ejb.Stateless;
import jakarta.inject.Inject;

/**
 * The seed's {@code notify_frontend} as an enterprise bean: inject it anywhere in the application.
 */
@Stateless
public class NotificationService {

    @Inject
    WebSocketManager manager;
    @Inject
    MessageCodec codec;

    /** Creates the bean (the container does). */
    public NotificationService() {
    }

    /**
     * Sends JSON to every live session of a user. Returns as soon as it is queued; it never waits
     * for a client.
     *
     * @param userId   the user
     * @param jsonData anything JSON-B serializes, or a JSON-P value
     * @return true when the user has at least one live session, false when none
     * @throws MfaRequiredException     when the JSON's top-level {@code "message"} is
     *                                  {@code "MFA_REQUIRED"} and the user has no live session
     * @throws IllegalArgumentException when the data cannot be serialized to JSON
     */
    public boolean notifyFrontend(long userId, Object jsonData) {
        return notify(userId, jsonData).sessions() > 0;
    }

    /**
     * Like {@link #notifyFrontend(long, Object)}, with the number of sessions and a future of the
     * writes.
     *
     * @param userId   the user
     * @param jsonData anything JSON-B serializes, or a JSON-P value
     * @return the delivery
     * @throws MfaRequiredException when an {@code MFA_REQUIRED} message finds the user offline
     */
    public Delivery notify(long userId, Object jsonData) {
        OutboundMessage message = codec.encode(jsonData);
        Delivery delivery = manager.sendMessage(userId, message);
        if (delivery.sessions() == 0 && codec.messageType(message).filter(MfaRequiredException.CODE::equals).isPresent()) {
            throw new MfaRequiredException(userId);
        }
        return delivery;
    }

    /**
     * Sends JSON to every live session of every user.
     *
     * @param jsonData anything JSON-B serializes, or a JSON-P value
     * @return the delivery
     */
    public Delivery broadcast(Object jsonData) {
        return manager.broadcast(jsonData);
    }
}
