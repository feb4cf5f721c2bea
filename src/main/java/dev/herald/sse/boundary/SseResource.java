package dev.herald.sse.boundary;

import dev.herald.api.control.ApiAccess;
import dev.herald.sse.control.SseMessages;
import dev.herald.sse.control.SseStreams;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Configuration;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import java.io.InputStream;

/**
 * {@code GET /api/sse}: Herald's notifications as Server-Sent Events, for clients whose WebSocket
 * cannot get through (a proxy that breaks the upgrade). The same identity, origin check, limits and
 * {@code herald.v1} recovery as the WebSocket ({@link SseStreams}); the client's own messages come
 * back as {@code POST /api/sse/{id}/messages} ({@link SseMessages}). docs/sse.md.
 */
@Path("sse")
public class SseResource {

    @Inject
    SseStreams streams;
    @Inject
    SseMessages messages;
    @Inject
    ApiAccess access;
    @Context
    Configuration configuration;
    @Context
    SecurityContext security;
    @Context
    HttpHeaders headers;
    @Context
    UriInfo uri;
    @Context
    HttpServletRequest request;
    @Context
    HttpServletResponse response;

    /** Creates the resource. */
    public SseResource() {
    }

    /**
     * Opens the stream: {@code herald.v1} frames as events, each with its positions as {@code id:}.
     *
     * @param sink        the stream
     * @param sse         the SSE factory
     * @param lastEventId the browser's {@code Last-Event-ID} on a reconnect
     */
    @GET
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public void open(@Context SseEventSink sink, @Context Sse sse, @HeaderParam("Last-Event-ID") String lastEventId) {
        access.stream(configuration);
        response.setHeader("Cache-Control", "no-cache");
        response.setHeader("X-Accel-Buffering", "no"); // nginx: pass each event on at once
        HttpSession signIn = request.isRequestedSessionIdFromCookie() ? request.getSession(false) : null;
        streams.open(new SseStreams.Request(security.getUserPrincipal(), uri.getQueryParameters(), headers.getHeaderString("Origin"),
                headers.getHeaderString("Host"), lastEventId, signIn != null ? signIn.getId() : null), sink, sse);
    }

    /**
     * A client's message on its stream, handled as a WebSocket text message (the same limits and event).
     *
     * @param id   the stream's id, from its {@code herald.stream} event
     * @param body one JSON message
     * @return 202 once fired here, or passed on to the node that holds the stream (its verdict comes on
     *         the stream); problem+json otherwise (see {@link SseMessages#accept})
     */
    @POST
    @Path("{id}/messages")
    public Response message(@PathParam("id") String id, InputStream body) {
        access.streamMessage(configuration, headers);
        messages.accept(id, security.getUserPrincipal(), body);
        return Response.accepted().build();
    }
}
