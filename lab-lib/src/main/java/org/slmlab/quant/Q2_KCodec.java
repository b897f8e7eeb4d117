package org.slmlab.quant;

import static jdk.incubator.vector.VectorOperators.ADD;
import static jdk.incubator.vector.VectorOperators.B2F;
import static jdk.incubator.vector.VectorOperators.B2S;
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
 * Q2_K: 2-bit codes with a 4-bit scale and a 4-bit min per 16 weights — the smallest k-quant.
 *
 * <p>Super-block of 256 weights in 84 bytes (2.625 bits per weight):
 * <pre>
 *   offset  size  field
 *        0    16  scales  per 16-weight sub-block j: scale sc[j] in the low nibble, min m[j] in the high one
 *       16    64  qs      256 2-bit codes q ∈ [0, 3] ({@link TwoBitCodes})
 *       80     2  d       fp16 scale of the scales
 *       82     2  dmin    fp16 scale of the mins
 * </pre>
 * Weight {@code i} of sub-block {@code j = i/16} is {@code d·sc[j]·q - dmin·m[j]}.
 *
 * <p>Dot products take the activations as Q8_K: per super-block
 * {@code d_a·(d·Σ_j sc[j]·Σ q·a - dmin·Σ_j m[j]·Σ a)}, with Σ a from the Q8_K block sums.
 */
public final class Q2_KCodec extends BlockCodec {

    private static final GgmlType TYPE = GgmlType.Q2_K;
    private static final int QK = KBlocks.QK_K;
    private static final int NSUB = QK / 16;
    private static final int BYTES = TYPE.typeSize();
    private static final int SCALES = 0;
    private static final int QS = SCALES + NSUB;
    private static final int D = QS + TwoBitCodes.BYTES;
    private static final int DMIN = D + 2;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    public Q2_KCodec() {
        super(TYPE, GgmlType.Q8_K);
    }

    @Override
    public void dequantizeScalar(MemorySegment src, long offset, float[] dst, int dstOffset, int n) {
        long blocks = TYPE.bytesFor(n) / BYTES;
        for (int b = 0; b < blocks; b++) {
            long x = offset + (long) b * BYTES;
            float d = Fp16.read(src, x + D);
            float dmin = Fp16.read(src, x + DMIN);
            for (int i = 0; i < QK; i++) {
                int sc = KBlocks.u8(src, x + SCALES + i / 16);
                float scale = d * (sc & 0xF);
                float min = dmin * (sc >> 4);
                dst[dstOffset + b * QK + i] = scale * TwoBitCodes.code(src, x + QS, i) - min;
            }
        }
    }

    @Override
    public void dequantizeFast(MemorySegment src, long offset, float[] dst, int dstOffset, int n) {
        long blocks = TYPE.bytesFor(n) / BYTES;
        for (int b = 0; b < blocks; b++) {
            long x = offset + (long) b * BYTES;
            int y = dstOffset + b * QK;
            float d = Fp16.read(src, x + D);
            float dmin = Fp16.read(src, x + DMIN);
            for (int h = 0; h < 2; h++) {
                for (int l = 0; l < 32; l += 16) {
                    ByteVector q = ByteVector.fromMemorySegment(B128, src, x + QS + 32 * h + l, LE);
                    for (int k = 0; k < 4; k++) {
                        int sc = KBlocks.u8(src, x + SCALES + 8 * h + 2 * k + l / 16);
                        ((FloatVector) q.lanewise(LSHR, 2 * k).and((byte) 3).convertShape(B2F, F512, 0))
                                .mul(d * (sc & 0xF)).sub(dmin * (sc >> 4)).intoArray(dst, y + 128 * h + 32 * k + l);
                    }
                }
            }
        }
    }

    /**
     * ggml's {@code quantize_row_q2_K_ref}, or {@code quantize_row_q2_K_impl} when an importance matrix is
     * given. Both fit each 16-weight sub-block with a float scale and min, encode those as 4-bit multiples of
     * {@code d} and {@code dmin}, then re-quantize the weights against the stored values.
     */
    @Override
    public void quantize(float[] src, int srcOffset, MemorySegment dst, long dstOffset, int n, float[] importance) {
        KBlocks.checkQuantize(TYPE, n, importance);
        Scratch s = new Scratch();
        byte[] block = new byte[BYTES];
        for (int b = 0; b < n / QK; b++) {
            int xo = srcOffset + b * QK;
            if (importance == null) {
                chooseScales(src, xo, s, block);
            } else {
                chooseScalesWithImportance(src, xo, importance, (b * QK) % importance.length, s, block);
            }
            MemorySegment header = MemorySegment.ofArray(block);
            float d = Fp16.read(header, D);
            float dmin = Fp16.read(header, DMIN);
            for (int j = 0; j < NSUB; j++) {
                int sc = block[SCALES + j] & 0xFF;
                float ds = d * (sc & 0xF);
                if (ds == 0) {
                    continue;
                }
                float dm = dmin * (sc >> 4);
                for (int i = 16 * j; i < 16 * j + 16; i++) {
                    int l = Rounding.nearestInt((src[xo + i] + dm) / ds);
                    s.codes[i] = (byte) Math.max(0, Math.min(3, l));
                }
            }
            TwoBitCodes.pack(s.codes, block, QS);
            MemorySegment.copy(block, 0, dst, ValueLayout.JAVA_BYTE, dstOffset + (long) b * BYTES, BYTES);
        }
    }

    /** Per-call working arrays (codecs are shared between threads). */
    private static final class Scratch {
        final byte[] codes = new byte[QK];
        final byte[] aux = new byte[16];
        final float[] weights = new float[16];
        final float[] scales = new float[NSUB];
        final float[] mins = new float[NSUB];
        final float[] subWeights = new float[NSUB];
        final byte[] scaleCodes = new byte[NSUB];
        final byte[] minCodes = new byte[NSUB];
    }

    private static void chooseScales(float[] x, int xo, Scratch s, byte[] block) {
        float maxScale = 0; // mins are subtracted, so scales are positive
        float maxMin = 0;
        for (int j = 0; j < NSUB; j++) {
            for (int l = 0; l < 16; l++) {
                s.weights[l] = Math.abs(x[xo + 16 * j + l]);
            }
            s.scales[j] = KQuantSearch.makeQkxQuants(16, 3, x, xo + 16 * j, s.weights, 0, s.codes, 16 * j, s.mins, j,
                    s.aux, -0.5f, 0.1f, 15, true, false);
            if (s.scales[j] > maxScale) {
                maxScale = s.scales[j];
            }
            if (s.mins[j] > maxMin) {
                maxMin = s.mins[j];
            }
        }
        if (maxScale > 0) {
            float iscale = 15.f / maxScale;
            for (int j = 0; j < NSUB; j++) {
                block[SCALES + j] = (byte) Rounding.nearestInt(iscale * s.scales[j]);
            }
            KBlocks.putFp16(block, D, maxScale / 15.f);
        } else {
            java.util.Arrays.fill(block, SCALES, SCALES + NSUB, (byte) 0);
            KBlocks.putFp16(block, D, 0.f);
        }
        if (maxMin > 0) {
            float iscale = 15.f / maxMin;
            for (int j = 0; j < NSUB; j++) {
                block[SCALES + j] |= (byte) (Rounding.nearestInt(iscale * s.mins[j]) << 4);
            }
            KBlocks.putFp16(block, DMIN, maxMin / 15.f);
        } else {
            KBlocks.putFp16(block, DMIN, 0.f);
        }
    }

    private static void chooseScalesWithImportance(float[] x, int xo, float[] qw, int qwo, Scratch s,
            byte[] block) {
        float sumX2 = 0;
        for (int i = 0; i < QK; i++) {
            sumX2 += x[xo + i] * x[xo + i];
        }
        float sigma2 = sumX2 / QK;
        for (int j = 0; j < NSUB; j++) {
            s.subWeights[j] = 0;
            for (int l = 0; l < 16; l++) {
                float xi = x[xo + 16 * j + l];
                s.weights[l] = qw[qwo + 16 * j + l] * (float) Math.sqrt(sigma2 + xi * xi);
            }
            for (int l = 0; l < 16; l++) {
                s.subWeights[j] += s.weights[l];
            }
            s.scales[j] = KQuantSearch.makeQkxQuants(16, 3, x, xo + 16 * j, s.weights, 0, s.codes, 16 * j, s.mins,
                    j, s.aux, -0.9f, 0.05f, 36, false, true);
        }
        float dm = KQuantSearch.makeQpQuants(NSUB, 15, s.scales, 0, s.scaleCodes, 0, s.subWeights, 0);
        float mm = KQuantSearch.makeQpQuants(NSUB, 15, s.mins, 0, s.minCodes, 0, s.subWeights, 0);
        KBlocks.putFp16(block, D, dm);
        KBlocks.putFp16(block, DMIN, mm);
        for (int j = 0; j < NSUB; j++) {
            block[SCALES + j] = (byte) ((s.scaleCodes[j] & 0xFF) | (s.minCodes[j] & 0xFF) << 4);
        }
    }

    /** {@code Σ_j m[j]·Σ a}: the integer part of the min term, from the Q8_K block sums. */
    private static int minTerm(MemorySegment w, long x, MemorySegment act, long a) {
        int sum = 0;
        for (int j = 0; j < NSUB; j++) {
            sum += KBlocks.q8kBlockSum(act, a, j) * (KBlocks.u8(w, x + SCALES + j) >> 4);
        }
        return sum;
    }

    private static float combine(MemorySegment w, long x, MemorySegment act, long a, int sumQA) {
        float da = KBlocks.q8kScale(act, a);
        return da * Fp16.read(w, x + D) * sumQA - da * Fp16.read(w, x + DMIN) * minTerm(w, x, act, a);
    }

    @Override
    public float dotScalar(MemorySegment w, long wOffset, MemorySegment act, long actOffset, int n) {
        long blocks = TYPE.bytesFor(n) / BYTES;
        float sum = 0;
        for (int b = 0; b < blocks; b++) {
            long x = wOffset + (long) b * BYTES;
            long a = actOffset + (long) b * GgmlType.Q8_K.typeSize();
            int sumQA = 0;
            for (int j = 0; j < NSUB; j++) {
                int subSum = 0;
                for (int i = 16 * j; i < 16 * j + 16; i++) {
                    subSum += TwoBitCodes.code(w, x + QS, i) * KBlocks.q8kValue(act, a, i);
                }
                sumQA += (KBlocks.u8(w, x + SCALES + j) & 0xF) * subSum;
            }
            sum += combine(w, x, act, a, sumQA);
        }
        return sum;
    }

    /**
     * Per run of 32 bytes of codes, each of its four bit pairs gives 32 consecutive weights (two sub-blocks):
     * times their activations as 16-bit products, widened to ints and scaled by the sub-block scales.
     */
    @Override
    public float dotFast(MemorySegment w, long wOffset, MemorySegment act, long actOffset, int n) {
        long blocks = TYPE.bytesFor(n) / BYTES;
        float sum = 0;
        for (int b = 0; b < blocks; b++) {
            long x = wOffset + (long) b * BYTES;
            long a = actOffset + (long) b * Q8_KCodec.BLOCK_BYTES;
            IntVector acc = IntVector.zero(I512);
            for (int h = 0; h < 2; h++) {
                ByteVector q = ByteVector.fromMemorySegment(B256, w, x + QS + 32 * h, LE);
                for (int k = 0; k < 4; k++) {
                    ShortVector av = (ShortVector) ByteVector
                            .fromMemorySegment(B256, act, a + Q8_KCodec.QS + 128 * h + 32 * k, LE)
                            .convertShape(B2S, S512, 0);
                    ShortVector p = ((ShortVector) q.lanewise(LSHR, 2 * k).and((byte) 3).convertShape(B2S, S512, 0))
                            .mul(av);
                    int j = 8 * h + 2 * k;
                    acc = acc.add(((IntVector) p.convertShape(S2I, I512, 0)).mul(KBlocks.u8(w, x + SCALES + j) & 0xF))
                            .add(((IntVector) p.convertShape(S2I, I512, 1)).mul(KBlocks.u8(w, x + SCALES + j + 1) & 0xF));
                }
            }
            sum += combine(w, x, act, a, acc.reduceLanes(ADD));
        }
        return sum;
    }
}
