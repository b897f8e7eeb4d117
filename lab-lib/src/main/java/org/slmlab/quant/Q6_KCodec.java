package org.slmlab.quant;

import static jdk.incubator.vector.VectorOperators.ADD;
import static jdk.incubator.vector.VectorOperators.B2F;
import static jdk.incubator.vector.VectorOperators.B2S;
import static jdk.incubator.vector.VectorOperators.LSHL;
import static jdk.incubator.vector.VectorOperators.LSHR;
import static jdk.incubator.vector.VectorOperators.S2I;
import static org.slmlab.quant.Simd.B128;
import static org.slmlab.quant.Simd.B256;
import static org.slmlab.quant.Simd.F512;
import static org.slmlab.quant.Simd.I512;
import static org.slmlab.quant.Simd.S512;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import org.slmlab.gguf.GgmlType;

/**
 * Q6_K: 6-bit symmetric codes with an 8-bit signed scale per 16 weights — the near-lossless k-quant that Q4_K_M
 * uses for the output matrix and the most sensitive layers.
 *
 * <p>Super-block of 256 weights in 210 bytes (6.5625 bits per weight):
 * <pre>
 *   offset  size  field
 *        0   128  ql      low four bits of each code, two codes per byte
 *      128    64  qh      high two bits of each code, four codes per byte
 *      192    16  scales  int8 scale sc[j] of each 16-weight sub-block
 *      208     2  d       fp16 scale of the scales
 * </pre>
 * Weight {@code i} is {@code d·sc[i/16]·(q - 32)} with the 6-bit code {@code q ∈ [0, 63]}. The layout works in
 * two halves of 128 weights; in half {@code h}, for {@code l < 32}, byte {@code ql[64h + l]} holds weights
 * {@code 128h + l} (low nibble) and {@code 128h + 64 + l} (high nibble), byte {@code ql[64h + 32 + l]} holds
 * weights {@code 128h + 32 + l} and {@code 128h + 96 + l}, and byte {@code qh[32h + l]} holds the high bits of
 * weights {@code 128h + l}, {@code +32}, {@code +64}, {@code +96} in its bit pairs 0-1, 2-3, 4-5, 6-7.
 *
 * <p>Dot products take the activations as Q8_K: per super-block {@code d·d_a·Σ_j sc[j]·Σ (q-32)·a}.
 */
public final class Q6_KCodec implements QuantCodec {

    private static final GgmlType TYPE = GgmlType.Q6_K;
    private static final int QK = KBlocks.QK_K;
    private static final int BYTES = TYPE.typeSize();
    private static final int QL = 0;
    private static final int QH = QL + QK / 2;
    private static final int SCALES = QH + QK / 4;
    private static final int D = SCALES + QK / 16;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    @Override
    public GgmlType type() {
        return TYPE;
    }

    @Override
    public GgmlType vecDotType() {
        return GgmlType.Q8_K;
    }

    /** The signed code (q - 32) of weight {@code i} of the block at {@code x}. */
    private static int code(MemorySegment s, long x, int i) {
        int half = i / 128;
        int quarter = (i % 128) / 32;
        int l = i % 32;
        int low = KBlocks.u8(s, x + QL + 64 * half + 32 * (quarter % 2) + l) >> (4 * (quarter / 2)) & 0xF;
        int high = KBlocks.u8(s, x + QH + 32 * half + l) >> (2 * quarter) & 3;
        return (low | high << 4) - 32;
    }

    private static int scale(MemorySegment s, long x, int j) {
        return s.get(ValueLayout.JAVA_BYTE, x + SCALES + j);
    }

    @Override
    public void dequantizeScalar(MemorySegment src, long offset, float[] dst, int dstOffset, int n) {
        long blocks = TYPE.bytesFor(n) / BYTES;
        for (int b = 0; b < blocks; b++) {
            long x = offset + (long) b * BYTES;
            float d = LittleEndian.fp16(src, x + D);
            for (int i = 0; i < QK; i++) {
                dst[dstOffset + b * QK + i] = d * scale(src, x, i / 16) * code(src, x, i);
            }
        }
    }

    @Override
    public void dequantizeFast(MemorySegment src, long offset, float[] dst, int dstOffset, int n) {
        long blocks = TYPE.bytesFor(n) / BYTES;
        for (int b = 0; b < blocks; b++) {
            long x = offset + (long) b * BYTES;
            float d = LittleEndian.fp16(src, x + D);
            for (int half = 0; half < 2; half++) {
                int y = dstOffset + b * QK + 128 * half;
                for (int l = 0; l < 32; l += 16) {
                    ByteVector qlA = ByteVector.fromMemorySegment(B128, src, x + QL + 64 * half + l, LE);
                    ByteVector qlB = ByteVector.fromMemorySegment(B128, src, x + QL + 64 * half + 32 + l, LE);
                    ByteVector qh = ByteVector.fromMemorySegment(B128, src, x + QH + 32 * half + l, LE);
                    // quarter k of the half: low nibble of qlA/qlB (k = 0, 1) or high nibble (k = 2, 3), top bits
                    // from bit pair k of qh
                    ByteVector q0 = qlA.and((byte) 0xF).or(qh.and((byte) 3).lanewise(LSHL, 4)).sub((byte) 32);
                    ByteVector q1 = qlB.and((byte) 0xF).or(qh.lanewise(LSHR, 2).and((byte) 3).lanewise(LSHL, 4))
                            .sub((byte) 32);
                    ByteVector q2 = qlA.lanewise(LSHR, 4).or(qh.lanewise(LSHR, 4).and((byte) 3).lanewise(LSHL, 4))
                            .sub((byte) 32);
                    ByteVector q3 = qlB.lanewise(LSHR, 4).or(qh.lanewise(LSHR, 6).lanewise(LSHL, 4)).sub((byte) 32);
                    int sc = 8 * half + l / 16;
                    ((FloatVector) q0.convertShape(B2F, F512, 0)).mul(d * scale(src, x, sc)).intoArray(dst, y + l);
                    ((FloatVector) q1.convertShape(B2F, F512, 0)).mul(d * scale(src, x, sc + 2))
                            .intoArray(dst, y + 32 + l);
                    ((FloatVector) q2.convertShape(B2F, F512, 0)).mul(d * scale(src, x, sc + 4))
                            .intoArray(dst, y + 64 + l);
                    ((FloatVector) q3.convertShape(B2F, F512, 0)).mul(d * scale(src, x, sc + 6))
                            .intoArray(dst, y + 96 + l);
                }
            }
        }
    }

    /**
     * ggml's {@code quantize_row_q6_K_ref}, or {@code quantize_row_q6_K_impl} with an importance matrix (which
     * only replaces the x² weights of the scale search by the importances).
     */
    @Override
    public void quantize(float[] src, int srcOffset, MemorySegment dst, long dstOffset, int n, float[] importance) {
        KBlocks.checkQuantize(TYPE, n, importance);
        byte[] L = new byte[QK];
        float[] scales = new float[QK / 16];
        byte[] block = new byte[BYTES];
        for (int b = 0; b < n / QK; b++) {
            int xo = srcOffset + b * QK;
            int qwo = importance == null ? 0 : (b * QK) % importance.length;
            float maxScale = 0;
            float maxAbsScale = 0;
            for (int j = 0; j < QK / 16; j++) {
                scales[j] = KQuantSearch.makeQxQuants(16, 32, src, xo + 16 * j, L, 16 * j, importance, qwo + 16 * j);
                float abs = Math.abs(scales[j]);
                if (abs > maxAbsScale) {
                    maxAbsScale = abs;
                    maxScale = scales[j];
                }
            }
            java.util.Arrays.fill(block, (byte) 0);
            if (maxAbsScale >= KQuantSearch.GROUP_MAX_EPS) {
                float iscale = -128.f / maxScale;
                KBlocks.putFp16(block, D, 1 / iscale);
                for (int j = 0; j < QK / 16; j++) {
                    block[SCALES + j] = (byte) Math.min(127, Rounding.nearestInt(iscale * scales[j]));
                }
                float d = Fp16.round(1 / iscale);
                for (int j = 0; j < QK / 16; j++) {
                    float ds = d * block[SCALES + j];
                    if (ds == 0) {
                        continue;
                    }
                    for (int i = 0; i < 16; i++) {
                        int l = Rounding.nearestInt(src[xo + 16 * j + i] / ds);
                        L[16 * j + i] = (byte) (Math.max(-32, Math.min(31, l)) + 32);
                    }
                }
                pack(L, block);
            }
            MemorySegment.copy(block, 0, dst, ValueLayout.JAVA_BYTE, dstOffset + (long) b * BYTES, BYTES);
        }
    }

    private static void pack(byte[] L, byte[] block) {
        for (int half = 0; half < 2; half++) {
            for (int l = 0; l < 32; l++) {
                int base = 128 * half + l;
                int q1 = L[base];
                int q2 = L[base + 32];
                int q3 = L[base + 64];
                int q4 = L[base + 96];
                block[QL + 64 * half + l] = (byte) ((q1 & 0xF) | (q3 & 0xF) << 4);
                block[QL + 64 * half + 32 + l] = (byte) ((q2 & 0xF) | (q4 & 0xF) << 4);
                block[QH + 32 * half + l] = (byte) ((q1 >> 4) | (q2 >> 4) << 2 | (q3 >> 4) << 4 | (q4 >> 4) << 6);
            }
        }
    }

    @Override
    public float dotScalar(MemorySegment w, long wOffset, MemorySegment act, long actOffset, int n) {
        long blocks = TYPE.bytesFor(n) / BYTES;
        float sum = 0;
        for (int b = 0; b < blocks; b++) {
            long x = wOffset + (long) b * BYTES;
            long a = actOffset + (long) b * GgmlType.Q8_K.typeSize();
            int sumQA = 0;
            for (int j = 0; j < QK / 16; j++) {
                int subSum = 0;
                for (int i = 16 * j; i < 16 * j + 16; i++) {
                    subSum += code(w, x, i) * KBlocks.q8kValue(act, a, i);
                }
                sumQA += scale(w, x, j) * subSum;
            }
            sum += LittleEndian.fp16(w, x + D) * KBlocks.q8kScale(act, a) * sumQA;
        }
        return sum;
    }

    /**
     * Per half of 128 weights: the 32 codes of each quarter (two 16-weight sub-blocks) times their 32
     * activations as 16-bit products (|q-32|·|a| ≤ 32·128 fits), widened to ints, each 16 scaled by their
     * sub-block's scale. Written out without helper methods or branches on vectors: C2 then keeps every vector
     * in a register (a helper compiled on its own would return boxed vectors).
     */
    @Override
    public float dotFast(MemorySegment w, long wOffset, MemorySegment act, long actOffset, int n) {
        long blocks = TYPE.bytesFor(n) / BYTES;
        float sum = 0;
        for (int b = 0; b < blocks; b++) {
            long x = wOffset + (long) b * BYTES;
            long a = actOffset + (long) b * Q8_KCodec.BLOCK_BYTES;
            IntVector acc = IntVector.zero(I512);
            for (int half = 0; half < 2; half++) {
                ByteVector qlA = ByteVector.fromMemorySegment(B256, w, x + QL + 64 * half, LE);
                ByteVector qlB = ByteVector.fromMemorySegment(B256, w, x + QL + 64 * half + 32, LE);
                ByteVector qh = ByteVector.fromMemorySegment(B256, w, x + QH + 32 * half, LE);
                ByteVector q0 = qlA.and((byte) 0xF).or(qh.and((byte) 3).lanewise(LSHL, 4)).sub((byte) 32);
                ByteVector q1 = qlB.and((byte) 0xF).or(qh.lanewise(LSHR, 2).and((byte) 3).lanewise(LSHL, 4))
                        .sub((byte) 32);
                ByteVector q2 = qlA.lanewise(LSHR, 4).or(qh.lanewise(LSHR, 4).and((byte) 3).lanewise(LSHL, 4))
                        .sub((byte) 32);
                ByteVector q3 = qlB.lanewise(LSHR, 4).or(qh.lanewise(LSHR, 6).lanewise(LSHL, 4)).sub((byte) 32);
                long aq = a + Q8_KCodec.QS + 128 * half;
                int sc = 8 * half;
                ShortVector p0 = ((ShortVector) q0.convertShape(B2S, S512, 0))
                        .mul((ShortVector) ByteVector.fromMemorySegment(B256, act, aq, LE).convertShape(B2S, S512, 0));
                ShortVector p1 = ((ShortVector) q1.convertShape(B2S, S512, 0)).mul(
                        (ShortVector) ByteVector.fromMemorySegment(B256, act, aq + 32, LE).convertShape(B2S, S512, 0));
                ShortVector p2 = ((ShortVector) q2.convertShape(B2S, S512, 0)).mul(
                        (ShortVector) ByteVector.fromMemorySegment(B256, act, aq + 64, LE).convertShape(B2S, S512, 0));
                ShortVector p3 = ((ShortVector) q3.convertShape(B2S, S512, 0)).mul(
                        (ShortVector) ByteVector.fromMemorySegment(B256, act, aq + 96, LE).convertShape(B2S, S512, 0));
                acc = acc.add(((IntVector) p0.convertShape(S2I, I512, 0)).mul(scale(w, x, sc)))
                        .add(((IntVector) p0.convertShape(S2I, I512, 1)).mul(scale(w, x, sc + 1)))
                        .add(((IntVector) p1.convertShape(S2I, I512, 0)).mul(scale(w, x, sc + 2)))
                        .add(((IntVector) p1.convertShape(S2I, I512, 1)).mul(scale(w, x, sc + 3)))
                        .add(((IntVector) p2.convertShape(S2I, I512, 0)).mul(scale(w, x, sc + 4)))
                        .add(((IntVector) p2.convertShape(S2I, I512, 1)).mul(scale(w, x, sc + 5)))
                        .add(((IntVector) p3.convertShape(S2I, I512, 0)).mul(scale(w, x, sc + 6)))
                        .add(((IntVector) p3.convertShape(S2I, I512, 1)).mul(scale(w, x, sc + 7)));
            }
            sum += LittleEndian.fp16(w, x + D) * KBlocks.q8kScale(act, a) * acc.reduceLanes(ADD);
        }
        return sum;
    }
}
