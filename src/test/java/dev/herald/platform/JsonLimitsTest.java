package dev.herald.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonArray;
import jakarta.json.JsonException;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

/** Untrusted JSON is bounded in depth and number size by Herald itself, whatever the JSON-P implementation. */
class JsonLimitsTest {

    private static String nested(int depth) {
        return "[".repeat(depth) + "]".repeat(depth);
    }

    @Test
    void nestingUpToTheBoundIsRead() {
        assertTrue(JsonLimits.parse(nested(JsonLimits.MAX_DEPTH)) instanceof JsonArray);
        String objects = "{\"a\":".repeat(JsonLimits.MAX_DEPTH - 1) + "{}" + "}".repeat(JsonLimits.MAX_DEPTH - 1);
        assertTrue(JsonLimits.parse(objects) instanceof JsonObject);
    }

    @Test
    void deeperNestingIsMalformed() {
        JsonException deep = assertThrows(JsonException.class, () -> JsonLimits.parse(nested(JsonLimits.MAX_DEPTH + 1)));
        assertTrue(deep.getMessage().contains("nested deeper than 64"), deep.getMessage());
        assertThrows(JsonException.class, () -> JsonLimits.parse(nested(3000)));
        assertThrows(JsonException.class, () -> JsonLimits.parse("[".repeat(100_000)));
    }

    @Test
    void bracketsInStringsDoNotCount() {
        String text = "{\"m\":\"" + "[{".repeat(1000) + "\\\"" + "9".repeat(500) + "\"}";
        assertEquals("[{", ((JsonObject) JsonLimits.parse(text)).getString("m").substring(0, 2));
    }

    @Test
    void hugeNumbersAreMalformed() {
        assertThrows(JsonException.class, () -> JsonLimits.parse("[" + "1".repeat(2000) + "]"));
        assertThrows(JsonException.class, () -> JsonLimits.parse("1".repeat(JsonLimits.MAX_NUMBER_CHARS + 1)));
        assertThrows(JsonException.class, () -> JsonLimits.parse("{\"n\":1e99999}"));
        assertThrows(JsonException.class, () -> JsonLimits.parse("{\"n\":1E-100000}"));
        assertEquals(Long.MIN_VALUE, ((JsonNumber) JsonLimits.parse(Long.toString(Long.MIN_VALUE))).longValueExact());
        assertEquals(-1.5e-300, ((JsonNumber) JsonLimits.parse("-1.5e-300")).doubleValue());
        assertEquals(-9999, ((JsonNumber) JsonLimits.parse("1e9999")).bigDecimalValue().scale());
        assertTrue(JsonLimits.parse("[true,false,null," + "1".repeat(JsonLimits.MAX_NUMBER_CHARS) + "]") instanceof JsonArray);
    }
}
