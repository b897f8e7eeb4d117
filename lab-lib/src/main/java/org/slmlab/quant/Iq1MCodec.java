package org.slmlab.quant;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.lang.foreign.MemorySegment;
import org.slmlab.gguf.GgmlType;
import org.slmlab.gguf.LittleEndian;

/**
 * IQ1_M: 1.75 bits a weight. Like IQ1_S, groups of 8 weights are ternary points of {@link LatticeCodebook#IQ1_S}
 * shifted by ±1/8, but each group has its own shift sign and each block of 16 its own 3-bit scale; the fp16
 * super-block scale has no field of its own, its 16 bits are spread over the top nibbles of the scales.
 *
 * <pre>
 * block_iq1_m (56 bytes):  qs: uint8[32] | qh: uint8[16] | scales: uint16[4]
 * d (fp16 bits) = (scales[0] &gt;&gt; 12) | (scales[1] &gt;&gt; 8 &amp; 0xF0) | (scales[2] &gt;&gt; 4 &amp; 0xF00) | (scales[3] &amp; 0xF000)
 * group g (0..31, weights 8g ..):  h = qh[g/2] &gt;&gt; 4·(g%2)   (its nibble)
 *   point = qs[g] | (h &amp; 7) &lt;&lt; 8,  shift = (h &amp; 8) ? −0.125 : +0.125
 * block k (0..15, weights 16k ..):  scale = d · (2·((scales[k/4] &gt;&gt; 3·(k%4)) &amp; 7) + 1)
 * weight = scale · (iq1s_grid[point][j] + shift)
 * </pre>
 */
public final class Iq1MCodec extends TernaryLatticeCodec {

    private static final int QK = GgmlType.IQ1_M.blockSize();
    private static final int QS = 0;
    private static final int QH = QS + QK / 8;
    private static final int SCALES = QH + QK / 16;
    /** ggml's {@code GROUP_MAX_EPS_IQ1_M}: a block whose largest |x| is below this is stored as zeros. */
    private static final float GROUP_MAX_EPS = 1e-7f;
    /** The shift bits of a block of 16's two groups, by ggml's shift code (bit 0: second group, bit 1: first). */
    private static final int[] SHIFT_MASKS = {0x00, 0x80, 0x08, 0x88};

    private static final float UP2 = TernarySearch.SHIFT_UP[2];
    private static final float DOWN2 = TernarySearch.SHIFT_DOWN[2];
    private static final float UP_C1 = square(TernarySearch.SHIFT_UP[0]) - square(TernarySearch.SHIFT_UP[1]);
    private static final float UP_C2 = square(TernarySearch.SHIFT_UP[1]) - square(TernarySearch.SHIFT_UP[2]);
    private static final float DOWN_C1 = square(TernarySearch.SHIFT_DOWN[0]) - square(TernarySearch.SHIFT_DOWN[1]);
    private static final float DOWN_C2 = square(TernarySearch.SHIFT_DOWN[1]) - square(TernarySearch.SHIFT_DOWN[2]);

    private static float square(float v) {
        return v * v;
    }

    public Iq1MCodec() {
        super(GgmlType.IQ1_M, 16, GROUP_MAX_EPS, 0);
    }

    private static int scaleWord(MemorySegment src, long block, int k) {
        return src.get(LittleEndian.SHORT, block + SCALES + 2L * k) & 0xFFFF;
    }

    private static int nibble(MemorySegment src, long block, int g) {
        return (src.get(JAVA_BYTE, block + QH + g / 2) & 0xFF) >> 4 * (g % 2) & 0xF;
    }

    @Override
    float superScale(MemorySegment src, long block) {
        int bits = scaleWord(src, block, 0) >> 12 | scaleWord(src, block, 1) >> 8 & 0x00F0
                | scaleWord(src, block, 2) >> 4 & 0x0F00 | scaleWord(src, block, 3) & 0xF000;
        return Fp16.toFloat((short) bits);
    }

    @Override
    int point(MemorySegment src, long block, int g) {
        return (src.get(JAVA_BYTE, block + QS + g) & 0xFF) | (nibble(src, block, g) & 7) << 8;
    }

    @Override
    int multiplier(MemorySegment src, long block, int g) {
        int k = g / 2;
        return 2 * (scaleWord(src, block, k / 4) >> 3 * (k % 4) & 7) + 1;
    }

    @Override
    boolean shiftedDown(MemorySegment src, long block, int g) {
        return (nibble(src, block, g) & 8) != 0;
    }

    /** The shifted levels of group {@code k} (0 or 1) of a block of 16 with shift code {@code code} (0..3). */
    private static float[] shifted(int code, int k) {
        boolean up = k == 0 ? code < 2 : code % 2 == 0;
        return up ? TernarySearch.SHIFT_UP : TernarySearch.SHIFT_DOWN;
    }

    @Override
    SplitSearch newSplitSearch() {
        float[][] px = new float[2][17];
        float[][] pw = new float[2][17];
        float[] qxUp = new float[2];
        float[] qxDown = new float[2];
        float[] q2Up = new float[2];
        float[] q2Down = new float[2];
        // The 4 combinations of the two groups' shift signs (code: bit 1 = first group down, bit 0 = second group
        // down). Prefix sums of w·x and w are kept per group of 8, as each group has its own shift; since the
        // levels are evenly spaced (v0 − v1 = v1 − v2 = −1), a split's Σ w·x·q is T·v2 − S(i1) − S(i2).
        return (x, xb, weight, order, best) -> {
            for (int j = 0; j < 16; j++) {
                int k = order[j];
                int h = k < 8 ? 0 : 1;
                px[h][j + 1] = px[h][j] + weight[k] * x[xb + k];
                px[1 - h][j + 1] = px[1 - h][j];
                pw[h][j + 1] = pw[h][j] + weight[k];
                pw[1 - h][j + 1] = pw[1 - h][j];
            }
            for (int i1 = 0; i1 <= 16; i1++) {
                for (int i2 = i1; i2 <= 16; i2++) {
                    for (int h = 0; h < 2; h++) {
                        float sx = px[h][i1] + px[h][i2];
                        qxUp[h] = px[h][16] * UP2 - sx;
                        qxDown[h] = px[h][16] * DOWN2 - sx;
                        q2Up[h] = pw[h][16] * UP2 * UP2 + pw[h][i1] * UP_C1 + pw[h][i2] * UP_C2;
                        q2Down[h] = pw[h][16] * DOWN2 * DOWN2 + pw[h][i1] * DOWN_C1 + pw[h][i2] * DOWN_C2;
                    }
                    for (int code = 0; code < 4; code++) {
                        float sumqx = (code < 2 ? qxUp[0] : qxDown[0]) + (code % 2 == 0 ? qxUp[1] : qxDown[1]);
                        float sumq2 = (code < 2 ? q2Up[0] : q2Down[0]) + (code % 2 == 0 ? q2Up[1] : q2Down[1]);
                        best.offer(sumqx, sumq2, i1, i2, code);
                    }
                }
            }
        };
    }

    /** Both groups' shifts flip. */
    @Override
    int mirrored(int code) {
        return 3 - code;
    }

    @Override
    void shiftedLevels(int code, float[][] groupLevels) {
        groupLevels[0] = shifted(code, 0);
        groupLevels[1] = shifted(code, 1);
    }

    @Override
    void storePoints(MemorySegment dst, long block, int b, int[] points) {
        dst.set(JAVA_BYTE, block + QS + 2 * b, (byte) points[0]);
        dst.set(JAVA_BYTE, block + QS + 2 * b + 1, (byte) points[1]);
        dst.set(JAVA_BYTE, block + QH + b, (byte) (points[0] >> 8 | (points[1] >> 8) << 4));
    }

    @Override
    void storeScales(MemorySegment dst, long block, float maxScale, float[] scales, int[] shifts,
            float[] x, int xOff, float[] importance, int impOff, float sigma2) {
        TernarySearch search = TernarySearch.get();
        float[] weight = new float[16];
        // The 3-bit block scales, then the super-block scale refitted to them by least squares over all
        // blocks (including the zero ones, whose points are point 0).
        float d = maxScale / 15;
        float id = 1 / d;
        float sx = 0;
        float s2 = 0;
        int[] words = new int[4];
        for (int b = 0; b < QK / 16; b++) {
            int l = SignedLatticeCodec.oddScaleCode(id, scales[b], 7);
            words[b / 4] |= l << 3 * (b % 4);
            long qh = block + QH + b;
            int h = (dst.get(JAVA_BYTE, qh) & 0xFF) | SHIFT_MASKS[shifts[b]];
            dst.set(JAVA_BYTE, qh, (byte) h);
            int xb = xOff + 16 * b;
            SignedLatticeCodec.weights(x, xb, importance, impOff + 16 * b, sigma2, 0, weight, 16);
            for (int k = 0; k < 2; k++) {
                float[] xx = shifted(shifts[b], k);
                int point = (dst.get(JAVA_BYTE, block + QS + 2 * b + k) & 0xFF) | (h >> 4 * k & 7) << 8;
                for (int j = 0; j < 8; j++) {
                    float w = weight[8 * k + j];
                    float q = xx[search.level(point, j)] * (2 * l + 1);
                    sx += w * q * x[xb + 8 * k + j];
                    s2 += w * q * q;
                }
            }
        }
        if (s2 > 0) {
            d = sx / s2;
        }
        int bits = Fp16.fromFloat(d * 1.1125f) & 0xFFFF; // ggml's empirical fudge factor
        words[0] |= (bits & 0x000F) << 12;
        words[1] |= (bits & 0x00F0) << 8;
        words[2] |= (bits & 0x0F00) << 4;
        words[3] |= bits & 0xF000;
        for (int k = 0; k < 4; k++) {
            dst.set(LittleEndian.SHORT, block + SCALES + 2L * k, (short) words[k]);
        }
    }

}
