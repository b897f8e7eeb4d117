package org.slmlab.tokenizer;

import java.util.Arrays;

/**
 * The working state of the merge loops: a doubly linked list of symbols over a string, each symbol a range
 * {@code start, len} of chars. Merging a symbol with its successor grows it and empties the successor
 * ({@code len == 0}), which stays in the arrays but leaves the list.
 */
final class Symbols {

    final int[] start;
    final int[] len;
    final int[] prev;
    final int[] next;

    /** One symbol per char. */
    Symbols(int n) {
        this(chars(n), n);
    }

    /** One symbol per given start offset; the last symbol ends at {@code end}. */
    Symbols(int[] starts, int end) {
        int n = starts.length;
        start = starts;
        len = new int[n];
        prev = new int[n];
        next = new int[n];
        for (int i = 0; i < n; i++) {
            len[i] = (i + 1 < n ? starts[i + 1] : end) - starts[i];
            prev[i] = i - 1;
            next[i] = i + 1 < n ? i + 1 : -1;
        }
    }

    private static int[] chars(int n) {
        int[] s = new int[n];
        Arrays.setAll(s, i -> i);
        return s;
    }

    /** Merges symbol {@code i} with the one after it. */
    void absorbNext(int i) {
        int j = next[i];
        len[i] += len[j];
        len[j] = 0;
        next[i] = next[j];
        if (next[j] >= 0) {
            prev[next[j]] = i;
        }
    }
}
