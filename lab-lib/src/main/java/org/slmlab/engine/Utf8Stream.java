package org.slmlab.engine;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Turns token pieces (bytes) into text as it streams: a token may end in the middle of a multi-byte UTF-8
 * character (byte-level BPE splits emoji and CJK across tokens), so bytes are held back until their character
 * is complete.
 */
final class Utf8Stream {

    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

    /** Adds a piece and returns the text completed so far (possibly empty). */
    String add(byte[] piece) {
        pending.writeBytes(piece);
        byte[] b = pending.toByteArray();
        int complete = completePrefix(b);
        pending.reset();
        pending.write(b, complete, b.length - complete);
        return new String(b, 0, complete, StandardCharsets.UTF_8);
    }

    /** Whatever is left (an unfinished character becomes U+FFFD). */
    String flush() {
        String s = pending.toString(StandardCharsets.UTF_8);
        pending.reset();
        return s;
    }

    /** Length of the longest prefix that does not end inside a multi-byte character. */
    private static int completePrefix(byte[] b) {
        int n = b.length;
        for (int back = 1; back <= Math.min(3, n); back++) {
            int lead = b[n - back] & 0xFF;
            if (lead < 0x80) {
                return n;
            }
            if (lead >= 0xC0) {
                int len = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
                return back < len ? n - back : n;
            }
        }
        return n;
    }
}
