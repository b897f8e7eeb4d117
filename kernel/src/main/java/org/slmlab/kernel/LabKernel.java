package org.slmlab.kernel;

import org.dflib.jjava.jupyter.channels.ShellReplyEnvironment;
import org.dflib.jjava.jupyter.kernel.BaseKernel;
import org.dflib.jjava.jupyter.kernel.HelpLink;
import org.dflib.jjava.jupyter.kernel.LanguageInfo;
import org.dflib.jjava.jupyter.kernel.ReplacementOptions;
import org.dflib.jjava.jupyter.kernel.comm.CommManager;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;
import org.dflib.jjava.jupyter.kernel.display.Renderer;
import org.dflib.jjava.jupyter.kernel.magic.MagicsRegistry;
import org.dflib.jjava.jupyter.kernel.util.StringStyler;
import org.dflib.jjava.jupyter.messages.Message;
import org.dflib.jjava.jupyter.messages.publish.PublishError;
import org.dflib.jjava.jupyter.messages.publish.PublishExecuteInput;
import org.dflib.jjava.jupyter.messages.publish.PublishExecuteResult;
import org.dflib.jjava.jupyter.messages.reply.ErrorReply;
import org.dflib.jjava.jupyter.messages.reply.ExecuteReply;
import org.dflib.jjava.jupyter.messages.request.ExecuteRequest;
import org.slmlab.kernel.display.DisplaySink;
import org.slmlab.kernel.display.Notebook;
import org.slmlab.kernel.display.ValueRenderer;
import org.slmlab.kernel.eval.CellFailure;
import org.slmlab.kernel.eval.JavaSession;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The SLM Lab kernel: jjava-jupyter speaks Jupyter's protocol, a {@link JavaSession} runs the cells, and
 * {@link ValueRenderer} decides how results look. Errors are published with the real exception class as their
 * name, so a notebook reads {@code java.lang.ArithmeticException}, not the name of a wrapper.
 */
public final class LabKernel extends BaseKernel {

    public static final String NAME = "slmlab-java";

    private final KernelIO kernelIO;
    private final CompletableFuture<JavaSession> session;
    private volatile boolean executing;

    private LabKernel(KernelIO io, PrintStream log) {
        super(NAME, KernelMain.VERSION,
                new LanguageInfo("java", Runtime.version().toString(), "text/x-java-source", ".jshell", "java",
                        "text/x-java", "script"),
                List.of(new HelpLink("SLM Lab", "https://github.com/slmlab"),
                        new HelpLink("Java 25 API", "https://docs.oracle.com/en/java/javase/25/docs/api/")),
                null, io, new CommManager(), new Renderer(), null, new MagicsRegistry(), false,
                new StringStyler.Builder().build());
        this.kernelIO = io;
        // JShell and the default imports take a second or two: start on them now, answer Jupyter meanwhile.
        this.session = CompletableFuture.supplyAsync(() -> JavaSession.start(log));
        Notebook.useSink(new DisplaySink() {
            @Override
            public void show(DisplayData data) {
                io.display.display(data);
            }

            @Override
            public void update(DisplayData data) {
                io.display.updateDisplay(data);
            }
        });
    }

    /** A kernel whose session diagnostics go to {@code log} (the kernel's stderr, which Jupyter logs). */
    public static LabKernel create(PrintStream log) {
        return new LabKernel(new KernelIO(), log);
    }

    /** True while a cell runs (the shutdown hook uses it to explain an exit it could not prevent). */
    boolean executing() {
        return executing;
    }

    private JavaSession session() {
        return session.join();
    }

    @Override
    protected synchronized void handleExecuteRequest(ShellReplyEnvironment env, Message<ExecuteRequest> message) {
        commManager.setMessageContext(message);
        ExecuteRequest request = message.getContent();
        int count = executionCount.getAndIncrement();
        env.setBusyDeferIdle();
        env.publish(new PublishExecuteInput(request.getCode(), count));
        replaceOutputStreams(env);
        kernelIO.attach(env, request.isStdinEnabled());
        env.defer(() -> kernelIO.detach(env));
        executing = true;
        try {
            Optional<JavaSession.Value> value = session().eval(count, request.getCode());
            DisplayData shown = value.map(v -> ValueRenderer.render(v.value())).orElse(null);
            flushStreams();
            if (shown != null) {
                env.publish(new PublishExecuteResult(count, shown));
            }
            env.defer().reply(new ExecuteReply(count, Map.of()));
        } catch (CellFailure failure) {
            publishError(env, count, failure.errorName(), failure.getMessage(), failure.traceback());
        } catch (RuntimeException | Error e) { // rendering the value threw, or the kernel itself failed
            List<String> trace = new ArrayList<>();
            trace.add(e.toString());
            for (StackTraceElement frame : e.getStackTrace()) {
                trace.add("\tat " + frame);
            }
            publishError(env, count, e.getClass().getName(), String.valueOf(e.getMessage()), trace);
        } finally {
            executing = false;
        }
    }

    private void publishError(ShellReplyEnvironment env, int count, String name, String message, List<String> trace) {
        flushStreams();
        env.publish(new PublishError(name, message, trace));
        ErrorReply reply = new ErrorReply(name, message, trace);
        reply.setExecutionCount(count);
        env.defer().replyError(ExecuteReply.MESSAGE_TYPE.error(), reply);
    }

    private static void flushStreams() {
        System.out.flush();
        System.err.flush();
    }

    /** Not used: {@link #handleExecuteRequest} evaluates through the session directly. */
    @Override
    public Object evalRaw(String source) {
        throw new UnsupportedOperationException("cells are evaluated by handleExecuteRequest");
    }

    @Override
    public DisplayData inspect(String code, int at, boolean extraDetail) {
        return session().documentation(code, at).map(DisplayData::new).orElse(null);
    }

    @Override
    public ReplacementOptions complete(String code, int at) {
        JavaSession.Completions completions = session().complete(code, at);
        return new ReplacementOptions(completions.candidates(), completions.start(), completions.end());
    }

    @Override
    public String isComplete(String code) {
        return switch (session().completeness(code)) {
            case JavaSession.Completeness.Complete c -> IS_COMPLETE_YES;
            case JavaSession.Completeness.Invalid i -> IS_COMPLETE_BAD;
            case JavaSession.Completeness.Incomplete(String indent) -> indent;
        };
    }

    @Override
    public void interrupt() {
        session.thenAccept(JavaSession::interrupt);
    }

    @Override
    public void onShutdown(boolean restarting) {
        super.onShutdown(restarting);
        session.thenAccept(JavaSession::close);
    }
}
