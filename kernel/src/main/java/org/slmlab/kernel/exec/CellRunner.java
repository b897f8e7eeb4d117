package org.slmlab.kernel.exec;

import jdk.jshell.execution.DirectExecutionControl;

import java.io.ByteArrayInputStream;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.constant.ClassDesc;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * JShell's execution engine for the kernel: runs each snippet in this JVM (so a cell sees lab-lib, Tablesaw and
 * XChart, and its result stays a live object the kernel can draw), on a thread of its own (so an interrupt can
 * stop it while the kernel keeps answering Jupyter).
 *
 * <p>{@code DirectExecutionControl} calls {@link #invoke(Method)} once per executable snippet; the raw result
 * is kept for {@link #takeValue()} instead of being turned into a string only.
 */
public final class CellRunner extends DirectExecutionControl {

    /** How long an interrupted cell may take to stop before the kernel stops waiting for it. */
    private static final Duration STOP_GRACE = Duration.ofSeconds(3);

    private final Map<ClassDesc, byte[]> snippetClasses = new ConcurrentHashMap<>();
    private final SnippetWeaver weaver = new SnippetWeaver(ClassHierarchyResolver.ofResourceParsing(
            desc -> {
                byte[] bytes = snippetClasses.get(desc);
                return bytes == null ? null : new ByteArrayInputStream(bytes);
            }));
    private final ThreadGroup cellThreads = new ThreadGroup("notebook cells");

    private volatile long stopDeadline;
    private Object value;
    private final List<Class<?>> ranClasses = new ArrayList<>();
    private Halt halt;

    /** Why the last snippet ended early, if it did: it called {@code System.exit}, or it was interrupted. */
    public sealed interface Halt {
        /** {@code abandoned}: it did not stop within the grace time and was left running in the background. */
        record Interrupted(boolean abandoned) implements Halt {
        }

        record Exit(int status) implements Halt {
        }
    }

    /** Called before each cell: forgets any earlier interrupt. */
    public void beginCell() {
        stopDeadline = 0;
        StopCheck.clear();
    }

    /**
     * Kernel → Interrupt: woven cell code throws at its next loop iteration, sleeping or waiting threads get
     * {@link Thread#interrupt()}; callable from any thread.
     */
    public void requestStop() {
        stopDeadline = System.nanoTime() + STOP_GRACE.toNanos();
        StopCheck.request();
        Thread[] threads = new Thread[cellThreads.activeCount() + 8];
        int n = cellThreads.enumerate(threads);
        for (int i = 0; i < n; i++) {
            threads[i].interrupt();
        }
    }

    /** The value of the last snippet run (cleared by the call). */
    public Object takeValue() {
        Object v = value;
        value = null;
        return v;
    }

    /**
     * The classes JShell generated for the snippets run since the last call (their variables are static fields
     * of them); cleared by the call. One source can run several: {@code int a = f(), b = g();}.
     */
    public List<Class<?>> takeSnippetClasses() {
        List<Class<?>> classes = List.copyOf(ranClasses);
        ranClasses.clear();
        return classes;
    }

    /** Why the last snippet run ended early (cleared by the call), or {@code null} if it ran to its end. */
    public Halt takeHalt() {
        Halt h = halt;
        halt = null;
        return h;
    }

    @Override
    public void load(ClassBytecodes[] classes) throws ClassInstallException, NotImplementedException,
            EngineTerminationException {
        for (ClassBytecodes c : classes) {
            snippetClasses.put(ClassDesc.of(c.name()), c.bytecodes());
        }
        super.load(Stream.of(classes)
                .map(c -> new ClassBytecodes(c.name(), weaver.weaveCell(c.bytecodes())))
                .toArray(ClassBytecodes[]::new));
    }

    @Override
    protected String invoke(Method doit) throws Exception {
        value = null;
        halt = null;
        ranClasses.add(doit.getDeclaringClass());
        if (StopCheck.requested()) { // interrupted while compiling: do not start
            return halted(new Halt.Interrupted(false));
        }
        CompletableFuture<Object> result = new CompletableFuture<>();
        Thread thread = new Thread(cellThreads, () -> {
            try {
                result.complete(doit.invoke(null));
            } catch (InvocationTargetException e) {
                result.completeExceptionally(e.getCause());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        }, "cell");
        thread.setContextClassLoader(doit.getDeclaringClass().getClassLoader());
        thread.start();
        try {
            value = await(result);
            return "";
        } catch (ExecutionException e) {
            return switch (e.getCause()) {
                case CellStopped stopped -> halted(new Halt.Interrupted(false));
                case SystemExitCalled exit -> halted(new Halt.Exit(exit.status()));
                // DirectExecutionControl turns this into the EvalException that JShell reports for the snippet.
                default -> throw new InvocationTargetException(e.getCause());
            };
        }
    }

    /** Records why the snippet ended; JShell takes a StoppedException as "ended without a value or error". */
    private String halted(Halt why) throws StoppedException {
        halt = why;
        throw new StoppedException();
    }

    /** Waits for the cell thread; after an interrupt, only for {@link #STOP_GRACE}. */
    private Object await(CompletableFuture<Object> result) throws ExecutionException, StoppedException {
        while (true) {
            try {
                return result.get(50, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                long deadline = stopDeadline;
                if (deadline != 0 && System.nanoTime() - deadline > 0) {
                    halted(new Halt.Interrupted(true));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                halted(new Halt.Interrupted(true));
            }
        }
    }

    @Override
    public void stop() {
        requestStop();
    }

    /**
     * JShell asks for a variable's value as text after each declaration; the kernel renders values itself, and
     * {@code var w = new float[100_000_000]} must not be turned into a 100-million-element string.
     */
    @Override
    public String varValue(String className, String varName) {
        return "";
    }
}
