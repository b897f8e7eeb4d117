package org.slmlab.kernel.eval;

import java.util.ArrayList;
import java.util.List;

/**
 * The text of one cell, with its execution number ({@code In[n]}), and where in it each snippet starts —
 * so that errors can point at cell lines rather than at JShell's snippet numbers.
 */
record CellSource(int number, String text) {

    /** The 1-based line of the cell that holds character {@code offset}. */
    int lineAt(int offset) {
        int line = 1;
        for (int i = 0; i < Math.min(offset, text.length()); i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }

    /** The text of 1-based line {@code line}, without its line break. */
    String line(int line) {
        return lines().get(line - 1);
    }

    /** The 0-based column of character {@code offset} within its line. */
    int columnAt(int offset) {
        int clamped = Math.min(offset, text.length());
        return clamped - (text.lastIndexOf('\n', clamped - 1) + 1);
    }

    private List<String> lines() {
        return new ArrayList<>(List.of(text.split("\r?\n", -1)));
    }

    /** How Jupyter names the cell: {@code In[7]}. */
    String label() {
        return "In[" + number + "]";
    }
}
