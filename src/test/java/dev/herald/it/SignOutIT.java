package dev.herald.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.it.signin.AccountServlet;
import java.io.File;
import java.net.CookieManager;
import java.net.HttpCookie;
import java.net.URI;
import java.net.URL;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.EmptyAsset;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Sockets end with the sign-in: a host application with form login (herald-classes.jar in
 * WEB-INF/lib), a socket opened with the session cookie, and the host's logout invalidating the HTTP
 * session closes that socket (4002 "signed out", or the container's own 1008), not other users' sockets.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class SignOutIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return ShrinkWrap.create(WebArchive.class, "formhost.war")
                .addClass(AccountServlet.class)
                .addAsLibrary(new File(System.getProperty("herald.classes.jar", "target/herald-classes.jar")))
                .addAsWebInfResource(EmptyAsset.INSTANCE, "beans.xml")
                .addAsWebResource(new StringAsset("<form method=post action=j_security_check>login</form>"), "login.html")
                .addAsWebResource(new StringAsset("login failed"), "error.html")
                .setWebXML(new StringAsset("""
                        <web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0">
                            <security-constraint>
                                <web-resource-collection>
                                    <web-resource-name>account</web-resource-name>
                                    <url-pattern>/account/*</url-pattern>
                                </web-resource-collection>
                                <auth-constraint><role-name>**</role-name></auth-constraint>
                            </security-constraint>
                            <login-config>
                                <auth-method>FORM</auth-method>
                                <form-login-config>
                                    <form-login-page>/login.html</form-login-page>
                                    <form-error-page>/error.html</form-error-page>
                                </form-login-config>
                            </login-config>
                        </web-app>
                        """));
    }

    @ArquillianResource
    URL deployed;
    URL base;

    /** Some adapters report the server's root when the archive has no REST application. */
    @org.junit.jupiter.api.BeforeEach
    void base() throws Exception {
        base = deployed.getPath().startsWith("/formhost") ? deployed : new URL(deployed, "/formhost/");
    }

    /** Signs in through the host's login form; returns the browser-like client holding the session cookie. */
    private HttpClient signIn(CookieManager cookies, String user) throws Exception {
        HttpClient browser = HttpClient.newBuilder().cookieHandler(cookies).followRedirects(HttpClient.Redirect.NORMAL).build();
        HttpResponse<String> page = browser.send(HttpRequest.newBuilder(URI.create(base + "account/me")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertTrue(page.body().contains("j_security_check"), "the login form at " + base + ": " + page.statusCode() + " "
                + page.uri() + " (deployed " + deployed + ", login.html "
                + browser.send(HttpRequest.newBuilder(URI.create(base + "login.html")).build(), HttpResponse.BodyHandlers.ofString()).statusCode() + ")");
        String form = "j_username=" + URLEncoder.encode(user, StandardCharsets.UTF_8) + "&j_password=" + URLEncoder.encode(user, StandardCharsets.UTF_8);
        HttpResponse<String> signedIn = browser.send(HttpRequest.newBuilder(URI.create(base + "j_security_check"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        if (!signedIn.body().contains("signed in as " + user)) { // servers that answer the login POST without the saved request
            signedIn = browser.send(HttpRequest.newBuilder(URI.create(base + "account/me")).build(), HttpResponse.BodyHandlers.ofString());
        }
        assertEquals("signed in as " + user, signedIn.body());
        return browser;
    }

    private static String cookieHeader(CookieManager cookies) {
        StringBuilder header = new StringBuilder();
        for (HttpCookie cookie : cookies.getCookieStore().getCookies()) {
            header.append(header.length() == 0 ? "" : "; ").append(cookie.getName()).append('=').append(cookie.getValue());
        }
        assertFalse(header.length() == 0, "a session cookie");
        return header.toString();
    }

    @Test
    void invalidatingTheHttpSessionClosesItsSocketWithSignedOut() throws Exception {
        CookieManager aliceCookies = new CookieManager();
        HttpClient alice = signIn(aliceCookies, "alice");
        CookieManager bobCookies = new CookieManager();
        signIn(bobCookies, "bob");
        try (WsClient aliceSocket = WsClient.connect(base, HostApps.HERALD_WS, null, Map.of("Cookie", cookieHeader(aliceCookies)));
             WsClient bobSocket = WsClient.connect(base, HostApps.HERALD_WS, null, Map.of("Cookie", cookieHeader(bobCookies)))) {
            HttpResponse<String> out = alice.send(HttpRequest.newBuilder(URI.create(base + "account/logout"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals("signed out", out.body());
            WsClient.Close closed = aliceSocket.closed().get(10, TimeUnit.SECONDS);
            // Herald's 4002 where it closes first (Open Liberty does not close such sockets itself); WildFly's Undertow,
            // and Payara's Tyrus depending on the order of the session listeners, close them first with a bare 1008
            // (WebSocket specification 7.2): either way the socket ends with the sign-in
            assertTrue(closed.equals(new WsClient.Close(4002, "signed out")) || closed.code() == 1008, closed.toString());
            if ("liberty".equals(System.getProperty("arquillian.launch"))) {
                assertEquals(new WsClient.Close(4002, "signed out"), closed, "only Herald closes it on Liberty");
            }
            assertFalse(bobSocket.closed().isDone(), "another sign-in's socket stays open: " + bobSocket.closed().getNow(null));
            bobSocket.send("{\"still\":\"here\"}");
            assertNotNull(bobSocket.socket());
        }
    }
}
