package org.slmlab.quant;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.slmlab.quant.Simd.F512;
import static org.slmlab.quant.Simd.S256;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import org.slmlab.gguf.GgmlType;

/**
 * Q4_1: blocks of 32 weights as 4-bit codes q in [0, 15] with an fp16 scale and an fp16 minimum:
 * {@code w = d · q + m}. 5 bits a weight. The 16 levels span exactly [min, max] of the block, so asymmetric
 * blocks lose less than with Q4_0.
 *
 * <pre>
 * block_q4_1 (20 bytes):  d: fp16 | m: fp16 | qs: uint8[16]   (nibbles as in Q4_0)
 * </pre>
 *
 * The activation is Q8_1, whose blocks carry s = d_a·Σq_a: then Σ w·a = d·d_a·Σ q·q_a + m·s, and the minimum
 * costs one multiplication per block instead of one per weight.
 */
public final class Q4_1Codec extends ScaleMinBlockCodec {

    static final int QK = GgmlType.Q4_1.blockSize();
    static final int BLOCK_BYTES = GgmlType.Q4_1.typeSize();
    static final int QS = 4;
    private static final LegacyBlocks.Layout LAYOUT = new LegacyBlocks.Layout(GgmlType.Q4_1, M, LegacyBlocks.NONE, QS);

    public Q4_1Codec() {
        super(GgmlType.Q4_1);
    }

    @Override
    public void dequantizeScalar(MemorySegment src, long offset, float[] dst, int dstOffset, int n) {
        LegacyBlocks.dequantize(LAYOUT, src, offset, dst, dstOffset, n);
    }

    /** Multiply, then add — never a fused multiply-add, which would round once instead of twice. */
    @Override
    void decode(MemorySegment src, long offset, float[] dst, int dstOffset, int n, boolean withMin) {
        for (int b = 0; b < n / QK; b++) {
            long block = offset + (long) b * BLOCK_BYTES;
            int y = dstOffset + b * QK;
            FloatVector d = FloatVector.broadcast(F512, Fp16.read(src, block));
            FloatVector m = FloatVector.broadcast(F512, withMin ? Fp16.read(src, block + M) : 0f);
            IntVector packed = BlockVectors.unsignedBytes(src, block + QS);
            BlockVectors.floats(BlockVectors.lowNibbles(packed)).mul(d).add(m).intoArray(dst, y);
            BlockVectors.floats(BlockVectors.highNibbles(packed)).mul(d).add(m).intoArray(dst, y + QK / 2);
        }
    }

    /** ggml's {@code quantize_q4_1}: see {@link LegacyBlocks#quantize}. */
    @Override
    public void quantize(float[] src, int srcOffset, MemorySegment dst, long dstOffset, int n, float[] importance) {
        LegacyBlocks.quantize(LAYOUT, src, srcOffset, dst, dstOffset, n, importance);
    }

    /** ggml's {@code ggml_vec_dot_q4_1_q8_1}. */
    @Override
    public float dotScalar(MemorySegment w, long wOffset, MemorySegment act, long actOffset, int n) {
        float sum = 0;
        for (int b = 0; b < n / QK; b++) {
            long wb = wOffset + (long) b * BLOCK_BYTES;
            long ab = actOffset + (long) b * Q8_1Codec.BLOCK_BYTES;
            int sumi = 0;
            for (int j = 0; j < QK / 2; j++) {
                int packed = w.get(JAVA_BYTE, wb + QS + j) & 0xFF;
                sumi += (packed & 0x0F) * act.get(JAVA_BYTE, ab + Q8_1Codec.QS + j);
                sumi += (packed >>> 4) * act.get(JAVA_BYTE, ab + Q8_1Codec.QS + j + QK / 2);
            }
            float dd = Fp16.read(w, wb) * Fp16.read(act, ab);
            sum += dd * sumi + Fp16.read(w, wb + M) * Fp16.read(act, ab + Q8_1Codec.S);
        }
        return sum;
    }

    /** As Q4_0's block dot without the −8 (codes 0..15), plus the block's min term {@code m·s}. */
    @Override
    float dotRow(MemorySegment w, long wOffset, WidenedActivation a, int n) {
        FloatVector acc = FloatVector.zero(F512);
        float minTerms = 0;
        for (int b = 0; b < n / QK; b++) {
            long wb = wOffset + (long) b * BLOCK_BYTES;
            ShortVector packed = BlockVectors.unsignedShorts(w, wb + QS);
            ShortVector sums = packed.and((short) 0x0F).mul(ShortVector.fromArray(S256, a.q, b * QK))
                    .add(packed.lanewise(VectorOperators.LSHR, 4).mul(ShortVector.fromArray(S256, a.q, b * QK + QK / 2)));
            float scale = Fp16.read(w, wb) * a.d[b];
            acc = BlockVectors.floats(sums).fma(FloatVector.broadcast(F512, scale), acc);
            minTerms += Fp16.read(w, wb + M) * a.sum[b];
        }
        return Simd.sum(acc) + minTerms;
    }
}
