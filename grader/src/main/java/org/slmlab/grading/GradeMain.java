package org.slmlab.grading;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ./lab grade [DIR] [--json] [--with TESTDIR]} — grades a folder of exercises.
 *
 * <p>Exit status: 0 whenever grading happened (a low score is not an error), 1 when it could not (the folder is
 * missing, the code does not compile), 2 for a wrong command line.
 */
@Command(name = "grade", mixinStandardHelpOptions = true,
        description = {"Grades exercises with the lab's JUnit tests and prints points per exercise.",
                "A report is written to REPORT_DIR/report.md (and report.json)."})
public final class GradeMain implements Callable<Integer> {

    @Parameters(index = "0", arity = "0..1", paramLabel = "DIR",
            description = "the exercises folder to grade (default: the lab's exercises/)")
    Path dir;

    @Option(names = "--json", description = "print the result as JSON instead of a table")
    boolean json;

    @Option(names = "--with", paramLabel = "TESTDIR", description = "extra (hidden) test sources to grade with; repeatable")
    List<Path> extraTests = new ArrayList<>();

    @Option(names = "--tests", paramLabel = "DIR", hidden = true, description = "the graded tests (default: exercises/src/test/java of the lab)")
    Path tests;

    @Option(names = "--report", paramLabel = "REPORT_DIR", description = "where to write the report (default: target/grade of the lab)")
    Path reportDir;

    @Option(names = "--timeout", paramLabel = "SECONDS", description = "time limit per test (default: ${DEFAULT-VALUE})")
    int timeoutSeconds = 10;

    @Override
    public Integer call() throws Exception {
        Path lab = Path.of(System.getProperty("slmlab.home", ".")).toAbsolutePath().normalize();
        Path studentDir = dir != null ? dir : lab.resolve("exercises");
        List<Path> testDirs = new ArrayList<>();
        testDirs.add(tests != null ? tests : lab.resolve("exercises/src/test/java"));
        testDirs.addAll(extraTests);
        GradeResult result;
        try (Grader grader = new Grader(Duration.ofSeconds(timeoutSeconds))) {
            result = grader.grade(studentDir, testDirs);
        } catch (GradingException e) {
            System.err.println("lab grade: could not grade: " + e.getMessage());
            return 1;
        }
        Path out = reportDir != null ? reportDir : lab.resolve("target/grade");
        Files.createDirectories(out);
        Files.writeString(out.resolve("report.md"), GradeReport.markdown(result, studentDir.toAbsolutePath().toString()));
        Files.writeString(out.resolve("report.json"), GradeReport.json(result));
        System.out.print(json ? GradeReport.json(result) + "\n" : GradeReport.table(result));
        if (!json) {
            System.out.println("report: " + out.resolve("report.md"));
        }
        return 0;
    }

    public static void main(String[] args) {
        // Tests of an endless-looping student method keep running in their timed-out threads: exit explicitly.
        System.exit(new CommandLine(new GradeMain()).execute(args));
    }
}
