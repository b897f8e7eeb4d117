package org.slmlab.tokenizer;

import java.util.Arrays;

/**
 * A text cut into consecutive pieces, kept as the code-point index where each piece ends (the first starts at 0).
 * The pre-tokenizer stages read one of these and write a finer one.
 */
final class Pieces {

    private int[] ends = new int[16];
    private int count;

    int count() {
        return count;
    }

    int start(int i) {
        return i == 0 ? 0 : ends[i - 1];
    }

    int end(int i) {
        return ends[i];
    }

    /** Adds the piece from the current end to {@code end}; an empty piece is not added. */
    void cutAt(int end) {
        if (end == (count == 0 ? 0 : ends[count - 1])) {
            return;
        }
        if (count == ends.length) {
            ends = Arrays.copyOf(ends, count * 2);
        }
        ends[count++] = end;
    }

    /** The whole text as one piece (or none when it is empty). */
    static Pieces whole(int length) {
        Pieces p = new Pieces();
        p.cutAt(length);
        return p;
    }
}
