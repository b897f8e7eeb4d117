package org.slmlab.quant;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.slmlab.quant.Simd.B128;
import static org.slmlab.quant.Simd.F512;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import org.slmlab.gguf.GgmlType;
import org.slmlab.gguf.LittleEndian;

/**
 * Q8_K: the activation format of the K-quants and most I-quants. A super-block of 256 values is stored as
 * signed bytes times one float32 scale, plus the sums of each group of 16 quants ({@code bsums}) precomputed for
 * the K-quant dot products (which subtract a per-group minimum and need Σq for it).
 *
 * <pre>
 * block_q8_K (292 bytes):  d: f32 | qs: int8[256] | bsums: int16[16]
 * </pre>
 *
 * Q8_K is never stored in model files and ggml has no Q8_K × Q8_K dot product: {@link #dotScalar} throws.
 * {@link #vecDotType()} is Q8_K itself only because the contract needs a value.
 */
public final class Q8_KCodec extends BlockCodec {

    static final int QK = GgmlType.Q8_K.blockSize();
    static final int BLOCK_BYTES = GgmlType.Q8_K.typeSize();
    /** Offsets of the fields inside a block, for the K-quant dot products that read Q8_K activations. */
    static final int D = 0;
    static final int QS = 4;
    static final int BSUMS = QS + QK;
    /** Quants per entry of {@code bsums}. */
    static final int BSUM_GROUP = 16;

    public Q8_KCodec() {
        super(GgmlType.Q8_K, GgmlType.Q8_K);
    }

    /** ggml's {@code dequantize_row_q8_K}. */
    @Override
    public void dequantizeScalar(MemorySegment src, long offset, float[] dst, int dstOffset, int n) {
        for (int b = 0; b < n / QK; b++) {
            long block = offset + (long) b * BLOCK_BYTES;
            float d = src.get(LittleEndian.FLOAT, block + D);
            for (int j = 0; j < QK; j++) {
                dst[dstOffset + b * QK + j] = d * src.get(JAVA_BYTE, block + QS + j);
            }
        }
    }

    @Override
    public void dequantizeFast(MemorySegment src, long offset, float[] dst, int dstOffset, int n) {
        for (int b = 0; b < n / QK; b++) {
            long block = offset + (long) b * BLOCK_BYTES;
            float d = src.get(LittleEndian.FLOAT, block + D);
            for (int j = 0; j < QK; j += F512.length()) {
                FloatVector q = (FloatVector) ByteVector.fromMemorySegment(B128, src, block + QS + j,
                        ByteOrder.LITTLE_ENDIAN).convertShape(VectorOperators.B2F, F512, 0);
                q.mul(d).intoArray(dst, dstOffset + b * QK + j);
            }
        }
    }

    /**
     * ggml's {@code quantize_row_q8_K_ref}. The scale comes from the value of largest magnitude (the first one,
     * on ties), with its sign: that value becomes exactly −127, and the others round to nearest, ties to even.
     * An all-zero block gets d = 0 and zero quants; ggml leaves its {@code bsums} as they were, here they are 0.
     */
    @Override
    public void quantize(float[] src, int srcOffset, MemorySegment dst, long dstOffset, int n, float[] importance) {
        for (int b = 0; b < n / QK; b++) {
            int x = srcOffset + b * QK;
            long block = dstOffset + (long) b * BLOCK_BYTES;
            float max = 0;
            float amax = 0;
            for (int j = 0; j < QK; j++) {
                float ax = Math.abs(src[x + j]);
                if (ax > amax) {
                    amax = ax;
                    max = src[x + j];
                }
            }
            float iscale = amax == 0 ? 0 : -127f / max;
            for (int j = 0; j < QK; j++) {
                int q = amax == 0 ? 0 : Math.min(127, Rounding.nearestInt(iscale * src[x + j]));
                dst.set(JAVA_BYTE, block + QS + j, (byte) q);
            }
            for (int g = 0; g < QK / BSUM_GROUP; g++) {
                int sum = 0;
                for (int j = 0; j < BSUM_GROUP; j++) {
                    sum += dst.get(JAVA_BYTE, block + QS + g * BSUM_GROUP + j);
                }
                dst.set(LittleEndian.SHORT, block + BSUMS + 2L * g, (short) sum);
            }
            dst.set(LittleEndian.FLOAT, block + D, amax == 0 ? 0 : 1 / iscale);
        }
    }

    @Override
    public boolean activationOnly() {
        return true;
    }

    @Override
    public float dotScalar(MemorySegment w, long wOffset, MemorySegment act, long actOffset, int n) {
        throw new UnsupportedOperationException(
                "Q8_K is an activation format only: ggml has no Q8_K weight dot product");
    }
}
