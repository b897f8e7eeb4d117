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
import org.slmlab.gguf.LittleEndian;

/**
 * Q5_1: Q4_1 with a fifth bit: codes q in [0, 31], {@code w = d · q + m}, 32 levels spanning [min, max]. 6 bits
 * a weight. Bits are laid out as in {@link Q5_0Codec}.
 *
 * <pre>
 * block_q5_1 (24 bytes):  d: fp16 | m: fp16 | qh: uint32 (little-endian) | qs: uint8[16]
 * </pre>
 *
 * The activation is Q8_1 (see {@link Q4_1Codec} for why).
 */
public final class Q5_1Codec extends ScaleMinBlockCodec {

    static final int QK = GgmlType.Q5_1.blockSize();
    static final int BLOCK_BYTES = GgmlType.Q5_1.typeSize();
    static final int QH = 4;
    static final int QS = 8;
    private static final LegacyBlocks.Layout LAYOUT = new LegacyBlocks.Layout(GgmlType.Q5_1, M, QH, QS);

    public Q5_1Codec() {
        super(GgmlType.Q5_1);
    }

    @Override
    public void dequantizeScalar(MemorySegment src, long offset, float[] dst, int dstOffset, int n) {
        LegacyBlocks.dequantize(LAYOUT, src, offset, dst, dstOffset, n);
    }

    /** Multiply, then add: no fused multiply-add, as in the reference. */
    @Override
    void decode(MemorySegment src, long offset, float[] dst, int dstOffset, int n, boolean withMin) {
        for (int b = 0; b < n / QK; b++) {
            long block = offset + (long) b * BLOCK_BYTES;
            int y = dstOffset + b * QK;
            FloatVector d = FloatVector.broadcast(F512, Fp16.read(src, block));
            FloatVector m = FloatVector.broadcast(F512, withMin ? Fp16.read(src, block + M) : 0f);
            int qh = src.get(LittleEndian.INT, block + QH);
            IntVector packed = BlockVectors.unsignedBytes(src, block + QS);
            IntVector lo = BlockVectors.lowNibbles(packed).or(BlockVectors.fifthBits(qh, 0));
            IntVector hi = BlockVectors.highNibbles(packed).or(BlockVectors.fifthBits(qh, QK / 2));
            BlockVectors.floats(lo).mul(d).add(m).intoArray(dst, y);
            BlockVectors.floats(hi).mul(d).add(m).intoArray(dst, y + QK / 2);
        }
    }

    /** ggml's {@code quantize_q5_1}: see {@link LegacyBlocks#quantize}. */
    @Override
    public void quantize(float[] src, int srcOffset, MemorySegment dst, long dstOffset, int n, float[] importance) {
        LegacyBlocks.quantize(LAYOUT, src, srcOffset, dst, dstOffset, n, importance);
    }

    /** ggml's {@code ggml_vec_dot_q5_1_q8_1}. */
    @Override
    public float dotScalar(MemorySegment w, long wOffset, MemorySegment act, long actOffset, int n) {
        float sum = 0;
        for (int b = 0; b < n / QK; b++) {
            long wb = wOffset + (long) b * BLOCK_BYTES;
            long ab = actOffset + (long) b * Q8_1Codec.BLOCK_BYTES;
            int qh = w.get(LittleEndian.INT, wb + QH);
            int sumi = 0;
            for (int j = 0; j < QK / 2; j++) {
                int packed = w.get(JAVA_BYTE, wb + QS + j) & 0xFF;
                sumi += Q5_0Codec.code(packed, qh, j) * act.get(JAVA_BYTE, ab + Q8_1Codec.QS + j);
                sumi += Q5_0Codec.code(packed, qh, j + QK / 2) * act.get(JAVA_BYTE, ab + Q8_1Codec.QS + j + QK / 2);
            }
            float dd = Fp16.read(w, wb) * Fp16.read(act, ab);
            sum += dd * sumi + Fp16.read(w, wb + M) * Fp16.read(act, ab + Q8_1Codec.S);
        }
        return sum;
    }

    /** As Q5_0's block dot without the −16 (codes 0..31), plus the block's min term {@code m·s}. */
    @Override
    float dotRow(MemorySegment w, long wOffset, WidenedActivation a, int n) {
        FloatVector acc = FloatVector.zero(F512);
        float minTerms = 0;
        for (int b = 0; b < n / QK; b++) {
            long wb = wOffset + (long) b * BLOCK_BYTES;
            int qh = w.get(LittleEndian.INT, wb + QH);
            ShortVector packed = BlockVectors.unsignedShorts(w, wb + QS);
            ShortVector lo = packed.and((short) 0x0F).or(BlockVectors.fifthBitShorts(qh, 0));
            ShortVector hi = packed.lanewise(VectorOperators.LSHR, 4).or(BlockVectors.fifthBitShorts(qh, QK / 2));
            ShortVector sums = lo.mul(ShortVector.fromArray(S256, a.q, b * QK))
                    .add(hi.mul(ShortVector.fromArray(S256, a.q, b * QK + QK / 2)));
            float scale = Fp16.read(w, wb) * a.d[b];
            acc = BlockVectors.floats(sums).fma(FloatVector.broadcast(F512, scale), acc);
            minTerms += Fp16.read(w, wb + M) * a.sum[b];
        }
        return Simd.sum(acc) + minTerms;
    }
}
