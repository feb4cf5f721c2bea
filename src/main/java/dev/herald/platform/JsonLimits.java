package dev.herald.platform;

import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonValue;
import java.io.StringReader;

/**
 * Reads untrusted JSON (inbound frames, REST bodies) within explicit bounds, the same on every
 * server's JSON-P: at most {@value #MAX_DEPTH} nested arrays or objects and numbers of at most
 * {@value #MAX_NUMBER_CHARS} characters with an exponent of at most {@value #MAX_EXPONENT_DIGITS}
 * digits. The text is scanned once before it is parsed, so a JSON-P implementation's own limits (which
 * throw exceptions other than {@link JsonException}) and its recursion are never reached. Anything
 * the implementation still throws while parsing is reported as a {@link JsonException} too.
 */
public final class JsonLimits {

    /** Deepest nesting of arrays and objects accepted. */
    public static final int MAX_DEPTH = 64;
    /** Longest number accepted, sign, fraction and exponent included (a long has 19 digits, a double 17). */
    public static final int MAX_NUMBER_CHARS = 100;
    /** Most exponent digits accepted ({@code 1e9999}): larger exponents make {@code BigInteger} conversions explode. */
    public static final int MAX_EXPONENT_DIGITS = 4;

    private JsonLimits() {
    }

    /**
     * @param json untrusted JSON text
     * @return its value
     * @throws JsonException when it is not one JSON value, or exceeds a bound
     */
    public static JsonValue parse(String json) {
        check(json);
        try (var reader = Json.createReader(new StringReader(json))) {
            return reader.readValue();
        } catch (JsonException e) {
            throw e;
        } catch (RuntimeException e) { // an implementation's own limit or defect: still malformed input
            throw new JsonException(e.getClass().getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    /**
     * @param json JSON text
     * @throws JsonException when it nests deeper than {@link #MAX_DEPTH} or holds a number beyond
     *                       {@link #MAX_NUMBER_CHARS} characters or {@link #MAX_EXPONENT_DIGITS} exponent digits
     */
    static void check(CharSequence json) {
        int depth = 0;
        int numberChars = 0;
        int exponentDigits = -1;
        boolean inString = false;
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                }
                continue;
            }
            if (c >= '0' && c <= '9' || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E') {
                if (++numberChars > MAX_NUMBER_CHARS) {
                    throw new JsonException("number longer than " + MAX_NUMBER_CHARS + " characters at offset " + i);
                }
                if (c == 'e' || c == 'E') {
                    exponentDigits = 0;
                } else if (exponentDigits >= 0 && c >= '0' && c <= '9' && ++exponentDigits > MAX_EXPONENT_DIGITS) {
                    throw new JsonException("number exponent longer than " + MAX_EXPONENT_DIGITS + " digits at offset " + i);
                }
                continue;
            }
            numberChars = 0;
            exponentDigits = -1;
            if (c == '"') {
                inString = true;
            } else if ((c == '[' || c == '{') && ++depth > MAX_DEPTH) {
                throw new JsonException("nested deeper than " + MAX_DEPTH + " levels at offset " + i);
            } else if (c == ']' || c == '}') {
                depth--;
            }
        }
    }
}
