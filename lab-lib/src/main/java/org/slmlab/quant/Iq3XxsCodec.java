package org.slmlab.quant;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.lang.foreign.MemorySegment;
import org.slmlab.gguf.GgmlType;

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
    private static final int BLOCK_BYTES = GgmlType.IQ3_XXS.typeSize();
    private static final int QS = 2;
    private static final int SCALES_AND_SIGNS = QS + QK / 4;

    private static final class Quantizer {
        static final GridQuantizer INSTANCE = new GridQuantizer(LatticeCodebook.IQ3_XXS, 32, 15, 0.2f, true, 1e-8f,
                false, GridQuantizer.Refine.OFF_GRID_GROUPS);
    }

    public Iq3XxsCodec() {
        super(GgmlType.IQ3_XXS, LatticeCodebook.IQ3_XXS, 0.25f);
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
    float groupScale(MemorySegment src, long block, float d, int g) {
        return d * (0.5f + (scaleAndSigns(src, block, g) >>> 28)) * 0.5f;
    }

    @Override
    int groupMultiplier(MemorySegment src, long block, int g) {
        return 2 * (scaleAndSigns(src, block, g) >>> 28) + 1;
    }

    @Override
    public void quantize(float[] src, int srcOffset, MemorySegment dst, long dstOffset, int n, float[] importance) {
        GridQuantizer quantizer = Quantizer.INSTANCE;
        GridQuantizer.Scratch s = quantizer.scratch();
        float[] weight = new float[32];
        float[] scales = new float[QK / 32];
        int[] scalesAndSigns = new int[QK / 32];
        for (int i = 0; i < n / QK; i++) {
            long block = dstOffset + (long) i * BLOCK_BYTES;
            dst.asSlice(block, BLOCK_BYTES).fill((byte) 0);
            int x = srcOffset + i * QK;
            float sigma2 = 2 * sumOfSquares(src, x) / QK;
            float maxScale = 0;
            for (int b = 0; b < QK / 32; b++) {
                weights(src, x + 32 * b, importance, i * QK + 32 * b, sigma2, 0, weight, 32);
                float scale = quantizer.quantizeBlock(src, x + 32 * b, weight, s);
                scalesAndSigns[b] = 0;
                if (scale < 0) {
                    scales[b] = 0;
                    continue;
                }
                for (int k = 0; k < 8; k++) {
                    dst.set(JAVA_BYTE, block + QS + 8 * b + k, (byte) s.points[k]);
                }
                scalesAndSigns[b] = s.signs[0] | s.signs[1] << 7 | s.signs[2] << 14 | s.signs[3] << 21;
                scales[b] = scale;
                maxScale = maxScale > scale ? maxScale : scale;
            }
            if (maxScale == 0) {
                dst.asSlice(block, BLOCK_BYTES).fill((byte) 0);
                continue;
            }
            float d = maxScale / 31;
            LittleEndian.putFp16(dst, block, d * 1.0125f); // ggml's empirical fudge factor
            float id = 1 / d;
            for (int b = 0; b < QK / 32; b++) {
                int word = scalesAndSigns[b] | oddScaleCode(id, scales[b]) << 28;
                dst.set(LittleEndian.INT, block + SCALES_AND_SIGNS + 4 * b, word);
            }
        }
    }
}
