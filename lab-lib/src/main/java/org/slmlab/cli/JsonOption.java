package org.slmlab.cli;

import java.io.PrintWriter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The {@code --json} switch of the commands that print either text for people or one JSON object for programs
 * ({@code inspect}, {@code run}, {@code footprint}), with the writers both go to. A picocli mixin, declared once
 * here so that the switch is spelled, described and wired the same way in every command that has it.
 */
final class JsonOption {

    @Option(names = "--json", description = "print one JSON object instead of text")
    boolean json;

    /** The command this is mixed into (not the mixin's own spec): its writers are the ones tests capture. */
    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    PrintWriter out() {
        return command.commandLine().getOut();
    }

    PrintWriter err() {
        return command.commandLine().getErr();
    }
}
