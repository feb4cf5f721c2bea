package dev.herald.bench.peers.control;

import dev.herald.bench.peers.entity.BenchMessage;
import dev.herald.connections.control.Audiences;
import dev.herald.connections.control.Delivery;
import dev.herald.connections.control.WebSocketManager;
import dev.herald.messages.entity.StreamKey;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;

/**
 * P5's calls, each made once from the calling thread: one {@link Audiences#sendToGroup} or one
 * {@link WebSocketManager#broadcast} stamped with a round id (the harness times the round from the
 * call to the last member's receipt), a {@link Audiences#join} followed at once by a
 * {@code sendToGroup} to the group just joined, a {@link Audiences#leave}, and this node's presence in a group.
 */
@ApplicationScoped
public class GroupRounds {

    /** What one round sends. */
    public enum Send {
        /** {@link Audiences#sendToGroup(String, Object)}. */
        GROUP,
        /** {@link WebSocketManager#broadcast(Object)}. */
        BROADCAST
    }

    @Inject
    WebSocketManager herald;

    /** Creates the driver. */
    public GroupRounds() {
    }

    /**
     * @param send  a group send or a broadcast
     * @param group the group's name (GROUP only)
     * @param round round id stamped on the message
     * @param size  message size in bytes
     * @return the nanoTime when the call started, its duration, and the sessions of this node it was queued on
     */
    public JsonObject send(Send send, String group, long round, int size) {
        BenchMessage message = BenchMessage.now(round, 0, size);
        long start = message.t();
        Delivery delivery = send == Send.GROUP ? herald.audiences().sendToGroup(group, message) : herald.broadcast(message);
        long end = System.nanoTime();
        return Json.createObjectBuilder()
                .add("startNanos", start)
                .add("callNanos", end - start)
                .add("localSessions", delivery.sessions())
                .build();
    }

    /**
     * Adds a user to a group (every node's sessions of the user, through the cluster), then sends one
     * message to the group at once.
     *
     * @param userId the user
     * @param group  the group's name
     * @param round  round id stamped on the message
     * @param size   message size in bytes
     * @return the join's start nanoTime and duration, whether the user has sessions here, the send's start
     *         nanoTime and the sessions of this node it was queued on
     */
    public JsonObject joinThenSend(long userId, String group, long round, int size) {
        long start = System.nanoTime();
        boolean here = herald.audiences().join(userId, group);
        long joined = System.nanoTime();
        BenchMessage message = BenchMessage.now(round, 0, size);
        Delivery delivery = herald.audiences().sendToGroup(group, message);
        return Json.createObjectBuilder()
                .add("startNanos", start)
                .add("joinNanos", joined - start)
                .add("here", here)
                .add("sendNanos", message.t())
                .add("localSessions", delivery.sessions())
                .build();
    }

    /**
     * Removes a user from a group (every node's sessions of the user, through the cluster).
     *
     * @param userId the user
     * @param group  the group's name
     * @return the leave call's duration
     */
    public JsonObject leave(long userId, String group) {
        long start = System.nanoTime();
        herald.audiences().leave(userId, group);
        return Json.createObjectBuilder().add("leaveNanos", System.nanoTime() - start).build();
    }

    /**
     * @param group the group's name
     * @return this node's users and live sessions in the group
     */
    public JsonObject presence(String group) {
        Audiences.Presence presence = herald.audiences().presence(new StreamKey.Group(group), 0, 0, java.util.List.of());
        return Json.createObjectBuilder().add("users", presence.users()).add("sessions", presence.sessions()).build();
    }
}
