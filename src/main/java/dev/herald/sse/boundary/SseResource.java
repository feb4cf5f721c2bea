package dev.herald.sse.boundary;

import dev.herald.api.control.ApiAccess;
import dev.herald.sse.control.SseStreams;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Configuration;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;

/**
 * {@code GET /api/sse}: Herald's notifications as Server-Sent Events, for clients whose WebSocket
 * cannot get through (a proxy that breaks the upgrade). The same identity, origin check, limits and
 * {@code herald.v1} recovery as the WebSocket ({@link SseStreams}); docs/sse.md.
 */
@Path("sse")
public class SseResource {

    @Inject
    SseStreams streams;
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
}
