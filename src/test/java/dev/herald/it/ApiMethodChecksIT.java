package dev.herald.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.it.ApiModel.Endpoint;
import java.io.IOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The second layer alone: herald.war with its security constraints removed (as in a host whose
 * web.xml ignores Herald's fragment), so only the resource methods' own checks stand between a
 * caller and the API. Every method refuses anonymous callers and callers without access.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ApiMethodChecksIT {

    @Deployment(testable = false)
    static WebArchive deployment() throws IOException {
        WebArchive war = Deployments.herald(Map.of());
        String webXml = new String(war.get("WEB-INF/web.xml").getAsset().openStream().readAllBytes(), StandardCharsets.UTF_8);
        String unconstrained = webXml.replaceAll("(?s)<security-constraint>.*?</security-constraint>", "");
        if (unconstrained.contains("security-constraint")) {
            throw new IllegalStateException("a security constraint is still declared");
        }
        war.delete("WEB-INF/web.xml");
        return war.setWebXML(new StringAsset(unconstrained));
    }

    @ArquillianResource
    URL base;

    @Test
    void everyMethodRefusesByItself() throws Exception {
        // spellings the REST runtime matches to no method are 404 here: no constraint answers first
        ApiAccessIT.assertRefusedEverywhere(base, base.getPath(), "api/", Set.of(401, 403, 404), Set.of(400, 401, 403, 404));
        for (Endpoint endpoint : ApiModel.endpoints()) { // the canonical paths reach the methods, which refuse
            for (String user : new String[] {null, ApiAccessIT.unprivileged(endpoint)}) {
                int status = ApiAccessIT.call(base, "api/", endpoint, user, Map.of("Content-Type", "application/json")).statusCode();
                assertTrue(status == 401 || status == 403, endpoint + " as " + user + ": " + status);
            }
        }
    }
}
