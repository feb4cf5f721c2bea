package dev.herald.handshake.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.herald.connections.control.HeraldCloseCodes;
import dev.herald.stats.control.HeraldStats;
import dev.herald.tickets.control.TicketStore;
import jakarta.websocket.Session;
import java.lang.reflect.Proxy;
import java.security.Principal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

class HandshakeIdentityTest {

    private final TicketStore tickets = new TicketStore(30, System::nanoTime);
    private final HeraldStats stats = new HeraldStats();
    private final HandshakeIdentity identity = new HandshakeIdentity(new UserIdResolver(), tickets, stats);

    /** A session as the container hands it to {@code @OnOpen}: a principal (or none) and the query parameters. */
    private static Session session(String principal, Map<String, List<String>> parameters) {
        Principal user = principal == null ? null : () -> principal;
        return (Session) Proxy.newProxyInstance(HandshakeIdentityTest.class.getClassLoader(), new Class<?>[]{Session.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getUserPrincipal" -> user;
                    case "getRequestParameterMap" -> parameters;
                    case "getId" -> "s1";
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    private long rejected() {
        return stats.snapshot(0).getJsonNumber("rejectedHandshakes").longValue();
    }

    @Test
    void thePrincipalIdentifiesTheSession() {
        HandshakeIdentity.Outcome outcome = identity.identify(session("7", Map.of("userId", List.of("1"))));
        assertEquals(7, outcome.userId());
        assertNull(outcome.refusal());
    }

    @Test
    void withoutAPrincipalTheTicketIdentifiesTheSessionOnce() {
        String ticket = tickets.issue(1);
        Session first = session(null, Map.of("ticket", List.of(ticket), "userId", List.of("2")));
        assertEquals(new HandshakeIdentity.Outcome(1, null), identity.identify(first));
        assertEquals(new HandshakeIdentity.Outcome(0, HeraldCloseCodes.INVALID_TICKET), identity.identify(first));
        assertEquals(1, stats.snapshot(0).getJsonNumber("ticketRejections").longValue());
    }

    @Test
    void aTicketRedeemedBeforeTheUpgradeIdentifiesThatHandshakeOnly() {
        String ticket = tickets.issue(5);
        assertEquals(true, identity.redeem(ticket, "handshake"));
        assertEquals(false, identity.redeem(ticket, "handshake"), "used up by the first redemption");
        assertEquals(new HandshakeIdentity.Outcome(5, null), identity.identify(null, Map.of("ticket", List.of(ticket)), "handshake"));
        assertEquals(0, identity.held());
        assertEquals(HeraldCloseCodes.INVALID_TICKET, identity.identify(null, Map.of("ticket", List.of(ticket)), "handshake").refusal(),
                "the held user is given out once");
    }

    @Test
    void aRedeemedTicketTheUpgradeDidNotTakeIsReleased() {
        String ticket = tickets.issue(6);
        assertEquals(true, identity.redeem(ticket, "handshake"));
        identity.release(ticket);
        assertEquals(0, identity.held());
        assertEquals(HeraldCloseCodes.INVALID_TICKET, identity.identify(null, Map.of("ticket", List.of(ticket)), "handshake").refusal());
    }

    @Test
    void aPrincipalNeverTakesTheUserHeldForAnotherHandshake() {
        String ticket = tickets.issue(5);
        identity.redeem(ticket, "handshake");
        assertEquals(new HandshakeIdentity.Outcome(2, null), identity.identify(session("2", Map.of("ticket", List.of(ticket)))));
        assertEquals(1, identity.held(), "still held for the handshake that redeemed it");
    }

    @Test
    void thePrincipalWinsAndTheTicketIsUsedUpAnyway() {
        String ticket = tickets.issue(1);
        assertEquals(new HandshakeIdentity.Outcome(2, null), identity.identify(session("2", Map.of("ticket", List.of(ticket)))));
        assertEquals(OptionalLong.empty(), tickets.consume(ticket));
    }

    @Test
    void twoTicketsAreRefusedAndBothUsedUp() {
        String one = tickets.issue(1);
        String two = tickets.issue(2);
        assertEquals(HeraldCloseCodes.INVALID_TICKET, identity.identify(session(null, Map.of("ticket", List.of(one, two)))).refusal());
        assertEquals(OptionalLong.empty(), tickets.consume(one));
        assertEquals(OptionalLong.empty(), tickets.consume(two));
    }

    @Test
    void noPrincipalAndNoTicketOrAPrincipalWithoutAnIdIsRefused() {
        assertEquals(HeraldCloseCodes.AUTHENTICATION_REQUIRED, identity.identify(session(null, Map.of("userId", List.of("1")))).refusal());
        assertEquals(HeraldCloseCodes.AUTHENTICATION_REQUIRED, identity.identify(session("dave", Map.of())).refusal());
        assertEquals(2, rejected());
    }

    @Test
    void ticketsNeverReachTheLog() {
        List<String> logged = new ArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                logged.add(record.getMessage() + " " + record.getParameters() + " " + record.getThrown());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger logger = Logger.getLogger(dev.herald.platform.RefusalLog.class.getName());
        logger.addHandler(capture);
        try {
            String used = tickets.issue(1);
            identity.identify(session(null, Map.of("ticket", List.of(used))));
            identity.identify(session(null, Map.of("ticket", List.of(used))));
            String forged = "f".repeat(43);
            identity.identify(session(null, Map.of("ticket", List.of(forged))));
            String davesOwn = tickets.issue(1);
            identity.identify(session("dave", Map.of("ticket", List.of(davesOwn))));
            assertEquals(2, logged.size(), "the replayed and the forged ticket share one line: " + logged);
            for (String line : logged) {
                for (String ticket : List.of(used, forged, davesOwn)) {
                    assertEquals(-1, line.indexOf(ticket), line);
                }
            }
        } finally {
            logger.removeHandler(capture);
        }
    }
}
