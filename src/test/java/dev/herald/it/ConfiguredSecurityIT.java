package dev.herald.it;

import static dev.herald.it.ItSupport.json;
import static dev.herald.it.ItSupport.assertDelivered;
import static dev.herald.it.ItSupport.closeOf;
import static dev.herald.it.ItSupport.status;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The security settings honoured: an origin allow-list, a 1 s ticket lifetime, small inbound and ticket limits. */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ConfiguredSecurityIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.herald(Map.of(
                "herald.allowed-origins", "https://app.example, http://admin.example:8080",
                "herald.ticket.ttl", "1",
                "herald.inbound.max-bytes", "1000",
                "herald.inbound.rate", "1",
                "herald.inbound.burst", "2",
                "herald.ticket.max-outstanding", "3",
                "herald.ticket.rate", "5"));
    }

    @ArquillianResource
    URL base;

    @Test
    void theAllowListIsHonouredAndReplacesSameOrigin() throws Exception {
        for (String allowed : List.of("https://app.example", "HTTPS://APP.EXAMPLE:443", "http://admin.example:8080")) {
            try (WsClient client = WsClient.connect(base, "ws", "alice", Map.of("Origin", allowed))) {
                assertDelivered(base, client, 1);
            }
        }
        String sameOrigin = base.getProtocol() + "://" + base.getHost() + ":" + base.getPort();
        for (String refused : List.of(sameOrigin, "http://app.example", "https://admin.example:8080", "https://evil.example")) {
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> WsClient.connect(base, "ws", "alice", Map.of("Origin", refused)), refused);
            assertEquals(403, status(e), refused);
        }
        try (WsClient noOrigin = WsClient.connect(base, "alice")) {
            assertDelivered(base, noOrigin, 1);
        }
    }

    @Test
    void anExpiredTicketIsRefusedWith401BeforeTheUpgrade() throws Exception {
        HttpResponse<String> response = Rest.post(base, "alice", "ws/ticket", "");
        assertEquals(1, json(response.body()).getInt("expiresIn"));
        String ticket = json(response.body()).getString("ticket");
        TimeUnit.MILLISECONDS.sleep(1500); // let the 1 s lifetime pass
        ExecutionException late = assertThrows(ExecutionException.class,
                () -> WsClient.connect(base, "ws?ticket=" + ticket, null, Map.of()).close());
        assertEquals(401, status(late));
    }

    @Test
    void theInboundLimitsAreHonoured() throws Exception {
        try (WsClient small = WsClient.connect(base, "alice"); WsClient big = WsClient.connect(base, "alice")) {
            small.send("{\"pad\":\"" + "x".repeat(1000 - 10) + "\"}");
            big.send("{\"pad\":\"" + "x".repeat(1000 - 9) + "\"}");
            assertEquals(new WsClient.Close(1009, "message too big"), closeOf(big));
            assertDelivered(base, small, 1);
        }
        try (WsClient chatty = WsClient.connect(base, "alice")) {
            for (int i = 0; i < 10 && !chatty.closed().isDone(); i++) { // the default burst (40) would allow these
                try {
                    chatty.send("{}");
                } catch (Exception closedMeanwhile) {
                    break;
                }
            }
            assertEquals(new WsClient.Close(4007, "rate limit"), closeOf(chatty));
        }
    }

    @Test
    void ticketIssuanceIsLimitedPerUser() throws Exception {
        long refusedBefore = ItSupport.stat(base, "ticketsRefused");
        for (int i = 0; i < 3; i++) {
            assertEquals(201, Rest.post(base, "bob", "ws/ticket", "").statusCode());
        }
        HttpResponse<String> capped = Rest.post(base, "bob", "ws/ticket", "");
        assertEquals(429, capped.statusCode(), "3 unused tickets: " + capped.body());
        assertEquals("application/problem+json", capped.headers().firstValue("Content-Type").orElse("").split(";")[0]);
        assertEquals("TOO_MANY_TICKETS", json(capped.body()).getString("code"));
        assertEquals("1", capped.headers().firstValue("Retry-After").orElse(""), "the oldest of the 1 s tickets expires within 1 s");
        assertEquals(201, Rest.post(base, "carol", "ws/ticket", "").statusCode(), "another user is not affected");

        String ticket = null;
        long deadline = System.currentTimeMillis() + 10_000;
        while (ticket == null && System.currentTimeMillis() < deadline) { // until bob's tickets have expired
            HttpResponse<String> issued = Rest.post(base, "bob", "ws/ticket", "");
            ticket = issued.statusCode() == 201 ? json(issued.body()).getString("ticket") : null;
        }
        assertTrue(ticket != null, "expired tickets free the cap");
        try (WsClient used = WsClient.connect(base, "ws?ticket=" + ticket, null, Map.of())) {
            assertDelivered(base, used, 2); // a used ticket no longer counts either
        }
        assertEquals(201, Rest.post(base, "bob", "ws/ticket", "").statusCode(), "5 of 5 this minute");
        HttpResponse<String> rate = Rest.post(base, "bob", "ws/ticket", "");
        assertEquals(429, rate.statusCode(), rate.body());
        long retry = Long.parseLong(rate.headers().firstValue("Retry-After").orElseThrow());
        assertTrue(retry > 1 && retry <= 60, "until the minute is over: " + retry);
        assertTrue(ItSupport.stat(base, "ticketsRefused") >= refusedBefore + 2);
    }
}
