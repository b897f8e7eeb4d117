package org.slmlab.grading;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/** Compiles a folder of Java sources in-process with the JDK's compiler (so grading needs no Maven). */
final class SourceCompiler {

    private SourceCompiler() {
    }

    /** Every {@code .java} file under the given roots, sorted for a stable order. */
    static List<Path> javaFiles(List<Path> roots) throws IOException {
        List<Path> files = new ArrayList<>();
        for (Path root : roots) {
            try (Stream<Path> s = Files.walk(root)) {
                s.filter(p -> p.toString().endsWith(".java")).sorted().forEach(files::add);
            }
        }
        return files;
    }

    /**
     * Compiles {@code sources} into {@code out} against {@code classpath}.
     *
     * @param what names the sources in the error message ("the exercises in /home/ann/exercises")
     */
    static void compile(List<Path> sources, String classpath, Path out, String what) throws GradingException, IOException {
        if (sources.isEmpty()) {
            throw new GradingException("no Java sources found for " + what);
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (javac == null) {
            throw new GradingException("grading needs a JDK (javac), but this Java is a runtime only");
        }
        Files.createDirectories(out);
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8)) {
            List<String> options = List.of("-d", out.toString(), "-classpath", classpath,
                    "--add-modules", "jdk.incubator.vector", "-proc:none", "-nowarn", "-Xlint:none", "-encoding", "UTF-8");
            StringWriter log = new StringWriter();
            boolean ok = javac.getTask(log, files, diagnostics, options, null, files.getJavaFileObjectsFromPaths(sources)).call();
            if (!ok) {
                String errors = diagnostics.getDiagnostics().stream()
                        .filter(d -> d.getKind() == Diagnostic.Kind.ERROR)
                        .limit(20)
                        .map(SourceCompiler::format)
                        .collect(Collectors.joining("\n"));
                throw new GradingException(what + " do not compile:\n" + errors);
            }
        }
    }

    private static String format(Diagnostic<? extends JavaFileObject> d) {
        String file = d.getSource() == null ? "" : Path.of(d.getSource().toUri()).getFileName() + ":" + d.getLineNumber() + ": ";
        return "  " + file + d.getMessage(Locale.ROOT);
    }
}
