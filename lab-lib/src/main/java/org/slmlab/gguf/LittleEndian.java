package org.slmlab.gguf;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * GGUF is little-endian and packed: these layouts read its fields at any byte offset, whatever the
 * machine's byte order.
 *
 * <p>The one definition for the whole library: the header and metadata readers here and every codec in
 * {@code org.slmlab.quant} (a Q8_0 block is 34 bytes, so its fields are unaligned too) read the same bytes
 * the same way, so they share these layouts rather than each declaring its own.
 */
public final class LittleEndian {

    public static final ValueLayout.OfShort SHORT =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    public static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    public static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    public static final ValueLayout.OfFloat FLOAT =
            ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    public static final ValueLayout.OfDouble DOUBLE =
            ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private LittleEndian() {
    }

    /** An integer of the given GGUF type at {@code offset}: unsigned types zero-extended, signed ones sign-extended. */
    static long integer(MemorySegment s, long offset, GGUFValueType type) {
        return switch (type) {
            case UINT8 -> Byte.toUnsignedLong(s.get(ValueLayout.JAVA_BYTE, offset));
            case INT8 -> s.get(ValueLayout.JAVA_BYTE, offset);
            case UINT16 -> Short.toUnsignedLong(s.get(SHORT, offset));
            case INT16 -> s.get(SHORT, offset);
            case UINT32 -> Integer.toUnsignedLong(s.get(INT, offset));
            case INT32 -> s.get(INT, offset);
            case UINT64, INT64 -> s.get(LONG, offset);
            default -> throw new IllegalArgumentException(type + " is not an integer type");
        };
    }

    /** A FLOAT32 (widened exactly) or FLOAT64 at {@code offset}. */
    static double floating(MemorySegment s, long offset, GGUFValueType type) {
        return switch (type) {
            case FLOAT32 -> s.get(FLOAT, offset);
            case FLOAT64 -> s.get(DOUBLE, offset);
            default -> throw new IllegalArgumentException(type + " is not a float type");
        };
    }

    /** Stores the low {@code type.size()} bytes of {@code v}. */
    static void putInteger(MemorySegment s, long offset, GGUFValueType type, long v) {
        switch (type.size()) {
            case 1 -> s.set(ValueLayout.JAVA_BYTE, offset, (byte) v);
            case 2 -> s.set(SHORT, offset, (short) v);
            case 4 -> s.set(INT, offset, (int) v);
            case 8 -> s.set(LONG, offset, v);
            default -> throw new IllegalArgumentException(type + " is not an integer type");
        }
    }
}
