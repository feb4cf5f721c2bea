package dev.herald.notifications.boundary;

import dev.herald.connections.control.Audiences;
import dev.herald.connections.control.Delivery;
import dev.herald.connections.control.RemotePresence;
import dev.herald.connections.control.WebSocketManager;
import dev.herald.messages.entity.StreamKey;
import dev.herald.platform.ClusterStatus;
import dev.herald.platform.JsonBodies;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.BadRequestException;

/**
 * What {@link GroupsResource} and {@link TopicsResource} answer: a send to a group or topic, or its
 * presence on this node. In a cluster, {@code "otherNodes"} is the other nodes' sessions of the
 * group or topic per their entries in its node hash (each node writes its count at its first and last
 * session at once, other changes at its heartbeat); 0 when the message stayed on this node (Redis
 * unreachable, or a relay that does not route such streams).
 */
@ApplicationScoped
public class AudienceAnswers {

    @Inject
    NotificationService notifications;
    @Inject
    WebSocketManager manager;
    @Inject
    ClusterStatus cluster;
    @Inject
    RemotePresence remote;

    /** Creates the bean. */
    public AudienceAnswers() {
    }

    /**
     * @param stream the group or topic
     * @param body   any JSON
     * @return {@code {"group"|"topic":name,"sessions":n}} and, in a cluster, {@code "otherNodes"}
     */
    JsonObject send(StreamKey.Named stream, String body) {
        Delivery delivery = stream instanceof StreamKey.Group ? notifications.notifyGroup(stream.name(), JsonBodies.parse(body))
                : notifications.publish(stream.name(), JsonBodies.parse(body));
        JsonObjectBuilder answer = Json.createObjectBuilder().add(stream.wireName(), stream.name()).add("sessions", delivery.sessions());
        if (cluster.isEnabled()) {
            answer.add("otherNodes", delivery.remoteSessions());
        }
        return answer.build();
    }

    /**
     * @return {@code {"group"|"topic":name,"users":u,"sessions":s,"offset":o,"page":[ids]}}: the users (and the
     *         page of them) on every node, the sessions on this one; in a cluster also {@code "otherNodes"}:
     *         the other nodes' sessions of it
     */
    JsonObject presence(StreamKey.Named stream, int offset, int limit) {
        if (offset < 0 || limit < 0 || limit > Audiences.MAX_PAGE) {
            throw new BadRequestException("offset must be at least 0 and limit 0 to " + Audiences.MAX_PAGE);
        }
        RemotePresence.Elsewhere elsewhere = cluster.isEnabled() ? remote.elsewhere(stream) : RemotePresence.Elsewhere.NONE;
        Audiences.Presence presence = manager.audiences().presence(stream, offset, limit, elsewhere.users());
        JsonArrayBuilder page = Json.createArrayBuilder();
        presence.page().forEach(page::add);
        JsonObjectBuilder answer = Json.createObjectBuilder().add(stream.wireName(), stream.name()).add("users", presence.users())
                .add("sessions", presence.sessions()).add("offset", offset).add("page", page);
        if (cluster.isEnabled()) {
            answer.add("otherNodes", elsewhere.sessions());
        }
        return answer.build();
    }

    /**
     * @param group a path parameter
     * @return the group
     * @throws BadRequestException when it is not a valid name
     */
    static StreamKey.Group group(String group) {
        if (!StreamKey.Named.isValidName(group)) {
            throw new BadRequestException("Group names are 1 to " + StreamKey.MAX_NAME_LENGTH + " letters, digits, '.', '_', ':', '-' or '/'");
        }
        return new StreamKey.Group(group);
    }

    /**
     * @param topic a path parameter
     * @return the topic
     * @throws BadRequestException when it is not a valid name
     */
    static StreamKey.Topic topic(String topic) {
        if (!StreamKey.Named.isValidName(topic)) {
            throw new BadRequestException("Topic names are 1 to " + StreamKey.MAX_NAME_LENGTH + " letters, digits, '.', '_', ':', '-' or '/'");
        }
        return new StreamKey.Topic(topic);
    }
}
