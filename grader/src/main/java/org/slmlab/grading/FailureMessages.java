package org.slmlab.grading;

import java.util.concurrent.TimeoutException;

/** Turns a failed test's exception into the one line a student reads. */
final class FailureMessages {

    private FailureMessages() {
    }

    static String describe(Throwable t) {
        // A TODO stub may also surface as the cause of a failed assertThrows.
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof UnsupportedOperationException u && u.getMessage() != null && u.getMessage().startsWith("TODO")) {
                return "not implemented yet (" + u.getMessage() + ")";
            }
        }
        if (t instanceof TimeoutException) {
            return "took too long (an endless loop?): " + t.getMessage();
        }
        if (t instanceof AssertionError) {
            return oneLine(t.getMessage() == null ? "assertion failed" : t.getMessage());
        }
        // An exception thrown by the student's code: name it and point at the student's line.
        StringBuilder s = new StringBuilder(t.getClass().getSimpleName());
        if (t.getMessage() != null) {
            s.append(": ").append(oneLine(t.getMessage()));
        }
        for (StackTraceElement e : t.getStackTrace()) {
            if (e.getClassName().startsWith("org.slmlab.exercises.") && !e.getClassName().endsWith("Test")) {
                s.append(" (at ").append(e.getFileName()).append(':').append(e.getLineNumber()).append(')');
                break;
            }
        }
        return s.toString();
    }

    private static String oneLine(String s) {
        String flat = s.replaceAll("\\s*\\R\\s*", " ").trim();
        return flat.length() > 300 ? flat.substring(0, 297) + "..." : flat;
    }
}
