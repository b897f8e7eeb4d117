package org.slmlab.quant;

import static jdk.incubator.vector.VectorOperators.B2F;
import static org.slmlab.quant.Simd.B128;
import static org.slmlab.quant.Simd.B256;
import static org.slmlab.quant.Simd.F512;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
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

    @Override
    public boolean hasMins() {
        return false;
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
