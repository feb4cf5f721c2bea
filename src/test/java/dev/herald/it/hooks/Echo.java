package dev.herald.it.hooks;

import dev.herald.connections.control.WebSocketManager;
import dev.herald.connections.entity.InboundMessage;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;

/** Answers a client's {@code {"type":"echo",…}} with {@code {"echo":<it>,"session":…}} to its user (test deployments only). */
@ApplicationScoped
public class Echo {

    @Inject
    WebSocketManager manager;

    void inbound(@Observes InboundMessage message) {
        if (message.payload() instanceof JsonObject object && "echo".equals(object.getString("type", null))) {
            JsonValue answer = Json.createObjectBuilder().add("echo", object).add("session", message.sessionId()).build();
            manager.sendMessage(message.userId(), answer);
        }
    }
}
