package org.slmlab.quant;

import static jdk.incubator.vector.VectorOperators.ADD;
import static jdk.incubator.vector.VectorOperators.B2F;
import static jdk.incubator.vector.VectorOperators.F2I;
import static jdk.incubator.vector.VectorOperators.I2F;
import static jdk.incubator.vector.VectorOperators.LSHL;
import static jdk.incubator.vector.VectorOperators.LSHR;
import static org.slmlab.quant.Simd.B128;
import static org.slmlab.quant.Simd.B256;
import static org.slmlab.quant.Simd.F512;
import static org.slmlab.quant.Simd.I512;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorShuffle;
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
 * <p>Dot products take the activations as Q8_K: per super-block {@code d·d_a·Σ_j sc[j]·Σ (q-32)·a} in the
 * reference and in the fast path ({@link SuperBlockTile}).
 */
@SuppressWarnings("unchecked") // arrays of VectorShuffle<Integer>, VectorShuffle<Float>
public final class Q6_KCodec implements SuperBlockTile.Decoder {

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
            float d = Fp16.read(src, x + D);
            for (int i = 0; i < QK; i++) {
                dst[dstOffset + b * QK + i] = d * scale(src, x, i / 16) * code(src, x, i);
            }
        }
    }

    @Override
    public void dequantizeFast(MemorySegment src, long offset, float[] dst, int dstOffset, int n) {
        long blocks = TYPE.bytesFor(n) / BYTES;
        float[] ds = new float[QK / 16];
        for (int b = 0; b < blocks; b++) {
            long x = offset + (long) b * BYTES;
            subBlockScales(src, x, Fp16.read(src, x + D), ds);
            expand(src, x, ds, dst, dstOffset + b * QK);
        }
    }

    /** The dequantization with {@code d = 1}: the integers {@code sc·(q - 32)}, exact in floats. */
    @Override
    public void decodeIntegers(MemorySegment w, long x, float[] ints, int at, float[] scales, int[] mins, int k,
                               float[] scratch) {
        subBlockScales(w, x, 1, scratch);
        expand(w, x, scratch, ints, at);
        scales[2 * k] = Fp16.read(w, x + D);
        scales[2 * k + 1] = 0; // no mins
    }

    /** {@code d·sc[j]} for the 16 sub-blocks, as the scalar reference computes them. */
    private static void subBlockScales(MemorySegment src, long x, float d, float[] ds) {
        ((FloatVector) ByteVector.fromMemorySegment(B128, src, x + SCALES, LE).convertShape(B2F, F512, 0))
                .mul(d).intoArray(ds, 0);
    }

    /**
     * The 256 codes {@code q - 32} of the super-block at {@code x} times their sub-block's {@code ds[j]}, into
     * {@code dst[y..]}. Per half of 128 weights, 32 bytes of each {@code ql} row and of {@code qh} give the four
     * quarters' 32 codes each; each 16 codes become floats times {@code ds[j]} — with {@code ds = d·sc}, the
     * scalar reference's two roundings in the same order, so the results are identical. The scales come in an
     * array rather than from {@link #scale}: a call per scale (the JIT does not inline into a method this
     * large) cost a third of the time.
     */
    private static void expand(MemorySegment src, long x, float[] ds, float[] dst, int y0) {
        for (int half = 0; half < 2; half++) {
            ByteVector qlA = ByteVector.fromMemorySegment(B256, src, x + QL + 64 * half, LE);
            ByteVector qlB = ByteVector.fromMemorySegment(B256, src, x + QL + 64 * half + 32, LE);
            ByteVector qh = ByteVector.fromMemorySegment(B256, src, x + QH + 32 * half, LE);
            ByteVector q0 = qlA.and((byte) 0xF).or(KBlocks.shiftLeft(qh, 4).and((byte) 0x30)).sub((byte) 32);
            ByteVector q1 = qlB.and((byte) 0xF).or(KBlocks.shiftLeft(qh, 2).and((byte) 0x30)).sub((byte) 32);
            ByteVector q2 = KBlocks.shiftRight(qlA, 4).and((byte) 0xF).or(qh.and((byte) 0x30)).sub((byte) 32);
            ByteVector q3 = KBlocks.shiftRight(qlB, 4).and((byte) 0xF).or(KBlocks.shiftRight(qh, 2)
                    .and((byte) 0x30)).sub((byte) 32);
            int y = y0 + 128 * half;
            int j = 8 * half;
            ((FloatVector) q0.convertShape(B2F, F512, 0)).mul(ds[j]).intoArray(dst, y);
            ((FloatVector) q0.convertShape(B2F, F512, 1)).mul(ds[j + 1]).intoArray(dst, y + 16);
            ((FloatVector) q1.convertShape(B2F, F512, 0)).mul(ds[j + 2]).intoArray(dst, y + 32);
            ((FloatVector) q1.convertShape(B2F, F512, 1)).mul(ds[j + 3]).intoArray(dst, y + 48);
            ((FloatVector) q2.convertShape(B2F, F512, 0)).mul(ds[j + 4]).intoArray(dst, y + 64);
            ((FloatVector) q2.convertShape(B2F, F512, 1)).mul(ds[j + 5]).intoArray(dst, y + 80);
            ((FloatVector) q3.convertShape(B2F, F512, 0)).mul(ds[j + 6]).intoArray(dst, y + 96);
            ((FloatVector) q3.convertShape(B2F, F512, 1)).mul(ds[j + 7]).intoArray(dst, y + 112);
        }
    }

    /**
     * The order in which {@link #dotRow} meets the codes ({@link Q8_KLanes}): group {@code g} is weights
     * {@code 64g .. 64g + 63} — the low nibbles of one 64-byte half of {@code ql}, or its high nibbles.
     */
    private static final Q8_KLanes.Order LANE_ORDER = new Q8_KLanes.Order(0, 32, 64, 96, 128, 160, 192, 224);

    /** Repeats int lanes 0-7 ({@code qh} of half 0) or 8-15 (half 1) in both halves of a vector. */
    private static final VectorShuffle<Integer>[] QH_OF_HALF = new VectorShuffle[] {
        KBlocks.repeatHalf(0), KBlocks.repeatHalf(1)};
    /** Shifts the upper copy of {@code qh} by 2, so that its bit pairs 2-3 and 6-7 land where 0-1 and 4-5 do. */
    private static final IntVector UPPER_BY_TWO = KBlocks.halves(0, 2);
    /** Lane {@code k} of group {@code g} belongs to sub-block {@code 4g + k/4}: the scale each lane needs. */
    private static final VectorShuffle<Float>[] SCALE_OF_LANE = new VectorShuffle[4];

    static {
        for (int g = 0; g < 4; g++) {
            int[] sub = new int[16];
            for (int k = 0; k < 16; k++) {
                sub[k] = 4 * g + k / 4;
            }
            SCALE_OF_LANE[g] = VectorShuffle.fromArray(F512, sub, 0);
        }
    }

    @Override
    public Q8_KLanes.Order laneOrder() {
        return LANE_ORDER;
    }

    /**
     * One weight row times activation row {@code t}, without decoding the row first: ggml's exact integer sum
     * per super-block, in float lanes.
     *
     * <p>Per half of a super-block, {@code ql} (64 bytes) and its 32 bytes of {@code qh} give two groups of 64
     * codes q ∈ [0, 63] as bytes in int lanes: the low nibbles with {@code qh} bits 0-1 (2-3 in the upper 32
     * bytes, whence the copy of {@code qh} shifted by two), the high nibbles with bits 4-5 (6-7). Each of a
     * lane's four bytes becomes floats with a shift and a mask and meets its activation in an FMA. The four
     * products of a lane share a sub-block (lane {@code k} is in sub-block {@code 4g + k/4}), so the group's
     * lanes are multiplied by their scales once, not per product; and the offset 32 of the codes costs nothing
     * per row: the group's accumulator starts at {@code -32·Σa} (the lane sums of {@link Q8_KLanes}), which
     * makes it {@code Σ (q - 32)·a}.
     *
     * <p>Exactness: a lane's group sum is at most 4·32·128 in size, times a scale ≤ 128, four groups: 8.4·10⁶,
     * below 2²⁴ — every float here is an exact integer. The lanes become ints before they are added up, then the
     * super-block's sum is scaled as the scalar reference does, so the result is {@link #dotScalar}'s bit for bit.
     */
    @Override
    public float dotRow(MemorySegment w, long row, Q8_KLanes a, int t) {
        float[] lanes = a.lanes;
        float sum = 0;
        for (int b = 0; b < a.blocks; b++) {
            long x = row + (long) b * BYTES;
            int at = (t * a.blocks + b) * Q8_KLanes.STRIDE;
            FloatVector scales = (FloatVector) ByteVector.fromMemorySegment(B128, w, x + SCALES, LE)
                    .convertShape(B2F, F512, 0);
            IntVector qh = IntVector.fromMemorySegment(I512, w, x + QH, LE);
            FloatVector total = FloatVector.zero(F512);
            for (int half = 0; half < 2; half++) {
                IntVector ql = IntVector.fromMemorySegment(I512, w, x + QL + 64 * half, LE);
                IntVector high = qh.rearrange(QH_OF_HALF[half]).lanewise(LSHR, UPPER_BY_TWO);
                for (int part = 0; part < 2; part++) {
                    IntVector codes = part == 0
                            ? ql.and(0x0F0F0F0F).or(high.lanewise(LSHL, 4).and(0x30303030))
                            : ql.lanewise(LSHR, 4).and(0x0F0F0F0F).or(high.and(0x30303030));
                    int g = 2 * half + part;
                    FloatVector acc = FloatVector.fromArray(F512, lanes, at + Q8_KLanes.SUMS + 16 * g).mul(-32f);
                    for (int s = 0; s < 4; s++) {
                        FloatVector q = (FloatVector) codes.lanewise(LSHR, 8 * s).and(0xFF).convert(I2F, 0);
                        acc = q.fma(FloatVector.fromArray(F512, lanes, at + 64 * g + 16 * s), acc);
                    }
                    total = acc.fma(scales.rearrange(SCALE_OF_LANE[g]), total);
                }
            }
            int sumQA = ((IntVector) total.convert(F2I, 0)).reduceLanes(ADD);
            sum += Fp16.read(w, x + D) * a.d[t * a.blocks + b] * sumQA;
        }
        return sum;
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
            sum += Fp16.read(w, x + D) * KBlocks.q8kScale(act, a) * sumQA;
        }
        return sum;
    }
}
