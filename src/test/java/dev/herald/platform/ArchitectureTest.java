package dev.herald.platform;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The package rules of the redesign (issue 15): no cycles, the cluster an adapter nobody imports, small classes. */
class ArchitectureTest {

    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.herald");

    @Test
    void noPackageCycles() {
        slices().matching("dev.herald.(**)").should().beFreeOfCycles().check(MAIN);
    }

    @Test
    void onlyTheClusterImportsTheCluster() {
        noClasses().that().resideOutsideOfPackage("dev.herald.cluster..")
                .should().dependOnClassesThat().resideInAPackage("dev.herald.cluster..")
                .check(MAIN);
    }

    @Test
    void noCdiBeanReferencesJedis() {
        noClasses().that().areAnnotatedWith(jakarta.enterprise.context.ApplicationScoped.class)
                .or().areAnnotatedWith(jakarta.enterprise.context.Dependent.class)
                .or().areAnnotatedWith(jakarta.enterprise.context.RequestScoped.class)
                .should().dependOnClassesThat().resideInAPackage("redis.clients..")
                .check(MAIN);
    }

    @Test
    void noMainClassIsMuchOverThreeHundredLines() throws IOException {
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            List<String> long_ = files.filter(f -> f.toString().endsWith(".java"))
                    .filter(f -> lines(f) > 330)
                    .map(f -> f + ": " + lines(f))
                    .toList();
            assertEquals(List.of(), long_, "split these classes");
        }
    }

    private static long lines(Path file) {
        try (Stream<String> lines = Files.lines(file)) {
            return lines.count();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
