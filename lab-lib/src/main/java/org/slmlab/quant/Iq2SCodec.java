package org.slmlab.quant;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.lang.foreign.MemorySegment;
import org.slmlab.gguf.GgmlType;

/**
 * IQ2_S: 2.5625 bits a weight. Groups of 8 magnitudes are points of the 1024-point {@link LatticeCodebook#IQ2_S}
 * codebook (10 bits), every weight has a sign bit, and each block of 16 weights a 4-bit scale.
 *
 * <pre>
 * block_iq2_s (82 bytes):  d: fp16 | qs: uint8[32] | signs: uint8[32] | qh: uint8[8] | scales: uint8[8]
 * group g (0..31, weights 8g .. 8g+7):
 *   point = qs[g] | ((qh[g/4] &gt;&gt; 2·(g%4)) &amp; 3) &lt;&lt; 8        10-bit index into iq2s_grid
 *   sign bits signs[g]
 * block h (0..15, weights 16h ..):  s = (scales[h/2] &gt;&gt; 4·(h%2)) &amp; 0xF,  scale = d · (0.5 + s) · 0.25
 * weight = scale · iq2s_grid[point][j] · (sign bit ? −1 : +1)
 * </pre>
 */
public final class Iq2SCodec extends SignedLatticeCodec {

    private static final int QK = GgmlType.IQ2_S.blockSize();
    private static final int QS = 2;
    private static final int SIGNS = QS + QK / 8;
    private static final int QH = SIGNS + QK / 8;
    private static final int SCALES = QH + QK / 32;

    /** ggml's sigma2 factor, no-imatrix share, scale fudge factor, and zeroing of an all-zero super-block. */
    private static final QuantizerSettings SETTINGS = new QuantizerSettings(2f, 0.25f, 0.9875f, false);

    public Iq2SCodec() {
        super(GgmlType.IQ2_S, LatticeCodebook.IQ2_S, 0.125f, SETTINGS,
                () -> new GridQuantizer(LatticeCodebook.IQ2_S, 16, 9, 0.1f, false, 1e-8f,
                        false, GridQuantizer.Refine.OFF_GRID_GROUPS));
    }

    @Override
    int point(MemorySegment src, long block, int g) {
        return u8(src, block, QS + g) | (u8(src, block, QH + g / 4) >> 2 * (g % 4) & 3) << 8;
    }

    @Override
    int signs(MemorySegment src, long block, int g) {
        return u8(src, block, SIGNS + g);
    }

    @Override
    int scaleCode(MemorySegment src, long block, int g) {
        return nibble(src, block, SCALES, g / 2);
    }

    @Override
    void storePoints(MemorySegment dst, long block, int h, int stored, GridQuantizer.Scratch s) {
        for (int k = 0; k < 2; k++) {
            int g = 2 * h + k;
            dst.set(JAVA_BYTE, block + QS + g, (byte) s.points[k]);
            orByte(dst, block + QH + g / 4, (s.points[k] >> 8) << 2 * (g % 4));
            dst.set(JAVA_BYTE, block + SIGNS + g, (byte) s.signs[k]);
        }
    }

    @Override
    void storeScales(MemorySegment dst, long block, float id, float[] scales) {
        storeScaleNibbles(dst, block, SCALES, id, scales);
    }
}
