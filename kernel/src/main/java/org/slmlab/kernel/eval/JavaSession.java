package org.slmlab.kernel.eval;

import jdk.jshell.DeclarationSnippet;
import jdk.jshell.Diag;
import jdk.jshell.EvalException;
import jdk.jshell.JShell;
import jdk.jshell.JShellException;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;
import jdk.jshell.SourceCodeAnalysis.CompletionInfo;
import jdk.jshell.UnresolvedReferenceException;
import jdk.jshell.VarSnippet;
import jdk.jshell.spi.ExecutionControl;
import jdk.jshell.spi.ExecutionControlProvider;
import jdk.jshell.spi.ExecutionEnv;
import org.slmlab.kernel.eval.Tracebacks.SnippetOrigin;
import org.slmlab.kernel.exec.CellRunner;
import org.slmlab.kernel.exec.CellRunner.Halt;
import org.slmlab.kernel.exec.StopCheck;

import java.io.File;
import java.io.PrintStream;
import java.lang.reflect.Field;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Java code evaluated cell by cell: one JShell whose snippets run in this JVM through {@link CellRunner}.
 * A cell may hold any number of statements, declarations and expressions; its value is the value of its last
 * snippet when that is an expression. This class knows nothing about Jupyter: the kernel renders the values
 * and publishes the {@link CellFailure}s.
 */
public final class JavaSession implements AutoCloseable {

    /** The value of a cell that ends in an expression ({@code null} is a value too). */
    public record Value(Object value) {
    }

    /** Completion candidates replacing {@code [start, end)} of the cell. */
    public record Completions(List<String> candidates, int start, int end) {
    }

    private final JShell shell;
    private final CellRunner runner;
    private final SourceCodeAnalysis analysis;
    private final Map<String, SnippetOrigin> origins = new ConcurrentHashMap<>();
    /**
     * Each variable's snippet → the class JShell generated for it, which holds its value. Keyed by the snippet
     * itself: a redeclared variable keeps its snippet id.
     */
    private final Map<Snippet, Class<?>> variableClasses = new ConcurrentHashMap<>();

    private JavaSession(JShell shell, CellRunner runner) {
        this.shell = shell;
        this.runner = runner;
        this.analysis = shell.sourceCodeAnalysis();
    }

    /**
     * A session on this JVM's class path with the {@link DefaultImports}; an import that fails (a library
     * missing from the class path) is reported on {@code log} and skipped.
     */
    public static JavaSession start(PrintStream log) {
        CellRunner runner = new CellRunner();
        JShell shell = JShell.builder()
                .executionEngine(new ExecutionControlProvider() {
                    @Override
                    public String name() {
                        return "slmlab-in-process";
                    }

                    @Override
                    public ExecutionControl generate(ExecutionEnv env, Map<String, String> parameters) {
                        return runner;
                    }
                }, Map.of())
                .compilerOptions("--add-modules", "jdk.incubator.vector", "-Xlint:-incubating")
                .build();
        List<Path> classpath = KernelClasspath.entries();
        shell.addToClasspath(classpath.stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator)));
        JavaSession session = new JavaSession(shell, runner);
        for (String statement : DefaultImports.statements(classpath)) {
            for (SnippetEvent event : shell.eval(statement)) {
                if (!event.status().isDefined()) {
                    log.println("kernel: default import failed, skipped: " + statement + " — "
                            + shell.diagnostics(event.snippet()).map(d -> d.getMessage(null)).findFirst().orElse(""));
                }
            }
        }
        return session;
    }

    /**
     * Runs a cell. {@code number} is its execution count, used in error messages ({@code In[number]}).
     *
     * @return the value of the cell's last snippet when that is an expression
     * @throws CellFailure at the first snippet that does not compile, throws, or is interrupted; the snippets
     *                     before it have run and stay defined
     */
    public Optional<Value> eval(int number, String code) throws CellFailure {
        CellSource cell = new CellSource(number, code);
        runner.beginCell();
        Optional<Value> result = Optional.empty();
        String rest = code;
        while (!rest.isBlank()) {
            CompletionInfo info = analysis.analyzeCompletion(rest);
            int offset = code.length() - rest.length();
            boolean complete = info.completeness().isComplete();
            // An incomplete or unparseable rest is evaluated anyway, for javac's own diagnostic.
            String source = complete ? info.source() : rest;
            Step step = evalSnippet(cell, offset, source);
            if (step.endsCell() || !complete) {
                return Optional.empty();
            }
            result = step.value();
            rest = info.remaining();
        }
        return result;
    }

    /** What one snippet left: its value if it is an expression, and whether the cell ends here. */
    private record Step(Optional<Value> value, boolean endsCell) {
    }

    private Step evalSnippet(CellSource cell, int offset, String source) throws CellFailure {
        List<SnippetEvent> events = shell.eval(source);
        Halt halt = runner.takeHalt();
        Object value = runner.takeValue();
        List<Class<?>> ran = runner.takeSnippetClasses();
        Optional<Value> result = Optional.empty();
        for (SnippetEvent event : events) {
            if (event.causeSnippet() != null) { // an update to an earlier snippet, not this one
                if (event.status() == Snippet.Status.OVERWRITTEN && event.snippet() instanceof VarSnippet old) {
                    release(old);
                }
                continue;
            }
            Snippet snippet = event.snippet();
            if (snippet instanceof VarSnippet variable) {
                ran.stream().filter(c -> declares(c, variable.name())).findFirst()
                        .ifPresent(c -> variableClasses.put(variable, c));
            }
            origins.put(snippet.id(), new SnippetOrigin(cell.label(), cell.lineAt(codeStart(cell.text(), offset))));
            if (event.status() == Snippet.Status.REJECTED) {
                throw compileFailure(cell, offset, snippet);
            }
            if (event.exception() != null && StopCheck.requested()) {
                halt = new Halt.Interrupted(false); // e.g. the InterruptedException of a sleep the interrupt woke
            } else if (event.exception() != null) {
                throw runtimeFailure(event.exception());
            }
            if (halt != null) {
                halted(halt);
                return new Step(Optional.empty(), true);
            }
            if (event.status() == Snippet.Status.RECOVERABLE_DEFINED
                    || event.status() == Snippet.Status.RECOVERABLE_NOT_DEFINED) {
                System.err.println("note: " + describe(snippet) + " can be used once "
                        + String.join(", ", shell.unresolvedDependencies((DeclarationSnippet) snippet).toList())
                        + " is declared");
            }
            result = switch (snippet.subKind()) {
                case VAR_VALUE_SUBKIND, OTHER_EXPRESSION_SUBKIND -> Optional.of(new Value(value));
                case TEMP_VAR_EXPRESSION_SUBKIND -> {
                    // JShell keeps each expression's value as $1, $2...; a notebook shows it instead, so the
                    // variable goes at once rather than holding, say, a loaded model for the rest of the session.
                    release((VarSnippet) snippet);
                    shell.drop(snippet);
                    yield Optional.of(new Value(value));
                }
                default -> Optional.empty();
            };
        }
        return new Step(result, false);
    }

    /**
     * Lets go of the value of a variable that was redeclared (or of a dropped {@code $n}): JShell keeps each
     * snippet's class, so without this, running {@code var model = load(...)} again would keep every earlier
     * model reachable. The variable is a static field of its snippet's class.
     */
    private void release(VarSnippet variable) {
        Class<?> wrapper = variableClasses.remove(variable);
        if (wrapper == null) {
            return; // declared without running anything (no initializer): it holds nothing yet
        }
        try {
            Field field = wrapper.getDeclaredField(variable.name());
            if (!field.getType().isPrimitive()) {
                field.setAccessible(true);
                field.set(null, null);
            }
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("JShell's class for variable " + variable.name() + " has no such field", e);
        }
    }

    private static boolean declares(Class<?> type, String field) {
        return Arrays.stream(type.getDeclaredFields()).anyMatch(f -> f.getName().equals(field));
    }

    /**
     * Where the snippet's code begins in the cell: JShell numbers stack-trace lines from its first token,
     * leaving out the blank lines and comments before it (which {@code offset} includes).
     */
    static int codeStart(String text, int offset) {
        int i = offset;
        while (i < text.length()) {
            if (Character.isWhitespace(text.charAt(i))) {
                i++;
            } else if (text.startsWith("//", i)) {
                int eol = text.indexOf('\n', i);
                i = eol < 0 ? text.length() : eol + 1;
            } else if (text.startsWith("/*", i)) {
                int end = text.indexOf("*/", i + 2);
                i = end < 0 ? text.length() : end + 2;
            } else {
                return i;
            }
        }
        return offset;
    }

    /** A snippet that ended early: an error, except for {@code System.exit(0)} which just ends the cell. */
    private void halted(Halt halt) throws CellFailure {
        switch (halt) {
            case Halt.Exit(int status) when status == 0 ->
                    System.err.println("System.exit(0) was called: the cell stopped there; the kernel keeps running");
            case Halt.Exit(int status) -> throw new CellFailure("SystemExit",
                    "System.exit(" + status + ") was called: the cell stopped there; the kernel keeps running",
                    List.of("SystemExit: System.exit(" + status + ") was called in this cell or in code it called.",
                            "The kernel is shared by the whole notebook, so it keeps running; return from the cell instead."));
            case Halt.Interrupted(boolean abandoned) when abandoned -> throw new CellFailure("Interrupted",
                    "the cell was interrupted but did not stop; it may still be running in the background",
                    List.of("Interrupted: the cell did not stop within a few seconds (it was inside library code that does",
                            "not check Thread.interrupted()), so the kernel stopped waiting for it. It may still be",
                            "running in the background; restart the kernel if it keeps the CPU busy."));
            case Halt.Interrupted i -> throw new CellFailure("Interrupted", "the cell was interrupted",
                    List.of("Interrupted: the cell was interrupted (Kernel → Interrupt)."));
        }
    }

    private CellFailure compileFailure(CellSource cell, int offset, Snippet snippet) {
        List<Diag> errors = shell.diagnostics(snippet).filter(Diag::isError).toList();
        if (errors.isEmpty()) {
            return new CellFailure("CompileError", "the snippet was rejected",
                    List.of(cell.label() + " line " + cell.lineAt(offset) + ": error: JShell rejected: " + snippet.source().strip()));
        }
        List<String> lines = new ArrayList<>();
        for (Diag diag : errors) {
            lines.addAll(Tracebacks.compileError(cell, offset, diag));
        }
        lines.add(errors.size() == 1 ? "1 error" : errors.size() + " errors");
        return new CellFailure("CompileError", Tracebacks.messageLines(errors.getFirst()).getFirst(), lines);
    }

    private CellFailure runtimeFailure(JShellException exception) {
        if (exception instanceof UnresolvedReferenceException unresolved) {
            DeclarationSnippet snippet = unresolved.getSnippet();
            String message = describe(snippet) + " cannot be used until "
                    + String.join(", ", shell.unresolvedDependencies(snippet).toList()) + " is declared";
            return new CellFailure("UnresolvedReference", message, List.of("UnresolvedReference: " + message));
        }
        EvalException error = (EvalException) exception;
        return new CellFailure(error.getExceptionClassName(), String.valueOf(error.getMessage()),
                Tracebacks.stackTrace(error, origins));
    }

    private static String describe(Snippet snippet) {
        return switch (snippet) {
            case jdk.jshell.MethodSnippet m -> "method " + m.name() + "(" + m.parameterTypes() + ")";
            case jdk.jshell.TypeDeclSnippet t -> "type " + t.name();
            case jdk.jshell.VarSnippet v -> "variable " + v.name();
            default -> snippet.source().strip();
        };
    }

    /** Tab: completions at {@code cursor}, from JShell's analysis of the snippet the cursor is in. */
    public Completions complete(String code, int cursor) {
        Piece piece = pieceAt(code, cursor);
        int[] anchor = new int[1];
        List<String> candidates = analysis.completionSuggestions(piece.text(), cursor - piece.offset(), anchor).stream()
                .sorted((a, b) -> Boolean.compare(b.matchesType(), a.matchesType()))
                .map(SourceCodeAnalysis.Suggestion::continuation)
                .distinct()
                .toList();
        return new Completions(candidates, piece.offset() + anchor[0], cursor);
    }

    /** Shift-Tab: signature and javadoc of what is under the cursor, or empty. */
    public Optional<String> documentation(String code, int cursor) {
        Piece piece = pieceAt(code, cursor);
        int at = cursor - piece.offset();
        // JShell documents the call whose name ends at the cursor, or the call whose '(' precedes it.
        String text = piece.text();
        while (at < text.length() && Character.isJavaIdentifierPart(text.charAt(at))) {
            at++;
        }
        if (at < text.length() && text.charAt(at) == '(') {
            at++;
        }
        List<SourceCodeAnalysis.Documentation> docs = analysis.documentation(text, at, true);
        if (docs.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(docs.stream()
                .map(d -> d.javadoc() == null ? d.signature() : d.signature() + "\n" + d.javadoc())
                .collect(Collectors.joining("\n\n")));
    }

    /** The snippet of a cell that holds {@code cursor}: JShell analyses one snippet at a time. */
    private Piece pieceAt(String code, int cursor) {
        String rest = code;
        while (true) {
            int offset = code.length() - rest.length();
            CompletionInfo info = analysis.analyzeCompletion(rest);
            if (!info.completeness().isComplete() || code.length() - info.remaining().length() >= cursor) {
                return new Piece(offset, code.substring(offset));
            }
            rest = info.remaining();
        }
    }

    private record Piece(int offset, String text) {
    }

    /** The states Jupyter's is_complete request distinguishes. */
    public sealed interface Completeness {
        record Complete() implements Completeness {
        }

        record Invalid() implements Completeness {
        }

        /** More lines are expected; the next one should start with {@code indent}. */
        record Incomplete(String indent) implements Completeness {
        }
    }

    /** Whether {@code code} is ready to run (for consoles that decide what Enter does). */
    public Completeness completeness(String code) {
        String rest = code;
        CompletionInfo info;
        do {
            info = analysis.analyzeCompletion(rest);
            rest = info.remaining();
        } while (info.completeness().isComplete() && !rest.isBlank());
        return switch (info.completeness()) {
            case COMPLETE, COMPLETE_WITH_SEMI, EMPTY -> new Completeness.Complete();
            case DEFINITELY_INCOMPLETE, CONSIDERED_INCOMPLETE -> new Completeness.Incomplete(nextIndent(code));
            case UNKNOWN -> new Completeness.Invalid();
        };
    }

    private static String nextIndent(String code) {
        String last = code.substring(code.lastIndexOf('\n') + 1);
        String indent = last.substring(0, last.length() - last.stripLeading().length());
        String trimmed = last.strip();
        return trimmed.endsWith("{") || trimmed.endsWith("(") ? indent + "    " : indent;
    }

    /** Kernel → Interrupt; safe to call from any thread. */
    public void interrupt() {
        runner.requestStop();
    }

    @Override
    public void close() {
        shell.close();
    }
}
