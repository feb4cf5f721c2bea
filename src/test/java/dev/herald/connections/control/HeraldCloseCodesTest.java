package dev.herald.connections.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.websocket.CloseReason;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * One close code per cause, and the browser client's table ({@code CLOSE_CODES} in herald-protocol.js,
 * which decides on the code alone) lists every code the server sends, with the same reason.
 */
class HeraldCloseCodesTest {

    private static final Path PROTOCOL_JS = Path.of("src", "main", "webapp", "herald-protocol.js");
    private static final Pattern ROW = Pattern.compile("row\\((\\d{4}), '([^']*)'");

    @Test
    void everyCauseHasItsOwnCode() throws IllegalAccessException {
        Map<Integer, String> seen = new HashMap<>();
        for (CloseReason reason : reasons()) {
            String before = seen.put(reason.getCloseCode().getCode(), reason.getReasonPhrase());
            assertNull(before, reason.getCloseCode().getCode() + " is used for \"" + before + "\" and \"" + reason.getReasonPhrase() + "\"");
        }
        assertEquals(15, seen.size(), "the causes Herald closes for");
    }

    @Test
    void noCauseUsesTheBarePolicyCodeTheContainersUse() throws IllegalAccessException {
        for (CloseReason reason : reasons()) {
            assertNotEquals(CloseReason.CloseCodes.VIOLATED_POLICY, reason.getCloseCode(), reason.getReasonPhrase());
            assertFalse(reason.getReasonPhrase().isBlank());
        }
    }

    @Test
    void theIntConstantsAreTheCodesOfTheirReasons() {
        assertEquals(HeraldCloseCodes.SLOW_CONSUMER_CODE, HeraldCloseCodes.SLOW_CONSUMER.getCloseCode().getCode());
        assertEquals(HeraldCloseCodes.HEARTBEAT_TIMEOUT_CODE, HeraldCloseCodes.HEARTBEAT_TIMEOUT.getCloseCode().getCode());
        assertEquals(HeraldCloseCodes.SIGNED_OUT_CODE, HeraldCloseCodes.SIGNED_OUT.getCloseCode().getCode());
    }

    @Test
    void theBrowserClientKnowsEveryCodeWithItsReason() throws IOException, IllegalAccessException {
        Map<Integer, String> client = new HashMap<>();
        Matcher row = ROW.matcher(Files.readString(PROTOCOL_JS));
        while (row.find()) {
            client.put(Integer.parseInt(row.group(1)), row.group(2));
        }
        assertTrue(client.size() > 15, "parsed CLOSE_CODES of " + PROTOCOL_JS + ": " + client);
        for (CloseReason reason : reasons()) {
            int code = reason.getCloseCode().getCode();
            assertEquals(reason.getReasonPhrase(), client.get(code), "CLOSE_CODES row of " + code);
        }
        assertEquals("", client.get(1008), "1008 comes only from the container");
    }

    private static List<CloseReason> reasons() throws IllegalAccessException {
        List<CloseReason> reasons = new ArrayList<>();
        for (Field field : HeraldCloseCodes.class.getFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == CloseReason.class) {
                reasons.add((CloseReason) field.get(null));
            }
        }
        return reasons;
    }
}
