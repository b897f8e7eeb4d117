package org.slmlab.quant;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.slmlab.gguf.GgmlType;
import org.slmlab.gguf.LittleEndian;

/**
 * Reads and writes bitnet.cpp's I2_S tensors ({@link GgmlType#I2_S}): ternary weights, 2 bits each, one scale
 * for the whole tensor.
 *
 * <pre>
 * tensor of n weights (n a multiple of 128), n/4 + 32 bytes:
 *   n/4 bytes of codes c ∈ {0,1,2} meaning c − 1, in groups of 128 weights → 32 bytes:
 *       byte m of group g holds weights 128g + m (bits 7-6), 128g + 32 + m (bits 5-4),
 *       128g + 64 + m (bits 3-2) and 128g + 96 + m (bits 1-0)
 *   f32 scale, then 28 bytes of padding
 * weight = (c − 1) · scale
 * </pre>
 * This is the x86 layout (bitnet.cpp's {@code QK_I2_S} = 128, used by the published GGUF files); bitnet.cpp's ARM
 * build packs groups of 64 instead. Unlike ggml's block types the scale sits after all codes, so a tensor is
 * decoded as a whole, not block by block through {@link QuantCodec}.
 */
public final class BitNetI2S {

    private static final int GROUP = 128;
    private static final int GROUP_BYTES = GROUP / 4;
    private static final int RUN = 32; // weights per 2-bit lane of a group

    private BitNetI2S() {
    }

    /** The tensor's scale: the f32 after its {@code n / 4} code bytes. */
    public static float scale(MemorySegment tensor, long n) {
        checkLength(tensor, n);
        return tensor.get(LittleEndian.FLOAT, n / 4);
    }

    /** Code 0..2 of weight {@code i}. */
    static int code(MemorySegment tensor, long i) {
        long group = i / GROUP;
        int j = (int) (i % GROUP);
        int packed = tensor.get(ValueLayout.JAVA_BYTE, group * GROUP_BYTES + j % RUN) & 0xFF;
        return (packed >> (6 - 2 * (j / RUN))) & 3;
    }

    /** Weights {@code first .. first+count} of an I2_S tensor of {@code n} weights into {@code dst[dstOffset..]}. */
    public static void dequantize(MemorySegment tensor, long n, long first, float[] dst, int dstOffset, int count) {
        float scale = scale(tensor, n);
        if (first < 0 || count < 0 || first + count > n) {
            throw new IndexOutOfBoundsException("weights " + first + ".." + (first + count) + " of " + n);
        }
        for (int i = 0; i < count; i++) {
            int c = code(tensor, first + i);
            if (c == 3) {
                throw new IllegalArgumentException("I2_S weight " + (first + i) + " has code 3, which means nothing "
                        + "(codes are 0, 1, 2 for -1, 0, +1)");
            }
            dst[dstOffset + i] = (c - 1) * scale;
        }
    }

    /** Packs ternary values (−1, 0, +1) and their scale into {@code dst} ({@link GgmlType#tensorBytes} long). */
    public static void write(byte[] ternary, float scale, MemorySegment dst) {
        long n = ternary.length;
        checkLength(dst, n);
        dst.fill((byte) 0);
        for (int i = 0; i < n; i++) {
            if (ternary[i] < -1 || ternary[i] > 1) {
                throw new IllegalArgumentException("weight " + i + " is " + ternary[i] + ", not -1, 0 or +1");
            }
            int j = i % GROUP;
            long at = (long) (i / GROUP) * GROUP_BYTES + j % RUN;
            int packed = dst.get(ValueLayout.JAVA_BYTE, at) | (ternary[i] + 1) << (6 - 2 * (j / RUN));
            dst.set(ValueLayout.JAVA_BYTE, at, (byte) packed);
        }
        dst.set(LittleEndian.FLOAT, n / 4, scale);
    }

    private static void checkLength(MemorySegment tensor, long n) {
        if (n % GROUP != 0 || tensor.byteSize() != GgmlType.I2_S.tensorBytes(n)) {
            throw new IllegalArgumentException("an I2_S tensor of " + n + " weights (a multiple of " + GROUP
                    + ") takes " + (n % GROUP == 0 ? GgmlType.I2_S.tensorBytes(n) : "no whole number of")
                    + " bytes, got " + tensor.byteSize());
        }
    }
}
