package dev.herald.it.signin;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** The form-login host's protected page ({@code /account}, any signed-in user) and its sign-out ({@code POST /account/logout}). */
@WebServlet("/account/*")
public class AccountServlet extends HttpServlet {

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        request.getSession(true); // the host keeps its sign-in state in the HTTP session, as form-login apps do
        response.setContentType("text/plain");
        response.getWriter().write("signed in as " + request.getUserPrincipal().getName());
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        request.getSession().invalidate();
        response.setContentType("text/plain");
        response.getWriter().write("signed out");
    }
}
