package dev.herald.it;

import java.io.File;
import java.util.Map;
import java.util.stream.Collectors;
import dev.herald.it.hooks.TestHooks;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.importer.ZipImporter;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/** The archives the integration tests deploy: the real herald.war built by Maven, plus test settings. */
public final class Deployments {

    private Deployments() {
    }

    /**
     * @param config MicroProfile Config properties added to the WAR (short intervals for tests)
     * @return target/herald.war as built, with the properties
     */
    public static WebArchive herald(Map<String, String> config) {
        WebArchive war = ShrinkWrap.create(ZipImporter.class, "herald.war")
                .importFrom(new File(System.getProperty("herald.war", "target/herald.war")))
                .as(WebArchive.class);
        if (!config.isEmpty()) {
            String properties = config.entrySet().stream()
                    .map(e -> e.getKey() + "=" + e.getValue())
                    .collect(Collectors.joining("\n", "", "\n"));
            war.addAsResource(new StringAsset(properties), "META-INF/microprofile-config.properties");
        }
        return war;
    }

    /**
     * @param config MicroProfile Config properties added to the WAR
     * @return herald.war with the test-only hooks under {@code /test-hooks} (load, JVM probes, shutdown)
     */
    public static WebArchive heraldWithHooks(Map<String, String> config) {
        return herald(config).addPackage(TestHooks.class.getPackage());
    }
}
