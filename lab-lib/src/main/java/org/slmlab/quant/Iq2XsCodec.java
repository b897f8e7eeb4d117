package org.slmlab.quant;

import java.lang.foreign.MemorySegment;
import org.slmlab.gguf.GgmlType;
import org.slmlab.gguf.LittleEndian;

/**
 * IQ2_XS: 2.3125 bits a weight. Groups of 8 magnitudes are points of the 512-point {@link LatticeCodebook#IQ2_XS}
 * codebook; a group's 9-bit point and 7 sign bits (the 8th makes the count of negatives even, see
 * {@link IqSigns}) share one uint16; each block of 16 weights has a 4-bit scale. Its quantizer needs an
 * importance matrix.
 *
 * <pre>
 * block_iq2_xs (74 bytes):  d: fp16 | qs: uint16[32] | scales: uint8[8]
 * group g (0..31, weights 8g .. 8g+7):  point = qs[g] &amp; 511,  sign bits ksigns[qs[g] &gt;&gt; 9]
 * block h (0..15, weights 16h ..):      s = (scales[h/2] &gt;&gt; 4·(h%2)) &amp; 0xF,  scale = d · (0.5 + s) · 0.25
 * weight = scale · iq2xs_grid[point][j] · (sign bit ? −1 : +1)
 * </pre>
 */
public final class Iq2XsCodec extends SignedLatticeCodec {

    private static final int QK = GgmlType.IQ2_XS.blockSize();
    private static final int QS = 2;
    private static final int SCALES = QS + QK / 4;

    /** ggml's sigma2 factor, no-imatrix share, scale fudge factor, and zeroing of an all-zero super-block. */
    private static final QuantizerSettings SETTINGS = new QuantizerSettings(1f, 0f, 1f, true);

    public Iq2XsCodec() {
        super(GgmlType.IQ2_XS, LatticeCodebook.IQ2_XS, 0.125f, SETTINGS,
                () -> new GridQuantizer(LatticeCodebook.IQ2_XS, 16, 9, 0.1f, true, 1e-15f,
                        false, GridQuantizer.Refine.OFF_GRID_GROUPS));
    }

    private static int word(MemorySegment src, long block, int g) {
        return src.get(LittleEndian.SHORT, block + QS + 2L * g) & 0xFFFF;
    }

    @Override
    int point(MemorySegment src, long block, int g) {
        return word(src, block, g) & 511;
    }

    @Override
    int signs(MemorySegment src, long block, int g) {
        return IqSigns.fromSevenBits(word(src, block, g) >> 9);
    }

    @Override
    int scaleCode(MemorySegment src, long block, int g) {
        return nibble(src, block, SCALES, g / 2);
    }

    @Override
    public boolean requiresImportance() {
        return true;
    }

    @Override
    void storePoints(MemorySegment dst, long block, int h, int stored, GridQuantizer.Scratch s) {
        for (int k = 0; k < 2; k++) {
            dst.set(LittleEndian.SHORT, block + QS + 2L * (2 * h + k), (short) (s.points[k] | s.signs[k] << 9));
        }
    }

    @Override
    void storeScales(MemorySegment dst, long block, float id, float[] scales) {
        storeScaleNibbles(dst, block, SCALES, id, scales);
    }
}
