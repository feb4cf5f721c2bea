package dev.herald.notifications.boundary;

import dev.herald.api.control.ApiAccess;
import dev.herald.messages.entity.StreamKey;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.ws.rs.core.Configuration;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.SecurityContext;

/**
 * What {@link GroupsResource} and {@link TopicsResource} share: the access checks ({@link ApiAccess}:
 * role {@code herald-sender}, same-site and JSON for a send) and the answers ({@link AudienceAnswers}).
 */
abstract class StreamResource {

    @Inject
    AudienceAnswers answers;
    @Inject
    ApiAccess access;
    @Context
    Configuration configuration;
    @Context
    SecurityContext security;
    @Context
    HttpHeaders headers;

    /** @return the answer of a send to the stream */
    JsonObject sendTo(StreamKey.Named stream, String body) {
        access.send(configuration, security, headers);
        return answers.send(stream, body);
    }

    /** @return the stream's presence page on this node */
    JsonObject presenceOf(StreamKey.Named stream, int offset, int limit) {
        access.read(configuration, security);
        return answers.presence(stream, offset, limit);
    }
}
