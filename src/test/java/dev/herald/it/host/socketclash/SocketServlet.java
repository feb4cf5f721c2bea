package dev.herald.it.host.socketclash;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;

/** A host servlet on Herald's default WebSocket path in a host: the deployment must fail with Herald's message. */
@WebServlet("/herald/ws")
public class SocketServlet extends HttpServlet {
}
