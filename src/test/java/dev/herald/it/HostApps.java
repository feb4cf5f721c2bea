package dev.herald.it;

import dev.herald.it.host.HostResource;
import java.io.File;
import java.util.Map;
import java.util.stream.Collectors;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.EmptyAsset;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/**
 * Host applications with Herald dropped in: the host's own resource ({@link HostResource}, which
 * injects {@code NotificationService}), the host's REST application classes, herald-classes.jar in
 * WEB-INF/lib, and a web.xml that only chooses the login mechanism.
 */
final class HostApps {

    /** Where Herald's API is in a host application, below the context root. */
    static final String HERALD_API = "herald/api/";
    /** Where Herald's WebSocket is in a host application by default, below the context root. */
    static final String HERALD_WS = "herald/ws";

    private HostApps() {
    }

    /**
     * @param name        the WAR's name (its context root)
     * @param application the package of the host's {@code Application} classes
     * @return the WAR
     */
    static WebArchive war(String name, Package application) {
        return war(name, application, Map.of());
    }

    /**
     * @param name        the WAR's name (its context root)
     * @param application the package of the host's {@code Application} classes
     * @param config      the host's MicroProfile Config properties ({@code WEB-INF/classes/META-INF/microprofile-config.properties})
     * @return the WAR
     */
    static WebArchive war(String name, Package application, Map<String, String> config) {
        WebArchive war = ShrinkWrap.create(WebArchive.class, name + ".war")
                .addClass(HostResource.class)
                .addPackage(application)
                .addAsLibrary(new File(System.getProperty("herald.classes.jar", "target/herald-classes.jar")))
                .addAsWebInfResource(EmptyAsset.INSTANCE, "beans.xml")
                .setWebXML(new StringAsset("""
                        <web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0">
                            <login-config><auth-method>BASIC</auth-method></login-config>
                        </web-app>
                        """));
        if (!config.isEmpty()) {
            war.addAsResource(new StringAsset(config.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                    .collect(Collectors.joining("\n", "", "\n"))), "META-INF/microprofile-config.properties");
        }
        return war;
    }
}
