package dev.herald.it;

import static dev.herald.it.CoreIT.json;
import static dev.herald.it.CoreIT.waitFor;

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
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A real undeploy with connected clients: every client sees its socket closed. The close code is
 * the container's choice (Payara 1006, Undertow and Liberty 1001), so only the close is asserted.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class UndeployIT {

    private static final String NAME = "undeployed";

    @Deployment(name = NAME, managed = false, testable = false)
    static WebArchive deployment() {
        return Deployments.herald(Map.of());
    }

    @ArquillianResource
    Deployer deployer;

    @Test
    @Order(1)
    void deploy() {
        deployer.deploy(NAME);
    }

    @Test
    @Order(2)
    void undeployClosesConnectedClients(@ArquillianResource @OperateOnDeployment(NAME) URL base) throws Exception {
        List<WsClient> clients = new ArrayList<>();
        try {
            for (String user : new String[]{"alice", "bob", "carol"}) {
                clients.add(WsClient.connect(base, user));
            }
            waitFor(() -> json(Rest.get(base, "ops", "stats").body()).getInt("openSessions") == 3);
            deployer.undeploy(NAME);
            for (WsClient client : clients) {
                client.closed().get(30, TimeUnit.SECONDS); // completes on a close frame or a dropped connection
            }
        } finally {
            clients.forEach(WsClient::close);
        }
    }
}
