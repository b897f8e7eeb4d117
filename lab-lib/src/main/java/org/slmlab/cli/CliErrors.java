package org.slmlab.cli;

import java.io.IOException;
import java.nio.file.NoSuchFileException;

/** Turns an exception into the one line a user sees (stack traces only with {@code LAB_DEBUG=1}). */
final class CliErrors {

    private CliErrors() {
    }

    static String describe(Exception ex) {
        if ("1".equals(System.getenv("LAB_DEBUG"))) {
            ex.printStackTrace();
        }
        if (ex instanceof NoSuchFileException nsf) {
            return "no such file: " + nsf.getFile();
        }
        String msg = ex.getMessage();
        if (msg == null || msg.isBlank()) {
            msg = ex.getClass().getSimpleName();
        }
        return ex instanceof IOException && !(msg.contains(" ")) ? ex.getClass().getSimpleName() + ": " + msg : msg;
    }
}
