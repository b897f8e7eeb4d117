package org.slmlab.quant;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.lang.foreign.MemorySegment;
import org.slmlab.gguf.GgmlType;
import org.slmlab.gguf.LittleEndian;

/**
 * IQ3_XXS: 3.0625 bits a weight. Groups of 4 magnitudes are points of the 256-point
 * {@link LatticeCodebook#IQ3_XXS} codebook (one byte each); signs are stored 7 per 8 weights (the 8th makes the
 * count of negatives even, see {@link IqSigns}); each block of 32 weights has a 4-bit scale.
 *
 * <pre>
 * block_iq3_xxs (98 bytes):  d: fp16 | qs: uint8[64] | scales_and_signs: uint32[8]
 * point p (0..63, weights 4p .. 4p+3) = qs[p]
 * block b (0..7, weights 32b ..):  a = scales_and_signs[b]
 *   group b·4 + l (l = 0..3) has sign bits ksigns[(a &gt;&gt; 7l) &amp; 127]
 *   scale = d · (0.5 + (a &gt;&gt; 28)) · 0.5
 * weight = scale · iq3xxs_grid[point][j] · (sign bit ? −1 : +1)
 * </pre>
 */
public final class Iq3XxsCodec extends SignedLatticeCodec {

    private static final int QK = GgmlType.IQ3_XXS.blockSize();
    private static final int QS = 2;
    private static final int SCALES_AND_SIGNS = QS + QK / 4;

    /** ggml's sigma2 factor, no-imatrix share, scale fudge factor, and zeroing of an all-zero super-block. */
    private static final QuantizerSettings SETTINGS = new QuantizerSettings(2f, 0f, 1.0125f, true);

    public Iq3XxsCodec() {
        super(GgmlType.IQ3_XXS, LatticeCodebook.IQ3_XXS, 0.25f, SETTINGS,
                () -> new GridQuantizer(LatticeCodebook.IQ3_XXS, 32, 15, 0.2f, true, 1e-8f,
                        false, GridQuantizer.Refine.OFF_GRID_GROUPS));
    }

    private static int scaleAndSigns(MemorySegment src, long block, int g) {
        return src.get(LittleEndian.INT, block + SCALES_AND_SIGNS + 4 * (g / 4));
    }

    @Override
    int point(MemorySegment src, long block, int p) {
        return u8(src, block, QS + p);
    }

    @Override
    int signs(MemorySegment src, long block, int g) {
        return IqSigns.fromSevenBits(scaleAndSigns(src, block, g) >>> 7 * (g % 4) & 127);
    }

    @Override
    int scaleCode(MemorySegment src, long block, int g) {
        return scaleAndSigns(src, block, g) >>> 28;
    }

    @Override
    void storePoints(MemorySegment dst, long block, int b, int stored, GridQuantizer.Scratch s) {
        for (int k = 0; k < 8; k++) {
            dst.set(JAVA_BYTE, block + QS + 8 * b + k, (byte) s.points[k]);
        }
        int signs = s.signs[0] | s.signs[1] << 7 | s.signs[2] << 14 | s.signs[3] << 21;
        dst.set(LittleEndian.INT, block + SCALES_AND_SIGNS + 4 * b, signs);
    }

    @Override
    void storeScales(MemorySegment dst, long block, float id, float[] scales) {
        storeScalesAboveSigns(dst, block, SCALES_AND_SIGNS, 4, id, scales);
    }
}
