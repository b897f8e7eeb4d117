package org.slmlab.quant;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.lang.foreign.MemorySegment;
import org.slmlab.gguf.GgmlType;

/**
 * IQ3_S: 3.4375 bits a weight. Weights are stored as magnitudes and signs: each group of 4 magnitudes is one of
 * the 512 points of the {@link LatticeCodebook#IQ3_S} codebook (9 bits), each weight has a sign bit, and each
 * block of 32 weights a 4-bit scale.
 *
 * <pre>
 * block_iq3_s (110 bytes):  d: fp16 | qs: uint8[64] | qh: uint8[8] | signs: uint8[32] | scales: uint8[4]
 * point p (0..63, weights 4p .. 4p+3) = qs[p] | ((qh[p/8] &gt;&gt; p%8) &amp; 1) &lt;&lt; 8      9-bit index into iq3s_grid
 * group g (0..31, weights 8g .. 8g+7): sign bits signs[g]
 * block b (0..7, weights 32b ..):      s = (scales[b/2] &gt;&gt; 4·(b%2)) &amp; 0xF,  scale = d · (1 + 2s)
 * weight = scale · iq3s_grid[point][j] · (sign bit ? −1 : +1)
 * </pre>
 *
 * <p>A quirk reproduced from ggml's quantizer: when a block of 32 is (near) zero it writes nothing for it and,
 * unlike for {@code qh}, does not advance its write positions in {@code qs} and {@code signs}, so the next
 * block's points and signs land in the zero block's place.
 */
public final class Iq3SCodec extends SignedLatticeCodec {

    private static final int QK = GgmlType.IQ3_S.blockSize();
    private static final int QS = 2;
    private static final int QH = QS + QK / 4;
    private static final int SIGNS = QH + QK / 32;
    private static final int SCALES = SIGNS + QK / 8;

    /** ggml's sigma2 factor, no-imatrix share, scale fudge factor, and zeroing of an all-zero super-block. */
    private static final QuantizerSettings SETTINGS = new QuantizerSettings(2f, 0f, 1.033f, false);

    public Iq3SCodec() {
        super(GgmlType.IQ3_S, LatticeCodebook.IQ3_S, 1f, SETTINGS,
                // ggml skips a block only when its largest magnitude is exactly 0: every positive float passes
                () -> new GridQuantizer(LatticeCodebook.IQ3_S, 32, 9, 0.2f, false, Float.MIN_VALUE,
                        false, GridQuantizer.Refine.ALL_GROUPS_IF_ANY_OFF_GRID));
    }

    @Override
    int point(MemorySegment src, long block, int p) {
        return u8(src, block, QS + p) | (u8(src, block, QH + p / 8) >> p % 8 & 1) << 8;
    }

    @Override
    int signs(MemorySegment src, long block, int g) {
        return u8(src, block, SIGNS + g);
    }

    @Override
    int scaleCode(MemorySegment src, long block, int g) {
        return nibble(src, block, SCALES, g / 4);
    }

    /** ggml's IQ3_S dequantizer multiplies d by the odd integer itself, {@code d · (1 + 2s)}. */
    @Override
    float groupScale(MemorySegment src, long block, float d, int g) {
        return d * groupMultiplier(src, block, g);
    }

    @Override
    void storePoints(MemorySegment dst, long block, int b, int stored, GridQuantizer.Scratch s) {
        int qh = 0;
        for (int k = 0; k < 8; k++) {
            dst.set(JAVA_BYTE, block + QS + 8 * stored + k, (byte) s.points[k]);
            qh |= (s.points[k] >> 8) << k;
        }
        dst.set(JAVA_BYTE, block + QH + b, (byte) qh);
        for (int l = 0; l < 4; l++) {
            dst.set(JAVA_BYTE, block + SIGNS + 4 * stored + l, (byte) s.signs[l]);
        }
    }

    @Override
    void storeScales(MemorySegment dst, long block, float id, float[] scales) {
        storeScaleNibbles(dst, block, SCALES, id, scales);
    }
}
