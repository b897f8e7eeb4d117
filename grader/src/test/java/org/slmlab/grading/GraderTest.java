package org.slmlab.grading;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.api.parallel.Resources;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The three properties that make the grading honest: the reference solutions earn every point, the untouched
 * stubs earn none (no test is vacuous), and each deliberately wrong solution loses exactly the points of the
 * tests that should catch it.
 */
class GraderTest {

    static final Path ROOT = Path.of(System.getProperty("slmlab.root", "..")).toAbsolutePath().normalize();
    static final Path TESTS = ROOT.resolve("exercises/src/test/java");
    static final Path SOLUTIONS = ROOT.resolve("solutions/src/main/java");
    static Grader GRADER;

    @BeforeAll
    static void grader() throws IOException {
        GRADER = new Grader(Duration.ofSeconds(20));
    }

    @AfterAll
    static void close() throws IOException {
        GRADER.close();
    }

    @Test
    void solutionsEarnFullMarks() throws Exception {
        GradeResult r = GRADER.grade(ROOT.resolve("solutions"), List.of(TESTS));
        assertEquals(List.of(), r.failedTests());
        assertEquals(r.max(), r.total());
        assertTrue(r.max() > 0);
    }

    @Test
    void untouchedStubsEarnNothing() throws Exception {
        GradeResult r = GRADER.grade(ROOT.resolve("exercises"), List.of(TESTS));
        assertEquals(0, r.total(), () -> "tests that pass on the stubs are vacuous: "
                + r.exercises().stream().flatMap(e -> e.tests().stream()).filter(GradeResult.TestResult::passed).toList());
        assertTrue(r.exercises().stream().flatMap(e -> e.tests().stream())
                .allMatch(t -> t.message().startsWith("not implemented yet")), "stubs fail with the TODO message");
    }

    static Stream<JsonNode> mutants() throws IOException {
        try (InputStream in = GraderTest.class.getResourceAsStream("/mutants.json")) {
            List<JsonNode> list = new ArrayList<>();
            new ObjectMapper().readTree(in).get("mutants").forEach(list::add);
            return list.stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("mutants")
    void aWrongSolutionLosesExactlyThePointsOfTheTestsThatCatchIt(JsonNode mutant, @TempDir Path dir) throws Exception {
        Path pkg = dir.resolve("org/slmlab/exercises");
        Files.createDirectories(pkg);
        try (Stream<Path> files = Files.list(SOLUTIONS.resolve("org/slmlab/exercises"))) {
            for (Path f : files.toList()) {
                Files.copy(f, pkg.resolve(f.getFileName()));
            }
        }
        Path target = pkg.resolve(mutant.get("file").asText());
        String source = Files.readString(target);
        String replace = mutant.get("replace").asText();
        assertTrue(source.contains(replace), "the mutant's text is no longer in the solution: " + replace);
        Files.writeString(target, source.replace(replace, mutant.get("with").asText()));

        GradeResult r = GRADER.grade(dir, List.of(TESTS));
        Set<String> expected = new TreeSet<>();
        mutant.get("fails").forEach(n -> expected.add(n.asText()));
        assertEquals(expected, new TreeSet<>(r.failedTests()), mutant.get("name").asText());
    }

    @Test
    @ResourceLock(Resources.SYSTEM_OUT)
    void commandLinePrintsJsonAndWritesTheReport(@TempDir Path report) throws Exception {
        var out = new java.io.ByteArrayOutputStream();
        var previous = System.out;
        int status;
        System.setOut(new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            status = new picocli.CommandLine(new GradeMain()).execute(ROOT.resolve("exercises").toString(), "--json",
                    "--tests", TESTS.toString(), "--report", report.toString());
        } finally {
            System.setOut(previous);
        }
        assertEquals(0, status, "a zero score is still a successful grading");
        JsonNode json = new ObjectMapper().readTree(out.toString(java.nio.charset.StandardCharsets.UTF_8));
        assertEquals(0, json.get("total").asInt());
        assertTrue(json.get("max").asInt() > 0);
        JsonNode first = json.get("exercises").get(0);
        assertTrue(first.has("name") && first.has("points") && first.has("max") && first.get("failures").size() > 0);
        assertTrue(Files.readString(report.resolve("report.md")).contains("# Grade report"));
    }

    @Test
    void codeThatDoesNotCompileCannotBeGraded(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("ParameterCount.java"), "package org.slmlab.exercises; class ParameterCount { oops }");
        var e = org.junit.jupiter.api.Assertions.assertThrows(GradingException.class,
                () -> GRADER.grade(dir, List.of(TESTS)));
        assertTrue(e.getMessage().contains("ParameterCount.java:1"), e.getMessage());
    }
}
