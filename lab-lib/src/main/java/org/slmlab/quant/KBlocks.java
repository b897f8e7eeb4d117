package org.slmlab.quant;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import org.slmlab.gguf.GgmlType;

/**
 * Little-endian field access shared by the k-quant codecs, and the layout of their activation format Q8_K.
 *
 * <p>Q8_K super-block (292 bytes, 256 values): {@code float d} at 0, {@code int8 qs[256]} at 4, then
 * {@code int16 bsums[16]} at 260, where {@code bsums[j]} is the sum of {@code qs[16j .. 16j+15]}. The value of
 * element i is {@code d·qs[i]}. The block sums let a weight format with per-sub-block minimums subtract
 * {@code min·Σ activations} without touching the activations again.
 */
final class KBlocks {

    /** Weights per super-block: ggml's QK_K. */
    static final int QK_K = GgmlType.Q8_K.blockSize();

    static final ValueLayout.OfShort LE_SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfFloat LE_FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** Byte offsets inside a Q8_K block. */
    static final int Q8K_D = 0;
    static final int Q8K_QS = 4;
    static final int Q8K_BSUMS = 4 + QK_K;

    private KBlocks() {
    }

    /** An IEEE half-precision field, widened to float (exact). */
    static float half(MemorySegment s, long offset) {
        return Float.float16ToFloat(s.get(LE_SHORT, offset));
    }

    /** Stores {@code v} rounded to half precision (nearest, ties to even — as ggml's GGML_FP32_TO_FP16). */
    static void putHalf(byte[] block, int offset, float v) {
        short h = Float.floatToFloat16(v);
        block[offset] = (byte) h;
        block[offset + 1] = (byte) (h >> 8);
    }

    /** {@code v} after a round trip through half precision: the value a stored fp16 field will read back as. */
    static float roundToHalf(float v) {
        return Float.float16ToFloat(Float.floatToFloat16(v));
    }

    static float q8kScale(MemorySegment act, long block) {
        return act.get(LE_FLOAT, block + Q8K_D);
    }

    static int q8kValue(MemorySegment act, long block, int i) {
        return act.get(ValueLayout.JAVA_BYTE, block + Q8K_QS + i);
    }

    static int q8kBlockSum(MemorySegment act, long block, int j) {
        return act.get(LE_SHORT, block + Q8K_BSUMS + 2L * j);
    }

    static int u8(MemorySegment s, long offset) {
        return s.get(ValueLayout.JAVA_BYTE, offset) & 0xFF;
    }

    /**
     * Checks the arguments of a quantize call: whole super-blocks, and an importance matrix (if any) whose row
     * length divides {@code n}, since ggml applies one imatrix row to every row of a tensor.
     */
    static void checkQuantize(GgmlType type, int n, float[] importance) {
        type.bytesFor(n);
        if (importance != null && (importance.length == 0 || importance.length % QK_K != 0
                || n % importance.length != 0)) {
            throw new IllegalArgumentException("importance row of " + importance.length + " values does not fit "
                    + n + " " + type + " weights: expected a row length that is a multiple of " + QK_K
                    + " and divides " + n);
        }
    }
}
