package org.slmlab.quant;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.lang.foreign.MemorySegment;
import org.slmlab.gguf.GgmlType;

/**
 * What IQ2_XXS, IQ2_XS, IQ2_S, IQ3_XXS and IQ3_S have in common: a super-block of 256 weights with one fp16 scale
 * {@code d} at its start, split into 32 groups of 8 weights; each group is stored as its sign bits and as one
 * 8-coordinate (or two 4-coordinate) points of a {@link LatticeCodebook}, and has a small integer scale:
 *
 * <pre>
 * weight j of group g = groupScale(g) · grid[point][j] · (sign bit j of group g ? −1 : +1)
 * </pre>
 *
 * The subclasses say where a group's point, signs and scale are in their block layout; this class turns that
 * into dequantization and the dot product with a Q8_K activation, each as a scalar reference and a Vector API
 * fast path. The dot product follows ggml's {@code vec_dot_iq*_q8_K}: per super-block the integer sum
 * Σ multiplier(g) · Σ_j grid·sign·q8, then {@code d · d_act ·} that sum added to a float total, which is finally
 * scaled by a per-type constant (the multiplier is an odd integer {@code 2s + 1}; the constant undoes the
 * factor ggml leaves out of it).
 */
abstract class SignedLatticeCodec implements QuantCodec {

    private static final int QK = 256;

    private final GgmlType type;
    final LatticeCodebook grid;
    private final int blockBytes;
    /** ggml's final factor of the dot product (0.125 for IQ2, 0.25 for IQ3_XXS, 1 for IQ3_S). */
    private final float dotFactor;

    SignedLatticeCodec(GgmlType type, LatticeCodebook grid, float dotFactor) {
        this.type = type;
        this.grid = grid;
        this.blockBytes = type.typeSize();
        this.dotFactor = dotFactor;
        if (type.blockSize() != QK) {
            throw new IllegalArgumentException(type + " is not a 256-weight super-block type");
        }
    }

    /** The codebook index of point {@code p} (covering weights {@code dim·p ..}) of the super-block. */
    abstract int point(MemorySegment src, long block, int p);

    /** The 8 sign bits of group {@code g} (weights {@code 8g .. 8g+7}). */
    abstract int signs(MemorySegment src, long block, int g);

    /** The float scale of group {@code g}, from the super-block scale {@code d}, computed as ggml does. */
    abstract float groupScale(MemorySegment src, long block, float d, int g);

    /** The odd integer scale of group {@code g} that the dot product multiplies the group's integer sum by. */
    abstract int groupMultiplier(MemorySegment src, long block, int g);

    @Override
    public final GgmlType type() {
        return type;
    }

    @Override
    public final GgmlType vecDotType() {
        return GgmlType.Q8_K;
    }

    @Override
    public void dequantizeScalar(MemorySegment src, long offset, float[] dst, int dstOffset, int n) {
        int perGroup = 8 / grid.dim;
        for (int i = 0; i < n / QK; i++) {
            long block = offset + (long) i * blockBytes;
            float d = LittleEndian.fp16(src, block);
            for (int g = 0; g < QK / 8; g++) {
                float db = groupScale(src, block, d, g);
                int signs = signs(src, block, g);
                for (int p = 0; p < perGroup; p++) {
                    int point = point(src, block, perGroup * g + p);
                    for (int j = 0; j < grid.dim; j++) {
                        boolean negative = IqSigns.negative(signs, grid.dim * p + j);
                        dst[dstOffset + i * QK + 8 * g + grid.dim * p + j] =
                                db * grid.coordinate(point, j) * (negative ? -1.f : 1.f);
                    }
                }
            }
        }
    }

    @Override
    public void dequantizeFast(MemorySegment src, long offset, float[] dst, int dstOffset, int n) {
        for (int i = 0; i < n / QK; i++) {
            long block = offset + (long) i * blockBytes;
            float d = LittleEndian.fp16(src, block);
            for (int g = 0; g < QK / 8; g++) {
                float db = groupScale(src, block, d, g);
                int y = dstOffset + i * QK + 8 * g;
                if (grid.dim == 8) {
                    LatticeVectors.dequantize8(grid, point(src, block, g), db, signs(src, block, g), dst, y);
                } else {
                    LatticeVectors.dequantizePair4(grid, point(src, block, 2 * g), point(src, block, 2 * g + 1), db,
                            signs(src, block, g), dst, y);
                }
            }
        }
    }

    @Override
    public float dotScalar(MemorySegment w, long wOffset, MemorySegment act, long actOffset, int n) {
        int perGroup = 8 / grid.dim;
        float sum = 0;
        for (int i = 0; i < n / QK; i++) {
            long block = wOffset + (long) i * blockBytes;
            long ab = actOffset + (long) i * Q8_KCodec.BLOCK_BYTES;
            float d = LittleEndian.fp16(w, block) * act.get(LittleEndian.FLOAT, ab);
            int bsum = 0;
            for (int g = 0; g < QK / 8; g++) {
                int signs = signs(w, block, g);
                int sumi = 0;
                for (int p = 0; p < perGroup; p++) {
                    int point = point(w, block, perGroup * g + p);
                    for (int j = 0; j < grid.dim; j++) {
                        int k = grid.dim * p + j;
                        int q8 = act.get(JAVA_BYTE, ab + Q8_KCodec.QS + 8 * g + k);
                        sumi += grid.coordinate(point, j) * q8 * (IqSigns.negative(signs, k) ? -1 : 1);
                    }
                }
                bsum += sumi * groupMultiplier(w, block, g);
            }
            sum += d * bsum;
        }
        return dotFactor * sum;
    }

    @Override
    public float dotFast(MemorySegment w, long wOffset, MemorySegment act, long actOffset, int n) {
        float sum = 0;
        for (int i = 0; i < n / QK; i++) {
            long block = wOffset + (long) i * blockBytes;
            long ab = actOffset + (long) i * Q8_KCodec.BLOCK_BYTES;
            float d = LittleEndian.fp16(w, block) * act.get(LittleEndian.FLOAT, ab);
            int bsum = 0;
            for (int g = 0; g < QK / 8; g++) {
                long q8 = ab + Q8_KCodec.QS + 8 * g;
                int sumi = grid.dim == 8
                        ? LatticeVectors.dot8(grid, point(w, block, g), signs(w, block, g), act, q8)
                        : LatticeVectors.dotPair4(grid, point(w, block, 2 * g), point(w, block, 2 * g + 1),
                                signs(w, block, g), act, q8);
                bsum += sumi * groupMultiplier(w, block, g);
            }
            sum += d * bsum;
        }
        return dotFactor * sum;
    }

    /** Unsigned byte {@code at} of the block. */
    static int u8(MemorySegment src, long block, int at) {
        return src.get(JAVA_BYTE, block + at) & 0xFF;
    }

    /** Nibble {@code index} of the nibble array at byte {@code at}: low nibbles hold even indices. */
    static int nibble(MemorySegment src, long block, int at, int index) {
        return u8(src, block, at + index / 2) >> 4 * (index % 2) & 0xF;
    }

    /**
     * ggml's importance weights of {@code count} weights at {@code x[xOff]}: with an imatrix,
     * {@code importance · sqrt(sigma2 + x²)}; without, {@code share · sigma2 + x²} (share is 0 for most types).
     */
    static void weights(float[] x, int xOff, float[] importance, int impOff, float sigma2, float share,
            float[] weight, int count) {
        for (int j = 0; j < count; j++) {
            float v = x[xOff + j];
            weight[j] = importance != null
                    ? importance[impOff + j] * (float) Math.sqrt(sigma2 + v * v)
                    : share * sigma2 + v * v;
        }
    }

    /** The 4-bit code {@code s} of a block scale, {@code scale ≈ d · (2s + 1)}, given {@code id = 1/d}. */
    static int oddScaleCode(float id, float scale) {
        return Math.clamp(Rounding.nearestInt(0.5f * (id * scale - 1)), 0, 15);
    }

    /** Σ x² over the super-block at {@code x[xOff]}, summed in order as the quantizers' weights need it. */
    static float sumOfSquares(float[] x, int xOff) {
        float sumx2 = 0;
        for (int i = 0; i < QK; i++) {
            sumx2 += x[xOff + i] * x[xOff + i];
        }
        return sumx2;
    }
}
