package dev.herald.connections.boundary;

import dev.herald.connections.control.SessionLifecycle;
import jakarta.enterprise.context.ContextNotActiveException;
import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebListener;
import jakarta.servlet.http.HttpSessionEvent;
import jakarta.servlet.http.HttpSessionIdListener;
import jakarta.servlet.http.HttpSessionListener;

/**
 * Ends WebSocket sessions with the sign-in they were opened under: when the HTTP session a handshake
 * was authenticated with is invalidated (logout) or times out, its sockets are closed with 4002
 * "signed out". Follows id changes (session fixation protection at login). Found by annotation
 * scanning, in herald.war and in a host application that has Herald's jar in {@code WEB-INF/lib}.
 */
@WebListener
public class SignInListener implements HttpSessionListener, HttpSessionIdListener {

    @Inject
    SessionLifecycle manager;

    /** Created by the container. */
    public SignInListener() {
    }

    @Override
    public void sessionDestroyed(HttpSessionEvent event) {
        try {
            manager.signedOut(event.getSession().getId());
        } catch (ContextNotActiveException undeploying) {
            // the application is stopping: its sockets are closed with 1001 anyway
        }
    }

    @Override
    public void sessionIdChanged(HttpSessionEvent event, String oldSessionId) {
        manager.signInRenamed(oldSessionId, event.getSession().getId());
    }
}
