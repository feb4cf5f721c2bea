package dev.herald.it;

import static dev.herald.it.ItSupport.assertIsUser;
import static dev.herald.it.ItSupport.closeOf;
import static dev.herald.it.ItSupport.ticket;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.net.URL;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Herald when its handshake filter is missing (a host application whose web.xml ignores Herald's
 * web-fragment): the endpoint still fails closed. Foreign origins are closed with 4005 by the
 * configurator's check, an unauthenticated handshake gets no session, tickets still work.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class FilterlessIT {

    @Deployment(testable = false)
    static WebArchive deployment() throws java.io.IOException {
        WebArchive war = Deployments.herald(Map.of());
        String webXml = new String(war.get("WEB-INF/web.xml").getAsset().openStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        String withoutFilter = webXml.replaceAll("(?s)<filter>.*?</filter>", "").replaceAll("(?s)<filter-mapping>.*?</filter-mapping>", "");
        if (withoutFilter.contains("HandshakeFilter")) {
            throw new IllegalStateException("the handshake filter is still declared");
        }
        war.delete("WEB-INF/web.xml");
        return war.setWebXML(new StringAsset(withoutFilter));
    }

    @ArquillianResource
    URL base;

    @Test
    void aForeignOriginIsClosedWith4005() throws Exception {
        String ticket = ticket(base, "alice");
        try (WsClient foreign = WsClient.connect(base, "ws?ticket=" + ticket, null, Map.of("Origin", "https://evil.example"))) {
            assertEquals(new WsClient.Close(4005, "origin not allowed"), closeOf(foreign));
        }
        // the refusal stayed with that handshake: the next one from the right origin opens
        String sameOrigin = base.getProtocol() + "://" + base.getHost() + ":" + base.getPort();
        try (WsClient ok = WsClient.connect(base, "ws?ticket=" + ticket(base, "alice"), null, Map.of("Origin", sameOrigin))) {
            assertIsUser(base, ok, 1, 2);
            assertFalse(ok.closed().isDone());
        }
    }

    @Test
    void withoutTheFilterNoHandshakeGetsAnIdentityForFree() throws Exception {
        try (WsClient anonymous = WsClient.connect(base, "ws?userId=1", null, Map.of())) {
            assertEquals(new WsClient.Close(4003, "authentication required"), closeOf(anonymous));
        }
    }
}
