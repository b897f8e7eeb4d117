package org.slmlab.quant;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
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
    private static final int QS = 2;
    private static final int QH = QS + QK / 8;
    /** ggml's {@code GROUP_MAX_EPS_IQ1_S}: a block whose largest |x| is below this is stored as zeros. */
    private static final float GROUP_MAX_EPS = 1e-12f;

    public Iq1SCodec() {
        super(GgmlType.IQ1_S, 32, GROUP_MAX_EPS, 1);
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
    SplitSearch newSplitSearch() {
        float[] sumx = new float[33];
        float[] sumw = new float[33];
        // Prefix sums of w·x and w over the sorted weights make each split's least-squares fit O(1), for both
        // shift signs.
        return (x, xb, weight, order, best) -> {
            sumx[0] = 0;
            sumw[0] = 0;
            for (int j = 0; j < 32; j++) {
                int k = order[j];
                sumx[j + 1] = sumx[j] + weight[k] * x[xb + k];
                sumw[j + 1] = sumw[j] + weight[k];
            }
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
        };
    }

    /** The shift is its sign, +1 or −1. */
    @Override
    int mirrored(int shift) {
        return -shift;
    }

    @Override
    void shiftedLevels(int shift, float[][] groupLevels) {
        Arrays.fill(groupLevels, shift == 1 ? TernarySearch.SHIFT_UP : TernarySearch.SHIFT_DOWN);
    }

    @Override
    void storePoints(MemorySegment dst, long block, int b, int[] points) {
        int h = 0;
        for (int k = 0; k < 4; k++) {
            dst.set(JAVA_BYTE, block + QS + 4 * b + k, (byte) points[k]);
            h |= (points[k] >> 8) << 3 * k;
        }
        dst.set(LittleEndian.SHORT, block + QH + 2L * b, (short) h);
    }

    @Override
    void storeScales(MemorySegment dst, long block, float maxScale, float[] scales, int[] shifts,
            float[] x, int xOff, float[] importance, int impOff, float sigma2) {
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
