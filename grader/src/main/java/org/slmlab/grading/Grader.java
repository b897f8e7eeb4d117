package org.slmlab.grading;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.io.File;
import java.io.IOException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.reporting.ReportEntry;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.slmlab.grading.GradeResult.ExerciseResult;
import org.slmlab.grading.GradeResult.TestResult;

/**
 * Grades a student's exercises: compiles their sources and the graded tests with the JDK's compiler, runs the
 * tests with the JUnit Platform, and adds up the {@link Points} of the tests that pass.
 *
 * <p>Every graded test runs under a timeout in a thread of its own, so an endless loop costs that test only. A
 * test that never ran (its class failed to load, say) counts as failed: the maximum is read from the test
 * classes, never from what happened to run.
 *
 * <p>A grader compiles each set of test folders once and reuses the classes for every student it grades (the
 * tests only depend on the exercises' signatures, which students do not change). Close it to delete them.
 */
public final class Grader implements AutoCloseable {

    private final Duration timeout;
    private final Path work;
    private final Map<List<Path>, Path> compiledTests = new HashMap<>();

    public Grader(Duration timeout) throws IOException {
        this.timeout = timeout;
        this.work = Files.createTempDirectory("slmlab-grade");
    }

    /**
     * @param studentDir an exercises folder: its {@code src/main/java} (or the folder itself) holds the solutions
     * @param testDirs folders of graded test sources (the lab's, plus an instructor's hidden ones)
     */
    public GradeResult grade(Path studentDir, List<Path> testDirs) throws GradingException, IOException {
        Path sources = Files.isDirectory(studentDir.resolve("src/main/java")) ? studentDir.resolve("src/main/java") : studentDir;
        if (!Files.isDirectory(sources)) {
            throw new GradingException("no exercises folder at " + studentDir.toAbsolutePath());
        }
        for (Path t : testDirs) {
            if (!Files.isDirectory(t)) {
                throw new GradingException("no test folder at " + t.toAbsolutePath());
            }
        }
        Path mainOut = Files.createTempDirectory(work, "student");
        try {
            String classpath = System.getProperty("java.class.path");
            SourceCompiler.compile(SourceCompiler.javaFiles(List.of(sources)), classpath, mainOut,
                    "the exercises in " + sources);
            return run(mainOut, compiledTests(testDirs, classpath + File.pathSeparator + mainOut));
        } finally {
            deleteRecursively(mainOut);
        }
    }

    /** The test classes of {@code testDirs}, compiled on first use. */
    private synchronized Path compiledTests(List<Path> testDirs, String classpath) throws IOException, GradingException {
        Path testOut = compiledTests.get(testDirs);
        if (testOut == null) {
            testOut = Files.createTempDirectory(work, "tests");
            SourceCompiler.compile(SourceCompiler.javaFiles(testDirs), classpath, testOut, "the graded tests in " + testDirs);
            compiledTests.put(List.copyOf(testDirs), testOut);
        }
        return testOut;
    }

    @Override
    public void close() throws IOException {
        deleteRecursively(work);
    }

    private GradeResult run(Path mainOut, Path testOut) throws IOException, GradingException {
        ClassLoader previous = Thread.currentThread().getContextClassLoader();
        try (URLClassLoader loader = new URLClassLoader(new URL[] {mainOut.toUri().toURL(), testOut.toUri().toURL()},
                Grader.class.getClassLoader())) {
            Thread.currentThread().setContextClassLoader(loader);
            List<Class<?>> testClasses = exerciseClasses(loader, testOut);
            Map<Method, Outcome> outcomes = new LinkedHashMap<>();
            for (Class<?> c : testClasses) {
                for (Method m : c.getDeclaredMethods()) {
                    if (m.isAnnotationPresent(Points.class)) {
                        outcomes.put(m, new Outcome());
                    }
                }
            }
            LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                    .selectors(testClasses.stream().map(c -> selectClass(c)).toList())
                    .configurationParameter("junit.jupiter.execution.timeout.default", timeout.toMillis() + " ms")
                    .configurationParameter("junit.jupiter.execution.timeout.thread.mode.default", "SEPARATE_THREAD")
                    // One student's tests run one after the other (a grader may itself run in parallel).
                    .configurationParameter("junit.jupiter.execution.parallel.enabled", "false")
                    .build();
            LauncherFactory.create().execute(request, new TestExecutionListener() {
                @Override
                public void executionFinished(TestIdentifier id, TestExecutionResult result) {
                    outcome(id).ifPresent(o -> o.record(result));
                }

                @Override
                public void reportingEntryPublished(TestIdentifier id, ReportEntry entry) {
                    outcome(id).ifPresent(o -> entry.getKeyValuePairs().forEach((k, v) -> o.note(k + ": " + v)));
                }

                private Optional<Outcome> outcome(TestIdentifier id) {
                    return id.isTest() && id.getSource().orElse(null) instanceof MethodSource ms
                            ? Optional.ofNullable(outcomes.get(ms.getJavaMethod()))
                            : Optional.empty();
                }
            });
            return summarize(testClasses, outcomes);
        } finally {
            Thread.currentThread().setContextClassLoader(previous);
        }
    }

    private static GradeResult summarize(List<Class<?>> testClasses, Map<Method, Outcome> outcomes) {
        List<ExerciseResult> exercises = new ArrayList<>();
        for (Class<?> c : testClasses) {
            Exercise ex = c.getAnnotation(Exercise.class);
            List<TestResult> tests = new ArrayList<>();
            outcomes.forEach((m, o) -> {
                if (m.getDeclaringClass() == c) {
                    int points = m.getAnnotation(Points.class).value();
                    tests.add(new TestResult(c.getSimpleName() + "." + m.getName(), points, o.passed(), o.message(), o.notes()));
                }
            });
            tests.sort(Comparator.comparing(TestResult::name));
            int earned = tests.stream().filter(TestResult::passed).mapToInt(TestResult::points).sum();
            int max = tests.stream().mapToInt(TestResult::points).sum();
            exercises.add(new ExerciseResult(ex.number(), String.format("%02d %s", ex.number(), ex.title()), earned, max, tests));
        }
        exercises.sort(Comparator.comparingInt(ExerciseResult::number));
        return new GradeResult(exercises.stream().mapToInt(ExerciseResult::points).sum(),
                exercises.stream().mapToInt(ExerciseResult::max).sum(), List.copyOf(exercises));
    }

    /** The compiled test classes that carry {@link Exercise}. */
    private static List<Class<?>> exerciseClasses(ClassLoader loader, Path testOut) throws IOException, GradingException {
        List<Class<?>> classes = new ArrayList<>();
        try (Stream<Path> files = Files.walk(testOut)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".class") && !p.toString().contains("$")).sorted().toList()) {
                String name = testOut.relativize(f).toString().replace(File.separatorChar, '.').replaceAll("\\.class$", "");
                try {
                    Class<?> c = Class.forName(name, false, loader);
                    if (c.isAnnotationPresent(Exercise.class)) {
                        classes.add(c);
                    }
                } catch (ClassNotFoundException | LinkageError e) {
                    throw new GradingException("cannot load the graded test " + name + ": " + e);
                }
            }
        }
        if (classes.isEmpty()) {
            throw new GradingException("the test folders hold no class annotated @Exercise");
        }
        return classes;
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** What happened to one test method over all its invocations (several for a parameterized test). */
    private static final class Outcome {
        private int runs;
        private String firstFailure;
        private final List<String> notes = new ArrayList<>();

        synchronized void note(String note) {
            notes.add(note);
        }

        synchronized List<String> notes() {
            return List.copyOf(notes);
        }

        synchronized void record(TestExecutionResult result) {
            runs++;
            if (result.getStatus() != TestExecutionResult.Status.SUCCESSFUL && firstFailure == null) {
                firstFailure = result.getThrowable().map(FailureMessages::describe).orElse("aborted");
            }
        }

        synchronized boolean passed() {
            return runs > 0 && firstFailure == null;
        }

        synchronized String message() {
            return runs == 0 ? "did not run (the test class could not start)" : firstFailure == null ? "" : firstFailure;
        }
    }
}
