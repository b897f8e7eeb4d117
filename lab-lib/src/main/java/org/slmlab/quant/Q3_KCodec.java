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
import java.util.Arrays;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import org.slmlab.gguf.GgmlType;

/**
 * Q3_K: 3-bit symmetric codes with a 6-bit signed scale per 16 weights.
 *
 * <p>Super-block of 256 weights in 110 bytes (3.4375 bits per weight):
 * <pre>
 *   offset  size  field
 *        0    32  hmask   the high (third) bit of each code
 *       32    64  qs      the low two bits of each code ({@link TwoBitCodes})
 *       96    12  scales  sixteen 6-bit scales, stored with a bias of 32
 *      108     2  d       fp16 scale of the scales
 * </pre>
 * Weight {@code i} of sub-block {@code j = i/16} is {@code d·(s[j] - 32)·(q - 4)} with the 3-bit code
 * {@code q ∈ [0, 7]}: low bits from {@code qs}, the high bit of weight {@code i} is bit {@code i/32} of
 * {@code hmask[i % 32]}. Scale {@code s[j]}: its low four bits are the low nibble of byte {@code j} (j &lt; 8) or
 * the high nibble of byte {@code j-8}; its top two bits are bits {@code 2(j/4)}, {@code 2(j/4)+1} of byte
 * {@code 8 + j%4}.
 *
 * <p>Dot products take the activations as Q8_K: per super-block {@code d·d_a·Σ_j (s[j]-32)·Σ (q-4)·a}.
 */
public final class Q3_KCodec extends BlockCodec {

    private static final GgmlType TYPE = GgmlType.Q3_K;
    private static final int QK = KBlocks.QK_K;
    private static final int NSUB = QK / 16;
    private static final int BYTES = TYPE.typeSize();
    private static final int HMASK = 0;
    private static final int QS = HMASK + QK / 8;
    private static final int SCALES = QS + TwoBitCodes.BYTES;
    private static final int D = SCALES + 12;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    public Q3_KCodec() {
        super(TYPE, GgmlType.Q8_K);
    }

    /** The signed scale {@code s[j] - 32} of sub-block {@code j}. */
    private static int scale(MemorySegment s, long x, int j) {
        int low = j < 8 ? KBlocks.u8(s, x + SCALES + j) & 0xF : KBlocks.u8(s, x + SCALES + j - 8) >> 4;
        int high = KBlocks.u8(s, x + SCALES + 8 + j % 4) >> (2 * (j / 4)) & 3;
        return (low | high << 4) - 32;
    }

    /** Stores the biased scale {@code s ∈ [0, 63]} of sub-block {@code j} into a zeroed scale field. */
    private static void packScale(byte[] block, int j, int s) {
        if (j < 8) {
            block[SCALES + j] = (byte) (s & 0xF);
        } else {
            block[SCALES + j - 8] |= (byte) ((s & 0xF) << 4);
        }
        block[SCALES + 8 + j % 4] |= (byte) ((s >> 4) << (2 * (j / 4)));
    }

    /** The signed code {@code q - 4} of weight {@code i}. */
    private static int code(MemorySegment s, long x, int i) {
        int high = KBlocks.u8(s, x + HMASK + i % 32) >> (i / 32) & 1;
        return (TwoBitCodes.code(s, x + QS, i) | high << 2) - 4;
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
        for (int b = 0; b < blocks; b++) {
            long x = offset + (long) b * BYTES;
            int y = dstOffset + b * QK;
            float d = Fp16.read(src, x + D);
            for (int l = 0; l < 32; l += 16) {
                ByteVector hm = ByteVector.fromMemorySegment(B128, src, x + HMASK + l, LE);
                for (int h = 0; h < 2; h++) {
                    ByteVector q = ByteVector.fromMemorySegment(B128, src, x + QS + 32 * h + l, LE);
                    for (int k = 0; k < 4; k++) {
                        int run = 4 * h + k; // weights 32·run + l onwards; their high bits are bit `run` of hmask
                        ByteVector code = q.lanewise(LSHR, 2 * k).and((byte) 3)
                                .or(hm.lanewise(LSHR, run).and((byte) 1).lanewise(LSHL, 2)).sub((byte) 4);
                        ((FloatVector) code.convertShape(B2F, F512, 0)).mul(d * scale(src, x, 2 * run + l / 16))
                                .intoArray(dst, y + 32 * run + l);
                    }
                }
            }
        }
    }

    /**
     * ggml's {@code quantize_row_q3_K_ref} (scales from {@link KQuantSearch#makeQ3Quants}, mapped linearly onto
     * 6 bits), or {@code quantize_row_q3_K_impl} with an importance matrix (scales from
     * {@link KQuantSearch#makeQxQuants}, and their 6-bit codes from a second weighted search). Then the weights
     * are re-quantized against the scales as stored.
     */
    @Override
    public void quantize(float[] src, int srcOffset, MemorySegment dst, long dstOffset, int n, float[] importance) {
        KBlocks.checkQuantize(TYPE, n, importance);
        byte[] L = new byte[QK];
        float[] scales = new float[NSUB];
        float[] weights = new float[16];
        float[] subWeights = new float[NSUB];
        byte[] scaleCodes = new byte[NSUB];
        byte[] block = new byte[BYTES];
        for (int b = 0; b < n / QK; b++) {
            int xo = srcOffset + b * QK;
            Arrays.fill(block, (byte) 0);
            if (importance == null) {
                float maxScale = 0;
                float amax = 0;
                for (int j = 0; j < NSUB; j++) {
                    scales[j] = KQuantSearch.makeQ3Quants(16, 4, src, xo + 16 * j, L, 16 * j);
                    float abs = Math.abs(scales[j]);
                    if (abs > amax) {
                        amax = abs;
                        maxScale = scales[j];
                    }
                }
                if (maxScale != 0) {
                    float iscale = -32.f / maxScale;
                    for (int j = 0; j < NSUB; j++) {
                        int l = (byte) Rounding.nearestInt(iscale * scales[j]); // an int8_t in ggml
                        packScale(block, j, Math.max(-32, Math.min(31, l)) + 32);
                    }
                    KBlocks.putFp16(block, D, 1 / iscale);
                }
            } else {
                int qwo = (b * QK) % importance.length;
                float sumX2 = 0;
                for (int i = 0; i < QK; i++) {
                    sumX2 += src[xo + i] * src[xo + i];
                }
                float sigma2 = 2 * sumX2 / QK;
                for (int j = 0; j < NSUB; j++) {
                    for (int l = 0; l < 16; l++) {
                        float xi = src[xo + 16 * j + l];
                        weights[l] = importance[qwo + 16 * j + l] * (float) Math.sqrt(sigma2 + xi * xi);
                    }
                    float sumW = 0;
                    for (int l = 0; l < 16; l++) {
                        sumW += weights[l];
                    }
                    subWeights[j] = sumW;
                    scales[j] = KQuantSearch.makeQxQuants(16, 4, src, xo + 16 * j, L, 16 * j, weights, 0);
                }
                float dBlock = KQuantSearch.makeQxQuants(NSUB, 32, scales, 0, scaleCodes, 0, subWeights, 0);
                for (int j = 0; j < NSUB; j++) {
                    packScale(block, j, scaleCodes[j]);
                }
                KBlocks.putFp16(block, D, dBlock);
            }
            requantize(src, xo, block, L);
            for (int i = 0; i < QK; i++) {
                if (L[i] > 3) {
                    block[HMASK + i % 32] |= (byte) (1 << (i / 32));
                    L[i] -= 4;
                }
            }
            TwoBitCodes.pack(L, block, QS);
            MemorySegment.copy(block, 0, dst, ValueLayout.JAVA_BYTE, dstOffset + (long) b * BYTES, BYTES);
        }
    }

    /** Codes L ∈ [0, 7] of the weights against the scales as stored in {@code block}. */
    private static void requantize(float[] x, int xo, byte[] block, byte[] L) {
        MemorySegment header = MemorySegment.ofArray(block);
        float d = Fp16.read(header, D);
        for (int j = 0; j < NSUB; j++) {
            float ds = d * scale(header, 0, j);
            if (ds == 0) {
                continue; // codes stay as the search left them; they dequantize to 0 anyway
            }
            for (int i = 16 * j; i < 16 * j + 16; i++) {
                int l = Rounding.nearestInt(x[xo + i] / ds);
                L[i] = (byte) (Math.max(-4, Math.min(3, l)) + 4);
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
            for (int j = 0; j < NSUB; j++) {
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

    /** As Q2_K's kernel, with the third bit of each code from {@code hmask} and the codes made signed. */
    @Override
    public float dotFast(MemorySegment w, long wOffset, MemorySegment act, long actOffset, int n) {
        long blocks = TYPE.bytesFor(n) / BYTES;
        float sum = 0;
        for (int b = 0; b < blocks; b++) {
            long x = wOffset + (long) b * BYTES;
            long a = actOffset + (long) b * Q8_KCodec.BLOCK_BYTES;
            ByteVector hm = ByteVector.fromMemorySegment(B256, w, x + HMASK, LE);
            IntVector acc = IntVector.zero(I512);
            for (int h = 0; h < 2; h++) {
                ByteVector q = ByteVector.fromMemorySegment(B256, w, x + QS + 32 * h, LE);
                for (int k = 0; k < 4; k++) {
                    int run = 4 * h + k;
                    ByteVector code = q.lanewise(LSHR, 2 * k).and((byte) 3)
                            .or(hm.lanewise(LSHR, run).and((byte) 1).lanewise(LSHL, 2)).sub((byte) 4);
                    ShortVector av = (ShortVector) ByteVector
                            .fromMemorySegment(B256, act, a + Q8_KCodec.QS + 32 * run, LE).convertShape(B2S, S512, 0);
                    ShortVector p = ((ShortVector) code.convertShape(B2S, S512, 0)).mul(av);
                    acc = acc.add(((IntVector) p.convertShape(S2I, I512, 0)).mul(scale(w, x, 2 * run)))
                            .add(((IntVector) p.convertShape(S2I, I512, 1)).mul(scale(w, x, 2 * run + 1)));
                }
            }
            sum += Fp16.read(w, x + D) * KBlocks.q8kScale(act, a) * acc.reduceLanes(ADD);
        }
        return sum;
    }
}
