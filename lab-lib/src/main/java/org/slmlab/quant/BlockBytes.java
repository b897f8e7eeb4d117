package org.slmlab.quant;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Single bytes inside ggml blocks: packed codes (unsigned) and int8 activations (signed). */
final class BlockBytes {

    private BlockBytes() {
    }

    /** The byte at {@code off} as 0..255. */
    static int u8(MemorySegment s, long off) {
        return s.get(ValueLayout.JAVA_BYTE, off) & 0xFF;
    }

    /** The byte at {@code off} as −128..127. */
    static byte i8(MemorySegment s, long off) {
        return s.get(ValueLayout.JAVA_BYTE, off);
    }

    /** Stores the low 8 bits of {@code value}. */
    static void putU8(MemorySegment s, long off, int value) {
        s.set(ValueLayout.JAVA_BYTE, off, (byte) value);
    }
}
