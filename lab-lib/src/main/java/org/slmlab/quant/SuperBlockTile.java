package org.slmlab.quant;

import static jdk.incubator.vector.VectorOperators.ADD;
import static jdk.incubator.vector.VectorOperators.B2F;
import static jdk.incubator.vector.VectorOperators.F2I;
import static org.slmlab.quant.Simd.B128;
import static org.slmlab.quant.Simd.F512;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.Arrays;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link QuantCodec#dotTile} for the k-quants (256-weight super-blocks times Q8_K activations), computed with
 * float fused multiply-adds but with ggml's exact integer sums per super-block.
 *
 * <p>Why floats: on this kind of CPU the Vector API's integer route costs about five operations per 32 weights
 * on one execution port (16-bit products, no {@code vpmaddwd} to add them in pairs, a 32-bit multiply by the
 * sub-block scale), while one float FMA does 16 multiply-adds. Why still exact: each weight is decoded to the
 * integer {@code sc·q} (its sub-block scale times its code) and each activation to its int8 value, both held
 * exactly in floats, so the FMAs add integers — exactly, as long as every lane's sum stays below 2²⁴, which
 * one super-block's 16 products per lane do (at most 16·128·32·127 ≈ 8.3·10⁶ for Q6_K). Only then is a
 * super-block's integer sum multiplied by {@code d·d_a}, in the order of ggml's scalar code, so the result is
 * the reference's bit for bit. Rounding the products in floats instead (multiplying the dequantized values) is
 * just as accurate on average, but it moves results off llama.cpp's by an ulp here and there, and an ulp is
 * enough to flip an activation's rounding to Q8_K in the next layer (GoldenParityTest saw it happen).
 *
 * <p>Two kernels share these sums. Generation (fewer than {@link #MIN_ACTS} activation rows) runs each codec's
 * {@link Decoder#dotRow}: it unpacks the codes straight into float lanes and multiplies them with activations
 * laid out once per call in the codec's lane order ({@link Q8_KLanes}), writing nothing in between — each weight
 * is used once, so a decoded copy would only cost stores and loads. Prompt processing decodes four weight rows at
 * a time into a float scratch (4·n floats, in L1 cache) and multiplies them with every activation row — one
 * activation load feeds four FMAs, and the four accumulators hide the FMA latency.
 */
final class SuperBlockTile {

    private static final int QK = KBlocks.QK_K;
    private static final int ROWS = 4;
    /**
     * From this many activation rows on, decoding a weight row once into floats for all of them beats reading
     * each (row, activation) pair straight from the packed blocks.
     */
    static final int MIN_ACTS = 4;
    private static final VectorSpecies<Integer> I256 = IntVector.SPECIES_256;

    /** How a k-quant gives its super-blocks to the tile kernel. */
    interface Decoder extends QuantCodec {

        /** True for the formats with sub-block mins ({@code w = d·sc·q - dmin·m}). */
        boolean hasMins();

        /**
         * Writes the 256 integer weights {@code sc·q} of the super-block at {@code x} into {@code ints[at..]};
         * stores {@code d} (and {@code dmin}) into {@code scales[2k]} ({@code scales[2k + 1]}) and, for formats
         * with mins, the eight integer mins into {@code mins[8k..8k+7]}. {@code scratch} holds 16 floats.
         */
        void decodeIntegers(MemorySegment w, long x, float[] ints, int at, float[] scales, int[] mins, int k,
                            float[] scratch);

        /** How {@link #dotRow} wants the activations laid out. */
        Q8_KLanes.Order laneOrder();

        /**
         * The dot product of the weight row at {@code row} with activation row {@code t} of {@code a}, computed
         * straight from the packed blocks — generation's kernel, where each weight is used once.
         */
        float dotRow(MemorySegment w, long row, Q8_KLanes a, int t);

        @Override
        default float dotFast(MemorySegment w, long wOffset, MemorySegment act, long actOffset, int n) {
            return dotRow(w, wOffset, new Q8_KLanes(laneOrder(), act, actOffset, 0, 1, n), 0);
        }

        @Override
        default void dotTile(MemorySegment w, long wOffset, long wRowBytes, int rows,
                             MemorySegment act, long actOffset, long actRowBytes, int acts,
                             int n, float[] out, int outOffset, int outStride) {
            if (!Simd.FAST) {
                QuantCodec.super.dotTile(w, wOffset, wRowBytes, rows, act, actOffset, actRowBytes, acts, n, out,
                        outOffset, outStride);
            } else if (acts < MIN_ACTS) {
                Q8_KLanes a = new Q8_KLanes(laneOrder(), act, actOffset, actRowBytes, acts, n);
                for (int t = 0; t < acts; t++) {
                    for (int r = 0; r < rows; r++) {
                        out[outOffset + t * outStride + r] = dotRow(w, wOffset + r * wRowBytes, a, t);
                    }
                }
            } else {
                multiply(this, w, wOffset, wRowBytes, rows, act, actOffset, actRowBytes, acts, n, out, outOffset,
                        outStride);
            }
        }
    }

    private SuperBlockTile() {
    }

    static void multiply(Decoder codec, MemorySegment w, long wOffset, long wRowBytes, int rows,
                         MemorySegment act, long actOffset, long actRowBytes, int acts,
                         int n, float[] out, int outOffset, int outStride) {
        int blocks = n / QK;
        int bytes = codec.type().typeSize();
        boolean hasMins = codec.hasMins();
        Activations a = new Activations(act, actOffset, actRowBytes, acts, n, hasMins);
        float[] ints = new float[ROWS * n];
        float[] scales = new float[ROWS * blocks * 2];
        int[] mins = hasMins ? new int[ROWS * blocks * 8] : null;
        float[] sums = new float[ROWS];
        float[] scratch = new float[16];
        for (int r = 0; r < rows; r += ROWS) {
            int group = Math.min(ROWS, rows - r);
            for (int i = 0; i < ROWS; i++) {
                if (i < group) {
                    long row = wOffset + (r + i) * wRowBytes;
                    for (int b = 0; b < blocks; b++) {
                        codec.decodeIntegers(w, row + (long) b * bytes, ints, i * n + b * QK, scales, mins,
                                i * blocks + b, scratch);
                    }
                } else { // a last group of fewer rows: the missing ones multiply as zeros
                    Arrays.fill(ints, i * n, (i + 1) * n, 0);
                    Arrays.fill(scales, i * blocks * 2, (i + 1) * blocks * 2, 0);
                }
            }
            for (int t = 0; t < acts; t++) {
                fourRows(ints, scales, mins, blocks, a, t, sums);
                for (int i = 0; i < group; i++) {
                    out[outOffset + t * outStride + r + i] = sums[i];
                }
            }
        }
    }

    /** The Q8_K activation rows as the kernel reads them: int8 values as floats, scales, and block-sum pairs. */
    private static final class Activations {
        final float[] values;
        final float[] d;
        /** {@code bsums[2j] + bsums[2j+1]}: the sum of the 32 activations under min {@code j}. */
        final int[] pairSums;
        final int n;

        Activations(MemorySegment act, long actOffset, long actRowBytes, int acts, int n, boolean hasMins) {
            int blocks = n / QK;
            this.n = n;
            values = new float[acts * n];
            d = new float[acts * blocks];
            pairSums = hasMins ? new int[acts * blocks * 8] : null;
            for (int t = 0; t < acts; t++) {
                for (int b = 0; b < blocks; b++) {
                    long x = actOffset + t * actRowBytes + (long) b * Q8_KCodec.BLOCK_BYTES;
                    int at = t * n + b * QK;
                    for (int i = 0; i < QK; i += F512.length()) {
                        ((FloatVector) ByteVector.fromMemorySegment(B128, act, x + Q8_KCodec.QS + i,
                                ByteOrder.LITTLE_ENDIAN).convertShape(B2F, F512, 0)).intoArray(values, at + i);
                    }
                    d[t * blocks + b] = KBlocks.q8kScale(act, x);
                    if (hasMins) {
                        for (int j = 0; j < 8; j++) {
                            pairSums[(t * blocks + b) * 8 + j] = KBlocks.q8kBlockSum(act, x, 2 * j)
                                    + KBlocks.q8kBlockSum(act, x, 2 * j + 1);
                        }
                    }
                }
            }
        }
    }

    /**
     * The four decoded rows times activation row {@code t} into {@code sums[0..3]}: per super-block, the exact
     * integer sum {@code Σ sc·q·a} in float lanes, made an int and added up, then combined in ggml's (and the
     * scalar reference's) order: {@code sum += d·d_a·Σ sc·q·a − dmin·d_a·Σ m·Σa}.
     */
    private static void fourRows(float[] ints, float[] scales, int[] mins, int blocks, Activations a, int t,
                                 float[] sums) {
        int n = a.n;
        float[] x = a.values;
        float r0 = 0;
        float r1 = 0;
        float r2 = 0;
        float r3 = 0;
        for (int b = 0; b < blocks; b++) {
            FloatVector s0 = FloatVector.zero(F512);
            FloatVector s1 = s0;
            FloatVector s2 = s0;
            FloatVector s3 = s0;
            int base = b * QK;
            for (int i = base; i < base + QK; i += F512.length()) {
                FloatVector v = FloatVector.fromArray(F512, x, t * n + i);
                s0 = FloatVector.fromArray(F512, ints, i).fma(v, s0);
                s1 = FloatVector.fromArray(F512, ints, n + i).fma(v, s1);
                s2 = FloatVector.fromArray(F512, ints, 2 * n + i).fma(v, s2);
                s3 = FloatVector.fromArray(F512, ints, 3 * n + i).fma(v, s3);
            }
            float da = a.d[t * blocks + b];
            int p = (t * blocks + b) * 8;
            r0 += combine(s0, scales, 2 * b, da, mins, b * 8, a.pairSums, p);
            r1 += combine(s1, scales, 2 * (blocks + b), da, mins, (blocks + b) * 8, a.pairSums, p);
            r2 += combine(s2, scales, 2 * (2 * blocks + b), da, mins, (2 * blocks + b) * 8, a.pairSums, p);
            r3 += combine(s3, scales, 2 * (3 * blocks + b), da, mins, (3 * blocks + b) * 8, a.pairSums, p);
        }
        sums[0] = r0;
        sums[1] = r1;
        sums[2] = r2;
        sums[3] = r3;
    }

    /**
     * One super-block's result from its lanes of exact integer sums: {@code d·d_a·Σ − dmin·d_a·Σ m·Σa}. The lanes
     * become ints before they are added, so the sum stays exact whatever its size.
     */
    private static float combine(FloatVector lanes, float[] scales, int s, float da, int[] mins, int m,
                                 int[] pairSums, int p) {
        int sum = ((IntVector) lanes.convert(F2I, 0)).reduceLanes(ADD);
        int minSum = mins == null ? 0 : minSum(mins, m, pairSums, p);
        return scales[s] * da * sum - scales[s + 1] * da * minSum;
    }

    /** {@code Σ_j m[j]·Σa_j} over one super-block's eight mins (an exact integer, as in ggml). */
    private static int minSum(int[] mins, int at, int[] pairSums, int p) {
        return IntVector.fromArray(I256, mins, at).mul(IntVector.fromArray(I256, pairSums, p)).reduceLanes(ADD);
    }
}
