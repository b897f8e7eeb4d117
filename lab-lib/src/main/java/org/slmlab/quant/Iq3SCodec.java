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
 * block b (0..7) of 32 weights, group k (0..7) of 4 weights in it:
 *   point  = qs[8·b + k] | ((qh[b] &gt;&gt; k) &amp; 1) &lt;&lt; 8              9-bit index into iq3s_grid
 *   scale  = d · (1 + 2·((scales[b/2] &gt;&gt; 4·(b%2)) &amp; 0xF))
 *   weight 4·k + j = scale · iq3s_grid[point][j] · (bit 4·(k%2) + j of signs[4·b + k/2] ? −1 : +1)
 * </pre>
 *
 * The dot product pairs a super-block with a Q8_K activation block: integer sums per block of 32, weighted by
 * the odd block scales, then one float multiply by {@code d · d_activation}.
 *
 * <p>A quirk reproduced from ggml's quantizer: when a block of 32 is (near) zero it writes nothing for it and,
 * unlike for {@code qh}, does not advance its write positions in {@code qs} and {@code signs}, so the next
 * block's points and signs land in the zero block's place.
 */
public final class Iq3SCodec implements QuantCodec {

    private static final int QK = GgmlType.IQ3_S.blockSize();
    private static final int BLOCK_BYTES = GgmlType.IQ3_S.typeSize();
    private static final int QS = 2;
    private static final int QH = QS + QK / 4;
    private static final int SIGNS = QH + QK / 32;
    private static final int SCALES = SIGNS + QK / 8;
    private static final LatticeCodebook GRID = LatticeCodebook.IQ3_S;

    /** Built on the first quantize call: the neighbour tables take a moment. */
    private static final class Quantizer {
        // ggml skips a block only when its largest magnitude is exactly 0: every positive float passes
        static final GridQuantizer INSTANCE = new GridQuantizer(GRID, 32, 9, 0.2f, false, Float.MIN_VALUE,
                GridQuantizer.Refine.ALL_GROUPS_IF_ANY_OFF_GRID);
    }

    @Override
    public GgmlType type() {
        return GgmlType.IQ3_S;
    }

    @Override
    public GgmlType vecDotType() {
        return GgmlType.Q8_K;
    }

    /** The 9-bit codebook index of group {@code k} of block {@code b}. */
    private static int point(MemorySegment src, long block, int b, int k) {
        int low = src.get(JAVA_BYTE, block + QS + 8 * b + k) & 0xFF;
        int high = src.get(JAVA_BYTE, block + QH + b) >> k & 1;
        return low | high << 8;
    }

    /** The odd multiplier {@code 1 + 2·s} of block {@code b}'s 4-bit scale. */
    private static int blockScale(MemorySegment src, long block, int b) {
        int s = src.get(JAVA_BYTE, block + SCALES + b / 2) >> 4 * (b % 2) & 0xF;
        return 1 + 2 * s;
    }

    private static int signs(MemorySegment src, long block, int b, int l) {
        return src.get(JAVA_BYTE, block + SIGNS + 4 * b + l) & 0xFF;
    }

    @Override
    public void dequantizeScalar(MemorySegment src, long offset, float[] dst, int dstOffset, int n) {
        for (int i = 0; i < n / QK; i++) {
            long block = offset + (long) i * BLOCK_BYTES;
            float d = LittleEndian.fp16(src, block);
            for (int b = 0; b < QK / 32; b++) {
                float db = d * blockScale(src, block, b);
                for (int k = 0; k < 8; k++) {
                    int point = point(src, block, b, k);
                    int signs = signs(src, block, b, k / 2);
                    int y = dstOffset + i * QK + 32 * b + 4 * k;
                    for (int j = 0; j < 4; j++) {
                        boolean negative = IqSigns.negative(signs, 4 * (k % 2) + j);
                        dst[y + j] = db * GRID.coordinate(point, j) * (negative ? -1.f : 1.f);
                    }
                }
            }
        }
    }

    @Override
    public void dequantizeFast(MemorySegment src, long offset, float[] dst, int dstOffset, int n) {
        for (int i = 0; i < n / QK; i++) {
            long block = offset + (long) i * BLOCK_BYTES;
            float d = LittleEndian.fp16(src, block);
            for (int b = 0; b < QK / 32; b++) {
                float db = d * blockScale(src, block, b);
                for (int l = 0; l < 4; l++) {
                    LatticeVectors.dequantizePair4(GRID, point(src, block, b, 2 * l), point(src, block, b, 2 * l + 1),
                            db, signs(src, block, b, l), dst, dstOffset + i * QK + 32 * b + 8 * l);
                }
            }
        }
    }

    @Override
    public void quantize(float[] src, int srcOffset, MemorySegment dst, long dstOffset, int n, float[] importance) {
        GridQuantizer quantizer = Quantizer.INSTANCE;
        GridQuantizer.Scratch s = quantizer.scratch();
        float[] weight = new float[32];
        float[] scales = new float[QK / 32];
        for (int i = 0; i < n / QK; i++) {
            long block = dstOffset + (long) i * BLOCK_BYTES;
            dst.asSlice(block, BLOCK_BYTES).fill((byte) 0);
            int x = srcOffset + i * QK;
            float sumx2 = 0;
            for (int j = 0; j < QK; j++) {
                sumx2 += src[x + j] * src[x + j];
            }
            float sigma2 = 2 * sumx2 / QK;
            float maxScale = 0;
            int written = 0; // blocks whose points and signs are stored (see the class comment)
            for (int b = 0; b < QK / 32; b++) {
                int xb = x + 32 * b;
                for (int j = 0; j < 32; j++) {
                    float v = src[xb + j];
                    weight[j] = importance != null
                            ? importance[i * QK + 32 * b + j] * (float) Math.sqrt(sigma2 + v * v)
                            : v * v;
                }
                float scale = quantizer.quantizeBlock(src, xb, weight, s);
                if (scale < 0) {
                    scales[b] = 0;
                    continue;
                }
                int qh = 0;
                for (int k = 0; k < 8; k++) {
                    dst.set(JAVA_BYTE, block + QS + 8 * written + k, (byte) s.points[k]);
                    qh |= (s.points[k] >> 8) << k;
                }
                dst.set(JAVA_BYTE, block + QH + b, (byte) qh);
                for (int l = 0; l < 4; l++) {
                    dst.set(JAVA_BYTE, block + SIGNS + 4 * written + l, (byte) s.signs[l]);
                }
                written++;
                scales[b] = scale;
                maxScale = maxScale > scale ? maxScale : scale;
            }
            if (maxScale == 0) {
                continue;
            }
            float d = maxScale / 31;
            LittleEndian.putFp16(dst, block, d * 1.033f); // ggml's empirical fudge factor
            float id = 1 / d;
            for (int b = 0; b < QK / 32; b += 2) {
                int l1 = Math.clamp(Rounding.nearestInt(0.5f * (id * scales[b] - 1)), 0, 15);
                int l2 = Math.clamp(Rounding.nearestInt(0.5f * (id * scales[b + 1] - 1)), 0, 15);
                dst.set(JAVA_BYTE, block + SCALES + b / 2, (byte) (l1 | l2 << 4));
            }
        }
    }

    @Override
    public float dotScalar(MemorySegment w, long wOffset, MemorySegment act, long actOffset, int n) {
        float sum = 0;
        for (int i = 0; i < n / QK; i++) {
            long block = wOffset + (long) i * BLOCK_BYTES;
            long ab = actOffset + (long) i * Q8_KCodec.BLOCK_BYTES;
            float d = LittleEndian.fp16(w, block) * act.get(LittleEndian.FLOAT, ab);
            int bsum = 0;
            for (int b = 0; b < QK / 32; b++) {
                int sumi = 0;
                for (int k = 0; k < 8; k++) {
                    int point = point(w, block, b, k);
                    int signs = signs(w, block, b, k / 2);
                    long q8 = ab + Q8_KCodec.QS + 32 * b + 4 * k;
                    for (int j = 0; j < 4; j++) {
                        int sign = IqSigns.negative(signs, 4 * (k % 2) + j) ? -1 : 1;
                        sumi += GRID.coordinate(point, j) * act.get(JAVA_BYTE, q8 + j) * sign;
                    }
                }
                bsum += sumi * blockScale(w, block, b);
            }
            sum += d * bsum;
        }
        return sum;
    }

    @Override
    public float dotFast(MemorySegment w, long wOffset, MemorySegment act, long actOffset, int n) {
        float sum = 0;
        for (int i = 0; i < n / QK; i++) {
            long block = wOffset + (long) i * BLOCK_BYTES;
            long ab = actOffset + (long) i * Q8_KCodec.BLOCK_BYTES;
            float d = LittleEndian.fp16(w, block) * act.get(LittleEndian.FLOAT, ab);
            int bsum = 0;
            for (int b = 0; b < QK / 32; b++) {
                int sumi = 0;
                for (int l = 0; l < 4; l++) {
                    sumi += LatticeVectors.dotPair4(GRID, point(w, block, b, 2 * l), point(w, block, b, 2 * l + 1),
                            signs(w, block, b, l), act, ab + Q8_KCodec.QS + 32 * b + 8 * l);
                }
                bsum += sumi * blockScale(w, block, b);
            }
            sum += d * bsum;
        }
        return sum;
    }
}
