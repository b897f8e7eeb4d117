package org.slmlab.quant;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Layouts for reading and writing ggml blocks: GGUF data is little-endian and block fields are not aligned
 * (a Q8_0 block is 34 bytes), so every multi-byte field is read with an unaligned little-endian layout.
 */
public final class LittleEndian {

    public static final ValueLayout.OfShort SHORT =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    public static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    public static final ValueLayout.OfFloat FLOAT =
            ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private LittleEndian() {
    }

    /** The fp16 value at {@code offset}, as a float. */
    public static float fp16(MemorySegment s, long offset) {
        return Fp16.toFloat(s.get(SHORT, offset));
    }

    /** Stores {@code value} rounded to fp16 at {@code offset}. */
    public static void putFp16(MemorySegment s, long offset, float value) {
        s.set(SHORT, offset, Fp16.fromFloat(value));
    }
}
