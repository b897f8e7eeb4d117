package org.slmlab.kernel.eval;

import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slmlab.gguf.GgmlType;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Cells through a real JShell session in this JVM: values, printing, default imports, errors, interrupts, exits. */
class JavaSessionTest {

    private static JavaSession session;
    private static final ByteArrayOutputStream startupLog = new ByteArrayOutputStream();
    private static int cellNumber;

    @BeforeAll
    static void start() {
        session = JavaSession.start(new PrintStream(startupLog, true, StandardCharsets.UTF_8));
    }

    @AfterAll
    static void stop() {
        session.close();
    }

    private static Optional<JavaSession.Value> run(String code) throws CellFailure {
        return session.eval(++cellNumber, code);
    }

    private static Object value(String code) throws CellFailure {
        return run(code).orElseThrow(() -> new AssertionError("no value from: " + code)).value();
    }

    private static CellFailure failure(String code) {
        return assertThrows(CellFailure.class, () -> run(code));
    }

    /** Runs a cell with System.out captured. */
    private static String printed(String code) throws CellFailure {
        PrintStream old = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            run(code);
        } finally {
            System.setOut(old);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void everyDefaultImportCompiles() {
        assertEquals("", startupLog.toString(StandardCharsets.UTF_8));
    }

    @Test
    void theLastExpressionIsTheCellsValue() throws CellFailure {
        assertEquals(42, value("int x = 40;\nx + 2"));
        assertEquals("text", value("String s = \"text\";\ns"));
        assertEquals(Optional.empty(), run("int y = 1;"));
        assertEquals(Optional.empty(), run("System.out.print(\"\")"));
        assertEquals(Optional.of(new JavaSession.Value(null)), run("(Object) null"));
    }

    @Test
    void printedTextGoesToSystemOut() throws CellFailure {
        assertEquals("hello\n3\n", printed("System.out.println(\"hello\");\nfor (int i = 0; i < 3; i++) {}\nSystem.out.println(3);"));
    }

    @Test
    void labLibAndTheVectorApiNeedNoImport() throws CellFailure {
        assertEquals(GgmlType.Q4_0.bitsPerWeight(), value("GgmlType.Q4_0.bitsPerWeight()"));
        assertEquals(FloatVector.SPECIES_PREFERRED.length(), value("FloatVector.SPECIES_PREFERRED.length()"));
        // A real SIMD computation: a dot product with FloatVector equals the scalar one.
        Object dot = value("""
                float[] a = new float[100], b = new float[100];
                for (int i = 0; i < 100; i++) { a[i] = i; b[i] = 2; }
                var species = FloatVector.SPECIES_PREFERRED;
                float sum = 0;
                int i = 0;
                for (; i < species.loopBound(a.length); i += species.length()) {
                    sum += FloatVector.fromArray(species, a, i).mul(FloatVector.fromArray(species, b, i)).reduceLanes(VectorOperators.ADD);
                }
                for (; i < a.length; i++) sum += a[i] * b[i];
                sum
                """);
        assertEquals(9900f, dot);
    }

    @Test
    void redeclaringAVariableReplacesIt() throws CellFailure {
        run("int q = 1;");
        run("String q = \"now a string\";");
        assertEquals("now a string", value("q"));
    }

    @Test
    void aRedeclaredVariableLetsGoOfItsOldValue() throws Exception {
        // The probe is assigned by a statement: a declaration using `big` would be invalidated by its redeclaration.
        run("java.lang.ref.WeakReference<byte[]> bigProbe;\nvar big = new byte[1 << 20];\nbigProbe = new java.lang.ref.WeakReference<>(big);");
        run("var big = 1;");
        assertCollected("bigProbe");
    }

    @Test
    void anExpressionsValueIsNotKeptAfterItWasShown() throws Exception {
        run("java.lang.ref.WeakReference<byte[]> madeProbe;\nbyte[] make() { byte[] b = new byte[1 << 20]; madeProbe = new java.lang.ref.WeakReference<>(b); return b; }");
        assertEquals(1 << 20, ((byte[]) value("make()")).length);
        assertCollected("madeProbe");
    }

    private static void assertCollected(String probe) throws Exception {
        for (int i = 0; i < 20 && !Boolean.TRUE.equals(value(probe + ".get() == null")); i++) {
            System.gc();
            Thread.sleep(50);
        }
        assertEquals(true, value(probe + ".get() == null"));
    }

    @Test
    void compileErrorsNameTheLineAndPointAtTheCode() throws CellFailure {
        CellFailure f = failure("int a = 1;\nint b = foo + 1;");
        assertEquals("CompileError", f.errorName());
        assertEquals("cannot find symbol", f.getMessage());
        String label = "In[" + cellNumber + "]";
        assertEquals(label + " line 2: error: cannot find symbol", f.traceback().get(0));
        assertEquals("    int b = foo + 1;", f.traceback().get(1));
        assertEquals("            ^~~", f.traceback().get(2));
        assertTrue(f.traceback().contains("  symbol:   variable foo"), f.traceback().toString());
        assertEquals(1, value("a"), "the snippet before the error ran and stays defined");
    }

    @Test
    void compileErrorsAfterBlankLinesAndCommentsPointAtTheRightLine() {
        CellFailure f = failure("int c = 1;\n\n  // a comment\n  String s = 42;");
        String label = "In[" + cellNumber + "]";
        assertEquals(label + " line 4: error: incompatible types: int cannot be converted to java.lang.String", f.traceback().get(0));
        assertEquals("                 ^~", f.traceback().get(2));
    }

    @Test
    void anUnfinishedCellIsACompileError() {
        CellFailure f = failure("void g() {\n  int z = 1;\n");
        assertEquals("CompileError", f.errorName());
        assertTrue(f.traceback().get(0).contains("reached end of file while parsing"), f.traceback().toString());
    }

    @Test
    void runtimeErrorsCarryTheRealExceptionAndCellLines() throws CellFailure {
        run("int divide(int d) {\n  return 10 / d;\n}");
        int declared = cellNumber;
        CellFailure f = failure("int zero = 0;\n\n// now divide\ndivide(zero)");
        assertEquals("java.lang.ArithmeticException", f.errorName());
        assertEquals("/ by zero", f.getMessage());
        assertEquals(java.util.List.of(
                "java.lang.ArithmeticException: / by zero",
                "\tat divide(In[" + declared + "]:2)",
                "\tat <cell>(In[" + cellNumber + "]:4)"), f.traceback());
        assertEquals(5, value("divide(2)"), "the kernel survives");
    }

    @Test
    void libraryFramesStayAndKernelFramesAreCut() {
        CellFailure f = failure("Integer.parseInt(\"x\")");
        assertEquals("java.lang.NumberFormatException", f.errorName());
        assertTrue(f.traceback().stream().anyMatch(l -> l.contains("java.lang.Integer.parseInt")), f.traceback().toString());
        assertEquals("\tat <cell>(In[" + cellNumber + "]:1)", f.traceback().getLast());
        assertFalse(f.traceback().stream().anyMatch(l -> l.contains("jdk.jshell") || l.contains("org.slmlab.kernel")));
    }

    @Test
    void causesAreShown() {
        CellFailure f = failure("throw new IllegalStateException(\"outer\", new java.io.IOException(\"inner\"));");
        assertEquals("java.lang.IllegalStateException", f.errorName());
        assertTrue(f.traceback().contains("Caused by: java.io.IOException: inner"), f.traceback().toString());
    }

    @Test
    void systemExitEndsTheCellNotTheKernel() throws CellFailure {
        CellFailure f = failure("System.exit(3);");
        assertEquals("SystemExit", f.errorName());
        assertTrue(f.getMessage().contains("System.exit(3)"));
        assertEquals("SystemExit", failure("Runtime.getRuntime().halt(1);").errorName());
        assertEquals("a\n", printed("System.out.println(\"a\");\nSystem.exit(0);\nSystem.out.println(\"b\");"));
        assertEquals(2, value("1 + 1"));
    }

    @Test
    void interruptStopsAnEndlessLoopAndTheKernelStaysUsable() throws Exception {
        assertInterrupted("while (true) {}");
        assertInterrupted("long n = 0;\nwhile (true) { n++; }");
        assertInterrupted("Thread.sleep(60_000);");
        assertEquals(2, value("1 + 1"));
    }

    private static void assertInterrupted(String code) throws Exception {
        CompletableFuture<CellFailure> result = CompletableFuture.supplyAsync(() -> failure(code));
        Thread.sleep(300);
        session.interrupt();
        CellFailure f = result.get(20, TimeUnit.SECONDS);
        assertEquals("Interrupted", f.errorName(), f.traceback().toString());
    }

    @Test
    void completionComesFromJShellsAnalysisOfTheSnippetAtTheCursor() {
        String cell = "int z = 1;\nGgmlType.Q8";
        JavaSession.Completions c = session.complete(cell, cell.length());
        assertTrue(c.candidates().contains("Q8_0"), c.candidates().toString());
        assertEquals(cell.indexOf("Q8"), c.start());
        assertEquals(cell.length(), c.end());
    }

    @Test
    void documentationForTheCallAtTheCursor() {
        String doc = session.documentation("Math.max(1, 2)", 6).orElseThrow();
        assertTrue(doc.contains("max(int"), doc);
    }

    @Test
    void completenessForMultiLineInput() {
        assertEquals(new JavaSession.Completeness.Complete(), session.completeness("1 + 1"));
        assertEquals(new JavaSession.Completeness.Complete(), session.completeness("int a = 1;\nint b = 2;"));
        assertEquals(new JavaSession.Completeness.Incomplete("    "), session.completeness("for (int i = 0; i < 3; i++) {"));
    }
}
