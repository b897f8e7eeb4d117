package org.slmlab.quant;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.slmlab.quant.Simd.F512;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import org.slmlab.gguf.GgmlType;

/**
 * Q8_0: blocks of 32 weights, each stored as a signed byte {@code q} in [−127, 127] times one fp16 scale
 * {@code d} per block: {@code w = q · d}, with {@code d = max|w| / 127}. 8.5 bits a weight, close to lossless.
 *
 * <pre>
 * block_q8_0 (34 bytes):  d: fp16 | qs: int8[32]
 * </pre>
 *
 * Q8_0 is also the activation format of Q4_0, Q5_0, Q8_0 and others: the activation vector is quantized the same
 * way, and the dot product of two blocks is an integer sum Σ q_w·q_a scaled once by d_w·d_a.
 */
public final class Q8_0Codec extends Q0BlockCodec {

    static final int QK = GgmlType.Q8_0.blockSize();
    static final int BLOCK_BYTES = GgmlType.Q8_0.typeSize();
    /** The quants follow the fp16 scale. */
    static final int QS = 2;

    public Q8_0Codec() {
        super(GgmlType.Q8_0);
    }

    @Override
    public void dequantizeScalar(MemorySegment src, long offset, float[] dst, int dstOffset, int n) {
        for (int b = 0; b < n / QK; b++) {
            long block = offset + (long) b * BLOCK_BYTES;
            dequantizeBlock(src, block + QS, Fp16.read(src, block), dst, dstOffset + b * QK);
        }
    }

    /** {@code y[j] = q[j] · d} for the 32 int8 quants at {@code qs} (shared with Q8_1). */
    static void dequantizeBlock(MemorySegment src, long qs, float d, float[] y, int yOffset) {
        for (int j = 0; j < QK; j++) {
            y[yOffset + j] = src.get(JAVA_BYTE, qs + j) * d;
        }
    }

    @Override
    public void codesScalar(MemorySegment w, long block, int[] codes) {
        for (int j = 0; j < QK; j++) {
            codes[j] = w.get(JAVA_BYTE, block + QS + j);
        }
    }

    @Override
    public void codes(MemorySegment w, long block, float[] dst, int at) {
        BlockVectors.floats(BlockVectors.signedBytes(w, block + QS)).intoArray(dst, at);
        BlockVectors.floats(BlockVectors.signedBytes(w, block + QS + QK / 2)).intoArray(dst, at + QK / 2);
    }

    /** ggml's {@code quantize_row_q8_0_ref}; the importance matrix is not used by this type. */
    @Override
    public void quantize(float[] src, int srcOffset, MemorySegment dst, long dstOffset, int n, float[] importance) {
        for (int b = 0; b < n / QK; b++) {
            long block = dstOffset + (long) b * BLOCK_BYTES;
            float d = quantizeBlock(src, srcOffset + b * QK, dst, block + QS);
            Fp16.write(dst, block, d);
        }
    }

    /** ggml's x86 {@code quantize_row_q8_0}, the activation quantizer of the CPU matmul (see {@link #activationBlock}). */
    @Override
    public void quantizeActivation(float[] src, int srcOffset, MemorySegment dst, long dstOffset, int n) {
        for (int b = 0; b < n / QK; b++) {
            long block = dstOffset + (long) b * BLOCK_BYTES;
            Fp16.write(dst, block, activationBlock(src, srcOffset + b * QK, dst, block + QS));
        }
    }

    /**
     * {@link #quantizeBlock} as ggml's CPU matmul does it for activations (x86 {@code quantize_row_q8_0}, AVX2):
     * the multiplier is {@code 127/max} rather than {@code 1/d}, and the rounding is the vector unit's
     * nearest-even ({@code _mm256_round_ps}) rather than {@code roundf}. Both differences move a quant only when
     * {@code x·127/max} lies within an ulp of a half-integer — rarely, but a model has millions of activations,
     * and every such flip shows in the logits (shared with Q8_1).
     */
    static float activationBlock(float[] src, int x, MemorySegment dst, long qs) {
        float max = 0;
        for (int j = 0; j < QK; j++) {
            max = Math.max(max, Math.abs(src[x + j]));
        }
        float id = max != 0 ? 127f / max : 0f;
        for (int j = 0; j < QK; j++) {
            dst.set(JAVA_BYTE, qs + j, (byte) Math.rint(src[x + j] * id));
        }
        return max / 127f;
    }

    /**
     * Writes the 32 int8 quants of {@code src[x .. x+32)} at {@code qs} and returns their scale
     * {@code d = max|x| / 127}: each quant is x/d rounded half away from zero (shared with Q8_1).
     */
    static float quantizeBlock(float[] src, int x, MemorySegment dst, long qs) {
        float amax = 0;
        for (int j = 0; j < QK; j++) {
            amax = Math.max(amax, Math.abs(src[x + j]));
        }
        float d = amax / 127;
        float id = d != 0 ? 1.0f / d : 0.0f;
        for (int j = 0; j < QK; j++) {
            dst.set(JAVA_BYTE, qs + j, (byte) Rounding.roundHalfAwayFromZero(src[x + j] * id));
        }
        return d;
    }

    /** ggml's {@code ggml_vec_dot_q8_0_q8_0}: an exact integer sum per block, scaled by both block scales. */
    @Override
    public float dotScalar(MemorySegment w, long wOffset, MemorySegment act, long actOffset, int n) {
        float sum = 0;
        for (int b = 0; b < n / QK; b++) {
            long wb = wOffset + (long) b * BLOCK_BYTES;
            long ab = actOffset + (long) b * BLOCK_BYTES;
            int sumi = 0;
            for (int j = 0; j < QK; j++) {
                sumi += w.get(JAVA_BYTE, wb + QS + j) * act.get(JAVA_BYTE, ab + QS + j);
            }
            sum += sumi * (Fp16.read(w, wb) * Fp16.read(act, ab));
        }
        return sum;
    }

    /**
     * Per block, in float lanes: the two halves' 16 weight bytes widen to ints and convert to float; lane i takes
     * w_i·q_i + w_{i+16}·q_{i+16} in a multiply and a fused multiply-add (integers of at most 2·128², exact in a
     * float: the block's integer sum is ggml's), then the lanes are scaled by the block's {@code d·d_a} into float
     * accumulators. Only the float accumulation order differs from ggml's, and one horizontal sum ends the row.
     */
    @Override
    float dotRow(MemorySegment w, long wOffset, WidenedActivation a, int n) {
        FloatVector acc = FloatVector.zero(F512);
        for (int b = 0; b < n / QK; b++) {
            long wb = wOffset + (long) b * BLOCK_BYTES;
            FloatVector lanes = BlockVectors.floats(BlockVectors.signedBytes(w, wb + QS + QK / 2))
                    .fma(FloatVector.fromArray(F512, a.values, b * QK + QK / 2),
                            BlockVectors.floats(BlockVectors.signedBytes(w, wb + QS))
                                    .mul(FloatVector.fromArray(F512, a.values, b * QK)));
            acc = lanes.fma(FloatVector.broadcast(F512, Fp16.read(w, wb) * a.d[b]), acc);
        }
        return Simd.sum(acc);
    }
}
