package org.slmlab.kernel.eval;

import jdk.jshell.Diag;
import jdk.jshell.EvalException;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Error text that reads like Java's: javac's "error:" line with the source line and a caret under the offending
 * code, and stack traces whose cell frames say {@code at f(In[3]:2)} instead of JShell's {@code .f(#12:2)}.
 */
final class Tracebacks {

    private Tracebacks() {
    }

    /** A compile error: {@code offset} is where the snippet starts in the cell. */
    static List<String> compileError(CellSource cell, int offset, Diag diag) {
        List<String> lines = new ArrayList<>();
        List<String> message = messageLines(diag);
        long position = diag.getPosition() >= 0 ? diag.getPosition() : diag.getStartPosition();
        if (position < 0) {
            lines.add(cell.label() + ": error: " + message.getFirst());
        } else {
            int start = offset + (int) Math.max(diag.getStartPosition(), 0);
            int end = offset + (int) Math.max(diag.getEndPosition(), diag.getStartPosition());
            int line = cell.lineAt(start);
            String source = cell.line(line);
            int column = Math.min(cell.columnAt(start), source.length());
            int width = Math.max(1, Math.min(end - start, source.length() - column));
            lines.add(cell.label() + " line " + line + ": error: " + message.getFirst());
            lines.add("    " + source);
            lines.add("    " + " ".repeat(column) + "^" + "~".repeat(width - 1));
        }
        lines.addAll(message.subList(1, message.size()));
        return lines;
    }

    /** javac's message without the "location:" lines, which name JShell's hidden wrapper class. */
    static List<String> messageLines(Diag diag) {
        return diag.getMessage(Locale.ROOT).lines()
                .filter(l -> !l.strip().startsWith("location:"))
                .toList();
    }

    /**
     * A runtime error as {@code printStackTrace} would print it, JShell having already cut the frames below the
     * cell; {@code origins} maps snippet ids to where they came from.
     */
    static List<String> stackTrace(EvalException error, Map<String, SnippetOrigin> origins) {
        List<String> lines = new ArrayList<>();
        String prefix = "";
        for (Throwable t = error; t != null; t = t.getCause()) {
            String name = t instanceof EvalException e ? e.getExceptionClassName() : t.getClass().getName();
            lines.add(prefix + name + (t.getMessage() == null ? "" : ": " + t.getMessage()));
            for (StackTraceElement frame : t.getStackTrace()) {
                lines.add("\tat " + frame(frame, origins));
            }
            prefix = "Caused by: ";
        }
        return lines;
    }

    private static String frame(StackTraceElement frame, Map<String, SnippetOrigin> origins) {
        String file = frame.getFileName();
        SnippetOrigin origin = file != null && file.startsWith("#") ? origins.get(file.substring(1)) : null;
        if (origin == null) {
            return frame.toString();
        }
        String method = frame.getMethodName().isEmpty() || frame.getMethodName().equals("do_it$")
                ? "<cell>" : frame.getMethodName();
        String type = frame.getClassName().isEmpty() ? "" : frame.getClassName() + ".";
        return type + method + "(" + origin.cellLabel() + ":" + origin.cellLine(frame.getLineNumber()) + ")";
    }

    /** Where a snippet's text sits in the notebook: its cell, and the cell line of the snippet's first line. */
    record SnippetOrigin(String cellLabel, int firstLine) {
        int cellLine(int snippetLine) {
            return snippetLine <= 0 ? firstLine : firstLine + snippetLine - 1;
        }
    }
}
