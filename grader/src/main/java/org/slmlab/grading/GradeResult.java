package org.slmlab.grading;

import java.util.List;

/**
 * The outcome of grading: points per exercise and the reason each lost test failed.
 *
 * @param exercises in exercise-number order
 */
public record GradeResult(int total, int max, List<ExerciseResult> exercises) {

    /** One exercise: its points and the failures that cost points. */
    public record ExerciseResult(int number, String name, int points, int max, List<TestResult> tests) {

        public List<String> failures() {
            return tests.stream().filter(t -> !t.passed()).map(t -> t.name() + ": " + t.message()).toList();
        }

        /** What the tests reported besides pass/fail (a measured speed-up, say). */
        public List<String> notes() {
            return tests.stream().flatMap(t -> t.notes().stream()).toList();
        }
    }

    /** One graded test method; {@code notes} are the entries it published with JUnit's TestReporter. */
    public record TestResult(String name, int points, boolean passed, String message, List<String> notes) {
    }

    /** The names of the failed tests, as {@code ExerciseClass.method}. */
    public List<String> failedTests() {
        return exercises.stream().flatMap(e -> e.tests().stream()).filter(t -> !t.passed()).map(TestResult::name)
                .toList();
    }
}
