package org.slmlab.quant;

import java.lang.foreign.MemorySegment;
import org.slmlab.gguf.GgmlType;
import org.slmlab.gguf.LittleEndian;

/**
 * IQ2_XXS: 2.0625 bits a weight. Groups of 8 magnitudes are points of the 256-point
 * {@link LatticeCodebook#IQ2_XXS} codebook (one byte each); signs are stored 7 per 8 weights (the 8th makes the
 * count of negatives even, see {@link IqSigns}); each block of 32 weights has a 4-bit scale. Its quantizer
 * needs an importance matrix.
 *
 * <pre>
 * block_iq2_xxs (66 bytes):  d: fp16 | 8 × { points: uint8[4] | a: uint32 }     one pair per block of 32
 * block b (0..7, weights 32b ..), group 4b + l (l = 0..3):
 *   point = points[l],  sign bits ksigns[(a &gt;&gt; 7l) &amp; 127]
 *   scale = d · (0.5 + (a &gt;&gt; 28)) · 0.25
 * weight = scale · iq2xxs_grid[point][j] · (sign bit ? −1 : +1)
 * </pre>
 */
public final class Iq2XxsCodec extends SignedLatticeCodec {

    private static final int QS = 2;
    /** Bytes per block of 32: 4 point bytes, then the uint32 of signs and scale. */
    private static final int PAIR = 8;

    /** ggml's sigma2 factor, no-imatrix share, scale fudge factor, and zeroing of an all-zero super-block. */
    private static final QuantizerSettings SETTINGS = new QuantizerSettings(1f, 0f, 1f, true);

    public Iq2XxsCodec() {
        super(GgmlType.IQ2_XXS, LatticeCodebook.IQ2_XXS, 0.125f, SETTINGS,
                () -> new GridQuantizer(LatticeCodebook.IQ2_XXS, 32, 6, 0.1f, true, 1e-15f,
                        true, GridQuantizer.Refine.ALL_GROUPS));
    }

    private static int signsAndScale(MemorySegment src, long block, int g) {
        return src.get(LittleEndian.INT, block + QS + PAIR * (g / 4) + 4);
    }

    @Override
    int point(MemorySegment src, long block, int g) {
        return u8(src, block, QS + PAIR * (g / 4) + g % 4);
    }

    @Override
    int signs(MemorySegment src, long block, int g) {
        return IqSigns.fromSevenBits(signsAndScale(src, block, g) >>> 7 * (g % 4) & 127);
    }

    @Override
    int scaleCode(MemorySegment src, long block, int g) {
        return signsAndScale(src, block, g) >>> 28;
    }

    @Override
    public boolean requiresImportance() {
        return true;
    }

    @Override
    void storePoints(MemorySegment dst, long block, int b, int stored, GridQuantizer.Scratch s) {
        int points = 0;
        int signs = 0;
        for (int k = 0; k < 4; k++) {
            points |= s.points[k] << 8 * k;
            signs |= s.signs[k] << 7 * k;
        }
        dst.set(LittleEndian.INT, block + QS + PAIR * b, points);
        dst.set(LittleEndian.INT, block + QS + PAIR * b + 4, signs);
    }

    @Override
    void storeScales(MemorySegment dst, long block, float id, float[] scales) {
        storeScalesAboveSigns(dst, block, QS + 4, PAIR, id, scales);
    }
}
