package org.slmlab.grading;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slmlab.grading.GradeResult.ExerciseResult;

/** The three views of a grade: a terminal table, JSON for tools, and a Markdown report for the record. */
final class GradeReport {

    private GradeReport() {
    }

    static String table(GradeResult r) {
        StringBuilder s = new StringBuilder();
        s.append(String.format("%-44s %9s  %s%n", "exercise", "points", "first failure"));
        for (ExerciseResult e : r.exercises()) {
            List<String> failures = e.failures();
            s.append(String.format("%-44s %4d / %-3d %s%n", e.name(), e.points(), e.max(),
                    failures.isEmpty() ? "" : shorten(failures.get(0), 120)));
        }
        s.append(String.format("%-44s %4d / %-3d%n", "TOTAL", r.total(), r.max()));
        r.exercises().forEach(e -> e.notes().forEach(n -> s.append(e.name()).append(": ").append(n).append('\n')));
        return s.toString();
    }

    static String json(GradeResult r) throws com.fasterxml.jackson.core.JsonProcessingException {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("total", r.total());
        root.put("max", r.max());
        root.put("exercises", r.exercises().stream().map(e -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", e.name());
            m.put("points", e.points());
            m.put("max", e.max());
            m.put("failures", e.failures());
            if (!e.notes().isEmpty()) {
                m.put("notes", e.notes());
            }
            return m;
        }).toList());
        return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(root);
    }

    static String markdown(GradeResult r, String studentDir) {
        StringBuilder s = new StringBuilder("# Grade report\n\n");
        s.append("Exercises graded: `").append(studentDir).append("`\n\n");
        s.append("**Total: ").append(r.total()).append(" / ").append(r.max()).append("**\n\n");
        s.append("| exercise | points | max |\n|---|---:|---:|\n");
        for (ExerciseResult e : r.exercises()) {
            s.append("| ").append(e.name()).append(" | ").append(e.points()).append(" | ").append(e.max()).append(" |\n");
        }
        s.append("\n## Tests\n");
        for (ExerciseResult e : r.exercises()) {
            s.append("\n### ").append(e.name()).append("\n\n");
            e.tests().forEach(t -> s.append("- ").append(t.passed() ? "✅ " : "❌ ").append('`').append(t.name())
                    .append("` (").append(t.points()).append(t.points() == 1 ? " point)" : " points)")
                    .append(t.passed() ? "" : " — " + t.message().replace("|", "\\|"))
                    .append(t.notes().isEmpty() ? "" : " (" + String.join("; ", t.notes()) + ")").append('\n'));
        }
        return s.toString();
    }

    private static String shorten(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 3) + "...";
    }
}
