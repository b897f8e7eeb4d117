package org.slmlab.quant;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.lang.foreign.MemorySegment;
import org.slmlab.gguf.GgmlType;

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
    private static final int BLOCK_BYTES = GgmlType.IQ2_XS.typeSize();
    private static final int QS = 2;
    private static final int SCALES = QS + QK / 4;

    private static final class Quantizer {
        static final GridQuantizer INSTANCE = new GridQuantizer(LatticeCodebook.IQ2_XS, 16, 9, 0.1f, true, 1e-15f,
                false, GridQuantizer.Refine.OFF_GRID_GROUPS);
    }

    public Iq2XsCodec() {
        super(GgmlType.IQ2_XS, LatticeCodebook.IQ2_XS, 0.125f);
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
    float groupScale(MemorySegment src, long block, float d, int g) {
        return d * (0.5f + nibble(src, block, SCALES, g / 2)) * 0.25f;
    }

    @Override
    int groupMultiplier(MemorySegment src, long block, int g) {
        return 1 + 2 * nibble(src, block, SCALES, g / 2);
    }

    @Override
    public boolean requiresImportance() {
        return true;
    }

    @Override
    public void quantize(float[] src, int srcOffset, MemorySegment dst, long dstOffset, int n, float[] importance) {
        Importance.require(type(), importance, n);
        GridQuantizer quantizer = Quantizer.INSTANCE;
        GridQuantizer.Scratch s = quantizer.scratch();
        float[] weight = new float[16];
        float[] scales = new float[QK / 16];
        for (int i = 0; i < n / QK; i++) {
            long block = dstOffset + (long) i * BLOCK_BYTES;
            dst.asSlice(block, BLOCK_BYTES).fill((byte) 0);
            int x = srcOffset + i * QK;
            float sigma2 = sumOfSquares(src, x) / QK;
            float maxScale = 0;
            for (int h = 0; h < QK / 16; h++) {
                weights(src, x + 16 * h, importance, i * QK + 16 * h, sigma2, 0, weight, 16);
                float scale = quantizer.quantizeBlock(src, x + 16 * h, weight, s);
                if (scale < 0) {
                    scales[h] = 0;
                    continue;
                }
                for (int k = 0; k < 2; k++) {
                    dst.set(LittleEndian.SHORT, block + QS + 2L * (2 * h + k), (short) (s.points[k] | s.signs[k] << 9));
                }
                scales[h] = scale;
                maxScale = maxScale > scale ? maxScale : scale;
            }
            if (maxScale == 0) {
                dst.asSlice(block, BLOCK_BYTES).fill((byte) 0);
                continue;
            }
            float d = maxScale / 31;
            LittleEndian.putFp16(dst, block, d);
            float id = 1 / d;
            for (int h = 0; h < QK / 16; h += 2) {
                int codes = oddScaleCode(id, scales[h]) | oddScaleCode(id, scales[h + 1]) << 4;
                dst.set(JAVA_BYTE, block + SCALES + h / 2, (byte) codes);
            }
        }
    }
}
