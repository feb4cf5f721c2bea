package dev.herald.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Runs the browser tests ({@code src/test/browser/demo.test.mjs}: headless Chromium against the demo
 * WAR on its own Payara Micro: the demo page, {@code herald.js} through refused tickets and socket outages, and
 * the operations page) inside {@code mvn verify}. The node script starts, restarts and stops
 * the server itself; this test passes when every browser test passed.
 */
class BrowserDemoIT {

    private static final Path SCRIPT = Path.of("src", "test", "browser", "demo.test.mjs");

    @Test
    void demoPageWorksInHeadlessChromium() throws Exception {
        Process node = new ProcessBuilder("node", "--test-reporter=spec", SCRIPT.toString())
                .redirectErrorStream(true)
                .start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8))) {
            out.lines().forEach(System.out::println);
            assertEquals(0, node.waitFor(), "browser tests failed: see the output above and target/browser/");
        } finally {
            stop(node);
        }
    }

    /** Ends the node process and anything it left running (its Payara Micro), if the test is cut short. */
    private static void stop(Process node) throws IOException {
        node.descendants().forEach(ProcessHandle::destroyForcibly);
        node.destroyForcibly();
        node.getInputStream().close();
    }
}
