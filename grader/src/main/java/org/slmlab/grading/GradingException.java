package org.slmlab.grading;

/** Grading could not happen at all (sources missing or not compiling) — as opposed to a low score. */
public final class GradingException extends Exception {

    public GradingException(String message) {
        super(message);
    }

    public GradingException(String message, Throwable cause) {
        super(message, cause);
    }
}
