package dev.herald.bench.harness;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * How each server is started with {@code herald-bench.war}: Payara Micro from its jar; WildFly from the
 * ITs' distribution with a server base directory of the benchmark's own (the configuration the ITs use,
 * {@code server-config/wildfly/herald.cli}, plus Jakarta Security identities that are not in the
 * application realm); Open Liberty as a server {@code herald-bench} beside the ITs' {@code herald}, with
 * the ITs' {@code server.xml} and the WAR at {@code /herald}.
 */
final class ServerLaunch {

    private ServerLaunch() {
    }

    /**
     * @param settings the server, its port, JVM flags, JFR
     * @param name     names the flight recording ({@code name.jfr})
     * @return the process to start (output not yet redirected)
     * @throws IOException when the server's installation is missing or cannot be prepared
     */
    static ProcessBuilder of(Settings settings, String name) throws IOException, InterruptedException {
        List<String> jvm = new ArrayList<>(settings.serverJvm());
        if (settings.jfr()) {
            jvm.add("-XX:StartFlightRecording=filename=" + settings.out().resolve(name + ".jfr").toAbsolutePath()
                    + ",settings=profile,dumponexit=true");
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String war = settings.war().toAbsolutePath().toString();
        ProcessBuilder builder = switch (settings.kind()) {
            case PAYARA -> {
                List<String> command = new ArrayList<>(List.of(java));
                command.addAll(jvm);
                command.addAll(List.of("-jar", settings.microJar().toAbsolutePath().toString(),
                        "--nohazelcast", "--port", Integer.toString(settings.port()),
                        "--contextroot", "herald", "--deploy", war));
                yield new ProcessBuilder(command);
            }
            case WILDFLY -> wildfly(settings, jvm);
            case LIBERTY -> liberty(settings, jvm);
        };
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        return builder;
    }

    /**
     * @param settings the server
     * @param log      its console output
     * @return true when the server reports that the WAR did not deploy
     */
    static boolean deploymentFailed(Settings settings, Path log) {
        try {
            return switch (settings.kind()) {
                case PAYARA -> Files.readString(log).contains("Exception while deploying");
                case WILDFLY -> Files.exists(wildflyBase(settings).resolve("deployments/herald.war.failed"));
                case LIBERTY -> {
                    String text = Files.readString(log);
                    yield text.contains("CWWKZ0002E") || text.contains("CWWKZ0004E");
                }
            };
        } catch (IOException | java.io.UncheckedIOException unreadable) {
            return false;
        }
    }

    private static Path wildflyBase(Settings settings) {
        return settings.out().resolve("wildfly-base").toAbsolutePath();
    }

    private static ProcessBuilder wildfly(Settings settings, List<String> jvm) throws IOException, InterruptedException {
        Path home = requireDirectory(settings.wildflyHome());
        Path base = wildflyBase(settings);
        if (!Files.exists(base.resolve("configuration/.bench-configured"))) {
            copyTree(home.resolve("standalone/configuration"), base.resolve("configuration"));
            cli(home, base, settings.serverConfig().resolve("wildfly/herald.cli"));
            Path bench = settings.out().resolve("wildfly-bench.cli");
            Files.writeString(bench, String.join("\n",
                    "embed-server --std-out=discard --server-config=standalone.xml",
                    // BenchAuthentication's users are not in the application realm: take the identity as given
                    "/subsystem=undertow/application-security-domain=other:write-attribute(name=integrated-jaspi, value=false)",
                    "stop-embedded-server", ""));
            cli(home, base, bench);
            Files.writeString(base.resolve("configuration/.bench-configured"), "configured by the benchmark harness\n");
        }
        Path deployments = Files.createDirectories(base.resolve("deployments"));
        try (Stream<Path> old = Files.list(deployments)) {
            for (Path file : old.toList()) {
                Files.deleteIfExists(file);
            }
        }
        Files.copy(settings.war(), deployments.resolve("herald.war"), StandardCopyOption.REPLACE_EXISTING);
        ProcessBuilder builder = new ProcessBuilder(home.resolve("bin/standalone.sh").toString(),
                "-Djboss.server.base.dir=" + base, "-Djboss.socket.binding.port-offset=" + (settings.port() - 8080), "-b", "0.0.0.0");
        List<String> options = new ArrayList<>(jvm);
        options.addAll(List.of("-Djava.net.preferIPv4Stack=true", "-Djava.awt.headless=true",
                "-Djboss.modules.system.pkgs=org.jboss.byteman"));
        builder.environment().put("JAVA_OPTS", String.join(" ", options));
        return builder;
    }

    private static void cli(Path home, Path base, Path script) throws IOException, InterruptedException {
        Process cli = new ProcessBuilder(home.resolve("bin/jboss-cli.sh").toString(), "-Djboss.server.base.dir=" + base,
                "--file=" + script.toAbsolutePath())
                .redirectErrorStream(true).start();
        String output = new String(cli.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!cli.waitFor(5, TimeUnit.MINUTES) || cli.exitValue() != 0) {
            throw new IOException("jboss-cli " + script + " failed: " + output);
        }
    }

    private static ProcessBuilder liberty(Settings settings, List<String> jvm) throws IOException {
        Path home = requireDirectory(settings.libertyHome());
        Path server = Files.createDirectories(home.resolve("usr/servers/herald-bench"));
        Files.copy(settings.serverConfig().resolve("liberty/server.xml"), server.resolve("server.xml"), StandardCopyOption.REPLACE_EXISTING);
        Path overrides = Files.createDirectories(server.resolve("configDropins/overrides"));
        Files.writeString(overrides.resolve("bench.xml"), """
                <?xml version="1.0" encoding="UTF-8"?>
                <!-- written by the benchmark harness: herald-bench.war at /herald -->
                <server>
                    <webApplication id="herald" name="herald" location="%s" contextRoot="/herald">
                        <application-bnd>
                            <security-role name="herald-sender">
                                <group name="herald-sender"/>
                            </security-role>
                        </application-bnd>
                    </webApplication>
                </server>
                """.formatted(withoutLoginConfig(settings.war(), server.resolve("herald-bench.war"))));
        ProcessBuilder builder = new ProcessBuilder(home.resolve("bin/server").toString(), "run", "herald-bench", "--clean");
        builder.environment().put("JVM_ARGS", String.join(" ", jvm));
        builder.environment().put("HTTP_PORT", Integer.toString(settings.port()));
        builder.environment().put("HTTPS_PORT", Integer.toString(settings.port() + 363));
        return builder;
    }

    /**
     * Liberty refuses a deployment with both a {@code login-config} and an {@code HttpAuthenticationMechanism}
     * (CWWKS1931E); Payara and WildFly let the mechanism take precedence. Liberty's copy of the WAR leaves
     * Herald's BASIC {@code login-config} out, so {@code BenchAuthentication} alone authenticates there too.
     *
     * @return the copy
     */
    private static Path withoutLoginConfig(Path war, Path copy) throws IOException {
        Files.copy(war, copy, StandardCopyOption.REPLACE_EXISTING);
        try (java.nio.file.FileSystem zip = java.nio.file.FileSystems.newFileSystem(copy)) {
            Path webXml = zip.getPath("WEB-INF/web.xml");
            String text = Files.readString(webXml);
            Files.writeString(webXml, text.replaceAll("(?s)<login-config>.*?</login-config>", ""));
        }
        return copy.toAbsolutePath();
    }

    private static Path requireDirectory(Path home) throws IOException {
        if (!Files.isDirectory(home)) {
            throw new IOException(home + " is missing: build with mvn package -Pbench (it unpacks the ITs' distributions)");
        }
        return home;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : files.toList()) {
                Path target = to.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }
}
