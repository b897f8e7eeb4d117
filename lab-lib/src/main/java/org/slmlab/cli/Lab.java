package org.slmlab.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code ./lab} — the command line of SLM Lab. Each subcommand is a small class in this package; the
 * library packages never depend on this one.
 *
 * <p>Commands that need more than the lab-lib jar ({@code test}, {@code notebook}, {@code kernel},
 * {@code grade}) are handled by the {@code ./lab} shell script before Java starts; {@code help} lists them too.
 */
@Command(name = "lab",
        mixinStandardHelpOptions = true,
        version = "SLM Lab 0.1.0",
        description = "SLM Lab: small language models in Java — GGUF, quantization, inference, benchmarks.",
        subcommands = {CommandLine.HelpCommand.class, InspectCommand.class, TokenizeCommand.class,
                QuantizeCommand.class, RunCommand.class, EvalCommand.class, ChatCommand.class,
                FootprintCommand.class, TwinCommand.class, BenchCommand.class},
        footer = {"",
                "Commands run by the ./lab script (not by this jar):",
                "  test       build everything and run every test",
                "  notebook   open the course in Jupyter on the lab's Java kernel",
                "  kernel     install the Jupyter kernel (kernel install [--prefix DIR])",
                "  grade      grade exercises (grade [DIR] [--json] [--with TESTDIR])"})
public final class Lab implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line; errors in user input print one line and exit 2, never a stack trace. */
    public static CommandLine commandLine() {
        CommandLine cmd = new CommandLine(new Lab());
        cmd.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            commandLine.getErr().println("lab " + commandLine.getCommandName() + ": " + CliErrors.describe(ex));
            return 2;
        });
        return cmd;
    }
}
