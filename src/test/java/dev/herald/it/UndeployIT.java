package dev.herald.it;

import static dev.herald.it.ItSupport.assertDelivered;
import static dev.herald.it.ItSupport.stat;
import static dev.herald.it.ItSupport.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.OperateOnDeployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A real undeploy with connected clients: every client, open and receiving until then, sees its
 * socket closed by the undeploy. The close code is the container's choice: Payara Micro drops the
 * connections (1006, no close frame), Undertow sends 1001 "going away", Liberty 1008 "Secure HTTP
 * Session Closed" (the authenticated HTTP session of the handshake ends with the application).
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class UndeployIT {

    private static final String NAME = "undeployed";

    @Deployment(name = NAME, managed = false, testable = false)
    static WebArchive deployment() {
        return Deployments.herald(Map.of());
    }

    @ArquillianResource
    Deployer deployer;

    private boolean deployed;

    /** @return the code each server closes a socket with when its application is undeployed */
    private static int undeployCloseCode() {
        return switch (System.getProperty("arquillian.launch", "payara-micro")) {
            case "wildfly" -> 1001;
            case "liberty" -> 1008;
            default -> 1006;
        };
    }

    @BeforeEach
    void deploy() {
        deployer.deploy(NAME);
        deployed = true;
    }

    @AfterEach
    void undeployIfStillDeployed() {
        if (deployed) {
            deployer.undeploy(NAME);
        }
    }

    @Test
    void undeployClosesConnectedClients(@ArquillianResource @OperateOnDeployment(NAME) URL base) throws Exception {
        List<WsClient> clients = new ArrayList<>();
        try {
            for (String user : new String[]{"alice", "bob", "carol"}) {
                clients.add(WsClient.connect(base, user));
            }
            waitFor(() -> stat(base, "openSessions") == 3);
            for (int user = 1; user <= 3; user++) {
                assertDelivered(base, clients.get(user - 1), user); // open and receiving before the undeploy
            }
            deployer.undeploy(NAME);
            deployed = false;
            for (WsClient client : clients) {
                WsClient.Close close = client.closed().get(30, TimeUnit.SECONDS); // a close frame or a dropped connection
                assertEquals(undeployCloseCode(), close.code(), "closed by the undeploy: " + close);
            }
        } finally {
            clients.forEach(WsClient::close);
        }
    }
}
