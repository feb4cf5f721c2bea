package dev.herald.platform;

/**
 * The range checks of Herald's settings at start: a value out of range fails the deployment with a
 * message naming the property, the value and the allowed range, instead of being bent into range.
 */
public final class Ranges {

    private Ranges() {
    }

    /**
     * @param property the property's name
     * @param value    its value
     * @param min      the smallest allowed value
     * @throws IllegalArgumentException {@code "<property> is <value>: it must be at least <min>"}
     */
    public static void atLeast(String property, long value, long min) {
        if (value < min) {
            throw new IllegalArgumentException(property + " is " + value + ": it must be at least " + min);
        }
    }

    /**
     * @param property the property's name
     * @param value    its value
     * @param min      the smallest allowed value
     * @throws IllegalArgumentException when the value is below {@code min}, not a number or infinite
     */
    public static void atLeast(String property, double value, double min) {
        if (!(value >= min) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(property + " is " + value + ": it must be a finite number of at least " + min);
        }
    }
}
