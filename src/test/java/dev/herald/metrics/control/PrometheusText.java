package dev.herald.metrics.control;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict reader of the Prometheus text exposition format (0.0.4) for tests: every line must be a
 * {@code # HELP}, a {@code # TYPE} with a known type, or a sample {@code name{labels} value}; a sample
 * needs a preceding TYPE of its family. Anything else throws.
 */
public final class PrometheusText {

    private static final String NAME = "[a-zA-Z_:][a-zA-Z0-9_:]*";
    private static final Pattern HELP = Pattern.compile("# HELP (" + NAME + ") .*");
    private static final Pattern TYPE = Pattern.compile("# TYPE (" + NAME + ") (counter|gauge|histogram|summary|untyped)");
    private static final Pattern SAMPLE = Pattern.compile("(" + NAME + ")(\\{(?:" + NAME + "=\"(?:[^\"\\\\]|\\\\.)*\",?)*})? "
            + "(-?[0-9.]+(?:[eE][-+]?[0-9]+)?|NaN|[+-]Inf)( -?[0-9]+)?");

    private PrometheusText() {
    }

    /**
     * @param text an exposition
     * @return each sample's value by its name and labels as written ({@code name{le="0.1"}})
     * @throws IllegalArgumentException at the first line that is not valid
     */
    public static Map<String, Double> parse(String text) {
        Map<String, Double> samples = new LinkedHashMap<>();
        Map<String, String> types = new LinkedHashMap<>();
        int number = 0;
        for (String line : text.split("\n", -1)) {
            number++;
            if (line.isEmpty()) {
                continue;
            }
            Matcher type = TYPE.matcher(line);
            if (type.matches()) {
                types.put(type.group(1), type.group(2));
                continue;
            }
            if (HELP.matcher(line).matches()) {
                continue;
            }
            Matcher sample = SAMPLE.matcher(line);
            if (!sample.matches()) {
                throw new IllegalArgumentException("line " + number + " is not Prometheus text: " + line);
            }
            String name = sample.group(1);
            if (types.keySet().stream().noneMatch(family -> name.equals(family) || name.startsWith(family + "_"))) {
                throw new IllegalArgumentException("line " + number + ": sample " + name + " without a # TYPE");
            }
            String key = name + (sample.group(2) == null ? "" : sample.group(2));
            if (samples.put(key, Double.valueOf(sample.group(3).replace("+Inf", "Infinity").replace("-Inf", "-Infinity"))) != null) {
                throw new IllegalArgumentException("line " + number + ": duplicate sample " + key);
            }
        }
        return samples;
    }
}
