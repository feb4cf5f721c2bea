package dev.herald.bench.harness;

import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.stream.JsonGenerator;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The results: a table (Herald's figure, the peer's, their ratio) printed to stdout, and everything
 * measured, with the environment, in {@code results.json}. Problems are functional failures of
 * Herald (messages lost, rounds not completed); they make the harness exit with 1.
 */
final class Report {

    /** One line of the table. */
    record Row(String server, String scenario, String metric, String herald, String peer, String ratio) {
    }

    private final JsonObjectBuilder environment = Json.createObjectBuilder();
    private final Map<String, JsonObjectBuilder> scenarios = new java.util.LinkedHashMap<>();
    private String server = "Payara Micro";
    private final List<Row> rows = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();

    void environment(String key, jakarta.json.JsonValue value) {
        environment.add(key, value);
    }

    void environment(String key, String value) {
        environment.add(key, value);
    }

    /** @param name the server the rows and scenarios that follow were measured on */
    void server(String name) {
        server = name;
    }

    void scenario(String name, JsonObject details) {
        scenarios.computeIfAbsent(server, s -> Json.createObjectBuilder()).add(name, details);
    }

    void row(String scenario, String metric, String herald, String peer, String ratio) {
        rows.add(new Row(server, scenario, metric, herald, peer, ratio));
    }

    void problem(String text) {
        problems.add(text);
    }

    List<String> problems() {
        return problems;
    }

    /** @return the table as Markdown, the same text printed and pasted into docs/performance.md */
    String table() {
        StringBuilder table = new StringBuilder("| server | scenario | figure | Herald | peer | ratio |\n|---|---|---|---:|---:|---:|\n");
        for (Row row : rows) {
            table.append("| ").append(String.join(" | ", row.server(), row.scenario(), row.metric(), row.herald(), row.peer(), row.ratio())).append(" |\n");
        }
        return table.toString();
    }

    void write(Path file) throws IOException {
        JsonArrayBuilder table = Json.createArrayBuilder();
        rows.forEach(row -> table.add(Json.createObjectBuilder().add("server", row.server()).add("scenario", row.scenario()).add("figure", row.metric())
                .add("herald", row.herald()).add("peer", row.peer()).add("ratio", row.ratio())));
        JsonArrayBuilder problemList = Json.createArrayBuilder();
        problems.forEach(problemList::add);
        JsonObjectBuilder byServer = Json.createObjectBuilder();
        scenarios.forEach(byServer::add);
        JsonObject results = Json.createObjectBuilder()
                .add("environment", environment)
                .add("table", table)
                .add("scenarios", byServer)
                .add("problems", problemList)
                .build();
        Files.createDirectories(file.getParent());
        try (Writer out = Files.newBufferedWriter(file);
             var writer = Json.createWriterFactory(Map.of(JsonGenerator.PRETTY_PRINTING, true)).createWriter(out)) {
            writer.writeObject(results);
        }
    }

    static String number(double value) {
        if (Double.isNaN(value)) {
            return "–";
        }
        return String.format(Locale.ROOT, value >= 100 ? "%,.0f" : value >= 10 ? "%.1f" : "%.2f", value);
    }

    static String ratio(double herald, double peer) {
        return peer > 0 && !Double.isNaN(herald) ? String.format(Locale.ROOT, "%.2f", herald / peer) : "–";
    }

    static String megabytes(double bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024 * 1024));
    }

    static double median(double... values) {
        double[] sorted = Arrays.stream(values).filter(v -> !Double.isNaN(v)).sorted().toArray();
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
