package org.slmlab.quant;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.lang.foreign.MemorySegment;
import org.slmlab.gguf.GgmlType;
import org.slmlab.gguf.LittleEndian;

/**
 * IQ1_S: 1.5625 bits a weight. Each group of 8 weights is one of the 2048 ternary points of
 * {@link LatticeCodebook#IQ1_S} (11 bits), shifted by ±1/8; each block of 32 has a 3-bit scale and the shift's
 * sign. Its quantizer needs an importance matrix.
 *
 * <pre>
 * block_iq1_s (50 bytes):  d: fp16 | qs: uint8[32] | qh: uint16[8]
 * block b (0..7, weights 32b ..):  h = qh[b]
 *   group 4b + l (l = 0..3): point = qs[4b + l] | ((h &gt;&gt; 3l) &amp; 7) &lt;&lt; 8
 *   scale = d · (2·((h &gt;&gt; 12) &amp; 7) + 1),  shift = (h &amp; 0x8000) ? −0.125 : +0.125
 * weight = scale · (iq1s_grid[point][j] + shift)
 * </pre>
 */
public final class Iq1SCodec extends TernaryLatticeCodec {

    private static final int QK = GgmlType.IQ1_S.blockSize();
    private static final int BLOCK_BYTES = GgmlType.IQ1_S.typeSize();
    private static final int QS = 2;
    private static final int QH = QS + QK / 8;
    /** ggml's {@code GROUP_MAX_EPS_IQ1_S}: a block whose largest |x| is below this is stored as zeros. */
    private static final float GROUP_MAX_EPS = 1e-12f;

    public Iq1SCodec() {
        super(GgmlType.IQ1_S);
    }

    private static int high(MemorySegment src, long block, int g) {
        return src.get(LittleEndian.SHORT, block + QH + 2L * (g / 4)) & 0xFFFF;
    }

    @Override
    float superScale(MemorySegment src, long block) {
        return Fp16.read(src, block);
    }

    @Override
    int point(MemorySegment src, long block, int g) {
        return (src.get(JAVA_BYTE, block + QS + g) & 0xFF) | (high(src, block, g) >> 3 * (g % 4) & 7) << 8;
    }

    @Override
    int multiplier(MemorySegment src, long block, int g) {
        return 2 * (high(src, block, g) >> 12 & 7) + 1;
    }

    @Override
    boolean shiftedDown(MemorySegment src, long block, int g) {
        return (high(src, block, g) & 0x8000) != 0;
    }

    @Override
    public boolean requiresImportance() {
        return true;
    }

    @Override
    public void quantize(float[] src, int srcOffset, MemorySegment dst, long dstOffset, int n, float[] importance) {
        Importance.require(type(), importance, n);
        TernarySearch search = TernarySearch.get();
        TernarySearch.BestSplit best = new TernarySearch.BestSplit();
        float[] weight = new float[32];
        float[] scales = new float[QK / 32];
        int[] shifts = new int[QK / 32];
        int[] order = new int[32];
        float[] sumx = new float[33];
        float[] sumw = new float[33];
        byte[] levels = new byte[32];
        int[] points = new int[4];
        float[][] groupLevels = new float[4][];
        for (int i = 0; i < n / QK; i++) {
            long block = dstOffset + (long) i * BLOCK_BYTES;
            dst.asSlice(block, BLOCK_BYTES).fill((byte) 0);
            int x = srcOffset + i * QK;
            float sigma2 = 2 * SignedLatticeCodec.sumOfSquares(src, x) / QK;
            float maxScale = 0;
            for (int b = 0; b < QK / 32; b++) {
                int xb = x + 32 * b;
                SignedLatticeCodec.weights(src, xb, importance, i * QK + 32 * b, sigma2, 0, weight, 32);
                float max = TernarySearch.maxAbs(src, xb, 32);
                if (max < GROUP_MAX_EPS) {
                    scales[b] = 0;
                    shifts[b] = 1;
                    continue;
                }
                // Exhaustive search of the split into −1 | 0 | +1 over the sorted weights, with prefix sums of
                // w·x and w so each split's least-squares fit costs O(1), for both shift signs.
                TernarySearch.sortedOrder(src, xb, 32, order);
                sumx[0] = 0;
                sumw[0] = 0;
                for (int j = 0; j < 32; j++) {
                    int k = order[j];
                    sumx[j + 1] = sumx[j] + weight[k] * src[xb + k];
                    sumw[j + 1] = sumw[j] + weight[k];
                }
                best.reset(max);
                for (int i1 = 0; i1 <= 32; i1++) {
                    for (int i2 = i1; i2 <= 32; i2++) {
                        for (int shift = 1; shift >= -1; shift -= 2) {
                            float[] xx = shift == 1 ? TernarySearch.SHIFT_UP : TernarySearch.SHIFT_DOWN;
                            float sumqx = (sumx[i1] - sumx[0]) * xx[0] + (sumx[i2] - sumx[i1]) * xx[1]
                                    + (sumx[32] - sumx[i2]) * xx[2];
                            float sumq2 = (sumw[i1] - sumw[0]) * xx[0] * xx[0] + (sumw[i2] - sumw[i1]) * xx[1] * xx[1]
                                    + (sumw[32] - sumw[i2]) * xx[2] * xx[2];
                            best.offer(sumqx, sumq2, i1, i2, shift);
                        }
                    }
                }
                if (!best.found()) {
                    scales[b] = 0;
                    shifts[b] = 1;
                    continue;
                }
                float scale = best.scale;
                int bestShift = best.shift;
                boolean negate = scale < 0;
                TernarySearch.splitLevels(order, 32, best.i1, best.i2, negate, levels);
                if (negate) {
                    scale = -scale;
                    bestShift = -bestShift;
                }
                float[] xx = bestShift == 1 ? TernarySearch.SHIFT_UP : TernarySearch.SHIFT_DOWN;
                java.util.Arrays.fill(groupLevels, xx);
                scale = search.snapToGrid(levels, 4, src, xb, weight, scale, groupLevels, points);
                int h = 0;
                for (int k = 0; k < 4; k++) {
                    dst.set(JAVA_BYTE, block + QS + 4 * b + k, (byte) points[k]);
                    h |= (points[k] >> 8) << 3 * k;
                }
                dst.set(LittleEndian.SHORT, block + QH + 2L * b, (short) h);
                scales[b] = scale;
                shifts[b] = bestShift;
                maxScale = maxScale > scale ? maxScale : scale;
            }
            if (maxScale == 0) {
                continue;
            }
            float d = maxScale / 15;
            Fp16.write(dst, block, d * 1.125f); // ggml's empirical fudge factor
            float id = 1 / d;
            for (int b = 0; b < QK / 32; b++) {
                int l = SignedLatticeCodec.oddScaleCode(id, scales[b], 7);
                if (shifts[b] == -1) {
                    l |= 8;
                }
                long qh = block + QH + 2L * b;
                dst.set(LittleEndian.SHORT, qh, (short) (dst.get(LittleEndian.SHORT, qh) | l << 12));
            }
        }
    }
}
