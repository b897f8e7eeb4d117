package org.slmlab.quant;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.lang.foreign.MemorySegment;
import java.util.function.Supplier;
import org.slmlab.gguf.GgmlType;
import org.slmlab.gguf.LittleEndian;

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
abstract class SignedLatticeCodec extends BlockCodec {

    private static final int QK = 256;

    final LatticeCodebook grid;
    private final int blockBytes;
    /** ggml's final factor of the dot product (0.125 for IQ2, 0.25 for IQ3_XXS, 1 for IQ3_S). */
    private final float dotFactor;
    private final QuantizerSettings settings;
    private final Supplier<GridQuantizer> newQuantizer;
    /** The type's block search, built on the first quantize call: its lattice tables take a moment. */
    private GridQuantizer quantizer;

    SignedLatticeCodec(GgmlType type, LatticeCodebook grid, float dotFactor, QuantizerSettings settings,
            Supplier<GridQuantizer> newQuantizer) {
        super(type, GgmlType.Q8_K);
        this.grid = grid;
        this.blockBytes = type.typeSize();
        this.dotFactor = dotFactor;
        this.settings = settings;
        this.newQuantizer = newQuantizer;
        if (type.blockSize() != QK) {
            throw new IllegalArgumentException(type + " is not a 256-weight super-block type");
        }
    }

    /** The codebook index of point {@code p} (covering weights {@code dim·p ..}) of the super-block. */
    abstract int point(MemorySegment src, long block, int p);

    /** The 8 sign bits of group {@code g} (weights {@code 8g .. 8g+7}). */
    abstract int signs(MemorySegment src, long block, int g);

    /** The 4-bit scale code {@code s} of group {@code g}'s block: its multiplier is {@code 2s + 1}. */
    abstract int scaleCode(MemorySegment src, long block, int g);

    /**
     * The float scale of group {@code g}, from the super-block scale {@code d}, computed as ggml's dequantizers
     * do: {@code d · (0.5 + s) · 2·dotFactor}, that is {@code d · (2s + 1) · dotFactor} (IQ3_S writes it its own way).
     */
    float groupScale(MemorySegment src, long block, float d, int g) {
        return d * (0.5f + scaleCode(src, block, g)) * (2 * dotFactor);
    }

    /** The odd integer scale of group {@code g} that the dot product multiplies the group's integer sum by. */
    final int groupMultiplier(MemorySegment src, long block, int g) {
        return 2 * scaleCode(src, block, g) + 1;
    }

    /**
     * How a type's quantizer differs in ggml's super-block loop.
     *
     * @param sigmaFactor      the importance weights use {@code sigma2 = sigmaFactor · Σx² / 256}
     * @param noImatrixShare   without an imatrix a weight's importance is {@code share · sigma2 + x²}
     * @param fudge            ggml's empirical factor on the stored super-block scale
     * @param clearWhenAllZero whether a super-block whose block scales are all 0 is zeroed whole (as ggml does for
     *                         some types) rather than kept with the points already stored
     */
    record QuantizerSettings(float sigmaFactor, float noImatrixShare, float fudge, boolean clearWhenAllZero) {
    }

    private synchronized GridQuantizer quantizer() {
        if (quantizer == null) {
            quantizer = newQuantizer.get();
        }
        return quantizer;
    }

    /**
     * Stores block {@code b}'s points and signs from {@code s}; {@code stored} is how many blocks of this
     * super-block were stored before it (IQ3_S writes at that position, see its class comment).
     */
    abstract void storePoints(MemorySegment dst, long block, int b, int stored, GridQuantizer.Scratch s);

    /** Stores the blocks' 4-bit scale codes, from their scales and {@code id = 1/d}. */
    abstract void storeScales(MemorySegment dst, long block, float id, float[] scales);

    /**
     * ggml's super-block loop of {@code quantize_row_iq2_xxs/iq2_xs/iq2_s/iq3_xxs/iq3_s_impl}: each block's
     * search ({@link GridQuantizer}), then {@code d = max scale / 31} and each block scale as the odd multiple
     * {@code 2s + 1} of d nearest to it.
     */
    @Override
    public void quantize(float[] src, int srcOffset, MemorySegment dst, long dstOffset, int n, float[] importance) {
        if (requiresImportance()) {
            Importance.require(type(), importance, n);
        }
        GridQuantizer quantizer = quantizer();
        int blockSize = quantizer.blockSize();
        GridQuantizer.Scratch s = quantizer.scratch();
        float[] weight = new float[blockSize];
        float[] scales = new float[QK / blockSize];
        for (int i = 0; i < n / QK; i++) {
            long block = dstOffset + (long) i * blockBytes;
            dst.asSlice(block, blockBytes).fill((byte) 0);
            int x = srcOffset + i * QK;
            float sigma2 = settings.sigmaFactor() * sumOfSquares(src, x) / QK;
            float maxScale = 0;
            int stored = 0;
            for (int b = 0; b < QK / blockSize; b++) {
                int xb = x + blockSize * b;
                weights(src, xb, importance, i * QK + blockSize * b, sigma2, settings.noImatrixShare(), weight,
                        blockSize);
                float scale = quantizer.quantizeBlock(src, xb, weight, s);
                if (scale < 0) {
                    scales[b] = 0; // (near) zero block: ggml leaves its bytes zero
                    continue;
                }
                storePoints(dst, block, b, stored++, s);
                scales[b] = scale;
                maxScale = maxScale > scale ? maxScale : scale;
            }
            if (maxScale == 0) {
                if (settings.clearWhenAllZero()) {
                    dst.asSlice(block, blockBytes).fill((byte) 0);
                }
                continue;
            }
            float d = maxScale / 31;
            Fp16.write(dst, block, d * settings.fudge());
            storeScales(dst, block, 1 / d, scales);
        }
    }

    @Override
    public void dequantizeScalar(MemorySegment src, long offset, float[] dst, int dstOffset, int n) {
        int perGroup = 8 / grid.dim;
        for (int i = 0; i < n / QK; i++) {
            long block = offset + (long) i * blockBytes;
            float d = Fp16.read(src, block);
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
            float d = Fp16.read(src, block);
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
            float d = Fp16.read(w, block) * act.get(LittleEndian.FLOAT, ab);
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
            float d = Fp16.read(w, block) * act.get(LittleEndian.FLOAT, ab);
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

    /** Scale codes packed two per byte (IQ2_XS, IQ2_S, IQ3_S): block {@code b}'s in nibble {@code b} from {@code at}. */
    static void storeScaleNibbles(MemorySegment dst, long block, int at, float id, float[] scales) {
        for (int b = 0; b < scales.length; b += 2) {
            int codes = oddScaleCode(id, scales[b]) | oddScaleCode(id, scales[b + 1]) << 4;
            dst.set(JAVA_BYTE, block + at + b / 2, (byte) codes);
        }
    }

    /**
     * Scale codes in the top 4 bits of each block's uint32 of signs (IQ2_XXS, IQ3_XXS): block {@code b}'s word at
     * {@code at + stride·b}.
     */
    static void storeScalesAboveSigns(MemorySegment dst, long block, int at, int stride, float id, float[] scales) {
        for (int b = 0; b < scales.length; b++) {
            long word = block + at + (long) stride * b;
            dst.set(LittleEndian.INT, word, dst.get(LittleEndian.INT, word) | oddScaleCode(id, scales[b]) << 28);
        }
    }

    /** ORs {@code bits} into the byte at {@code at}. */
    static void orByte(MemorySegment dst, long at, int bits) {
        dst.set(JAVA_BYTE, at, (byte) (dst.get(JAVA_BYTE, at) | bits));
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
        return oddScaleCode(id, scale, 15);
    }

    /**
     * The code {@code s} in {@code 0 .. maxCode} of a block scale, {@code scale ≈ d · (2s + 1)}, given
     * {@code id = 1/d}: IQ1_S and IQ1_M store the same odd multiples in 3 bits.
     */
    static int oddScaleCode(float id, float scale, int maxCode) {
        return Math.clamp(Rounding.nearestInt(0.5f * (id * scale - 1)), 0, maxCode);
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
