package org.slmlab.quant;

import static jdk.incubator.vector.VectorOperators.F2I;
import static jdk.incubator.vector.VectorOperators.I2F;
import static org.slmlab.quant.Simd.F512;
import static org.slmlab.quant.Simd.I512;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;

/**
 * {@link QuantCodec#dotTile} for the k-quants (256-weight super-blocks times Q8_K activations), computed with
 * float fused multiply-adds but with ggml's exact integer sums per super-block.
 *
 * <p>Why floats: on this kind of CPU the Vector API's integer route costs about five operations per 32 weights
 * on one execution port (16-bit products, no {@code vpmaddwd} to add them in pairs, a 32-bit multiply by the
 * sub-block scale), while one float FMA does 16 multiply-adds. Why still exact: each weight is decoded to the
 * integer {@code sc·q} (its sub-block scale times its code) and each activation to its int8 value, both held
 * exactly in floats, so the FMAs add integers — exactly, as long as every lane's sum stays below 2²⁴ (each
 * kernel says why its sums do); the lanes become ints before they are added up. Only then is a
 * super-block's integer sum multiplied by {@code d·d_a}, in the order of ggml's scalar code, so the result is
 * the reference's bit for bit. Rounding the products in floats instead (multiplying the dequantized values) is
 * just as accurate on average, but it moves results off llama.cpp's by an ulp here and there, and an ulp is
 * enough to flip an activation's rounding to Q8_K in the next layer (GoldenParityTest saw it happen).
 *
 * <p>Two kernels share these sums. Generation (fewer than {@link #MIN_ACTS} activation rows) runs each codec's
 * {@link Decoder#dotRow}: it unpacks the codes straight into float lanes and multiplies them with activations
 * laid out once per matrix product in the codec's lane order ({@link Q8_KLanes}), writing nothing in between —
 * each weight is used once, so a decoded copy would only cost stores and loads. Prompt processing decodes four
 * weight rows at a time into a float scratch of integers {@code sc·q} (4·n floats) and multiplies them with blocks
 * of 32 tokens held in the lanes ({@link Q8_KTokens}): one activation load feeds four FMAs (one per row), and
 * every lane is one (row, token) sum, scaled lane by lane without any reduction across lanes.
 */
final class SuperBlockTile {

    private static final int QK = KBlocks.QK_K;
    private static final int ROWS = 4;
    /**
     * From this many activation rows on, decoding a weight row once into floats for a block of 32 tokens beats
     * reading each (row, activation) pair straight from the packed blocks. Measured per token on 256 x 4096 Q4_K
     * and Q6_K slices: 0.089 ms with {@code dotRow} at any count, the tile 0.40 ms at 4 tokens, 0.20 at 8, 0.074
     * at 16 (its cost hardly depends on how many of the 32 lanes are used).
     */
    static final int MIN_ACTS = 16;
    private static final int TOKENS = Q8_KTokens.TOKENS;
    /** Floats per vector: a token block is two vectors wide. */
    private static final int LANES = F512.length();
    /**
     * Weights added up in float lanes before the lanes move to ints: 32 products of at most 4096·127 (Q6_K's
     * largest {@code sc·q} times an int8) stay below 2²⁴, so every float partial sum is an exact integer.
     */
    private static final int RUN = 32;

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
        default void dotTile(MemorySegment w, long wOffset, long wRowBytes, int rows, ActivationBatch act,
                             float[] out, int outOffset, int outStride) {
            int acts = act.count();
            if (!Simd.FAST) {
                dotPairs(w, wOffset, wRowBytes, rows, act, out, outOffset, outStride);
            } else if (acts < MIN_ACTS) {
                Q8_KLanes a = act.lanes(laneOrder());
                for (int t = 0; t < acts; t++) {
                    for (int r = 0; r < rows; r++) {
                        out[outOffset + t * outStride + r] = dotRow(w, wOffset + r * wRowBytes, a, t);
                    }
                }
            } else {
                multiply(this, w, wOffset, wRowBytes, rows, act.tokens(), acts, act.n(), out, outOffset, outStride);
            }
        }
    }

    private SuperBlockTile() {
    }

    static void multiply(Decoder codec, MemorySegment w, long wOffset, long wRowBytes, int rows,
                         Q8_KTokens a, int acts, int n, float[] out, int outOffset, int outStride) {
        int blocks = n / QK;
        int bytes = codec.type().typeSize();
        float[] ints = new float[ROWS * n];
        float[] scales = new float[ROWS * blocks * 2];
        int[] mins = codec.hasMins() ? new int[ROWS * blocks * 8] : null;
        float[] sums = new float[ROWS * TOKENS];
        int[] sumQA = new int[ROWS * TOKENS];
        float[] term = new float[TOKENS];
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
            for (int tb = 0; tb < a.tokenBlocks; tb++) {
                fourRows(ints, scales, mins, n, a, tb, sums, sumQA, term);
                for (int t = TOKENS * tb; t < Math.min(acts, TOKENS * (tb + 1)); t++) {
                    for (int i = 0; i < group; i++) {
                        out[outOffset + t * outStride + r + i] = sums[i * TOKENS + t % TOKENS];
                    }
                }
            }
        }
    }

    /**
     * The four decoded rows times token block {@code tb} into {@code sums} (row {@code i}'s 32 tokens at
     * {@code 32i}). Per super-block, each row's weights are broadcast one by one and multiplied with the 32 tokens'
     * activations; every {@link #RUN} weights the float lanes are moved into int lanes, which keep the
     * super-block's sums exact whatever their size. Then, lane by lane, the scalar reference's
     * {@code sum += d·d_a·Σ sc·q·a − dmin·d_a·Σ m·Σa}, each product in its order. The min term
     * {@code Σ_j m[j]·Σa_j} is at most 8·63·32·128 ≈ 2·10⁶, exact in floats whatever the order of its FMAs.
     *
     * <p>The per-row epilogue goes through the small arrays {@code sums}, {@code sumQA} and {@code term} rather
     * than a helper method taking and returning vectors (when C2 declines to inline such a helper — this method is
     * large — every vector crossing the call becomes an object on the heap), and the optional min term leaves its
     * result in {@code term} rather than in a vector variable assigned on one branch only: the Q4_K tile ran at
     * half Q6_K's speed that way.
     */
    private static void fourRows(float[] ints, float[] scales, int[] mins, int n, Q8_KTokens a, int tb,
                                 float[] sums, int[] sumQA, float[] term) {
        int blocks = a.blocks;
        float[] x = a.lanes;
        Arrays.fill(sums, 0);
        for (int b = 0; b < blocks; b++) {
            int at = a.at(tb, b);
            // q: tokens 0-15 of a block, p: tokens 16-31; one accumulator of each per row
            IntVector q0 = IntVector.zero(I512);
            IntVector q1 = q0;
            IntVector q2 = q0;
            IntVector q3 = q0;
            IntVector p0 = q0;
            IntVector p1 = q0;
            IntVector p2 = q0;
            IntVector p3 = q0;
            for (int run = b * QK; run < (b + 1) * QK; run += RUN) {
                FloatVector f0 = FloatVector.zero(F512);
                FloatVector f1 = f0;
                FloatVector f2 = f0;
                FloatVector f3 = f0;
                FloatVector g0 = f0;
                FloatVector g1 = f0;
                FloatVector g2 = f0;
                FloatVector g3 = f0;
                for (int i = run; i < run + RUN; i++) {
                    int v = at + TOKENS * (i - b * QK);
                    FloatVector lo = FloatVector.fromArray(F512, x, v);
                    FloatVector hi = FloatVector.fromArray(F512, x, v + LANES);
                    FloatVector w0 = FloatVector.broadcast(F512, ints[i]);
                    FloatVector w1 = FloatVector.broadcast(F512, ints[n + i]);
                    FloatVector w2 = FloatVector.broadcast(F512, ints[2 * n + i]);
                    FloatVector w3 = FloatVector.broadcast(F512, ints[3 * n + i]);
                    f0 = w0.fma(lo, f0);
                    g0 = w0.fma(hi, g0);
                    f1 = w1.fma(lo, f1);
                    g1 = w1.fma(hi, g1);
                    f2 = w2.fma(lo, f2);
                    g2 = w2.fma(hi, g2);
                    f3 = w3.fma(lo, f3);
                    g3 = w3.fma(hi, g3);
                }
                q0 = q0.add((IntVector) f0.convert(F2I, 0));
                q1 = q1.add((IntVector) f1.convert(F2I, 0));
                q2 = q2.add((IntVector) f2.convert(F2I, 0));
                q3 = q3.add((IntVector) f3.convert(F2I, 0));
                p0 = p0.add((IntVector) g0.convert(F2I, 0));
                p1 = p1.add((IntVector) g1.convert(F2I, 0));
                p2 = p2.add((IntVector) g2.convert(F2I, 0));
                p3 = p3.add((IntVector) g3.convert(F2I, 0));
            }
            q0.intoArray(sumQA, 0);
            p0.intoArray(sumQA, LANES);
            q1.intoArray(sumQA, TOKENS);
            p1.intoArray(sumQA, TOKENS + LANES);
            q2.intoArray(sumQA, 2 * TOKENS);
            p2.intoArray(sumQA, 2 * TOKENS + LANES);
            q3.intoArray(sumQA, 3 * TOKENS);
            p3.intoArray(sumQA, 3 * TOKENS + LANES);
            for (int k = 0; k < ROWS; k++) {
                for (int h = 0; h < TOKENS; h += LANES) {
                    int s = 2 * (k * blocks + b);
                    FloatVector da = FloatVector.fromArray(F512, x, at + Q8_KTokens.SCALES + h);
                    FloatVector sum = (FloatVector) IntVector.fromArray(I512, sumQA, k * TOKENS + h)
                            .convert(I2F, 0);
                    da.mul(scales[s]).mul(sum).intoArray(term, 0);
                    if (mins != null) {
                        int m = 8 * (k * blocks + b);
                        FloatVector minSum = FloatVector.zero(F512);
                        for (int j = 0; j < 8; j++) {
                            minSum = FloatVector.broadcast(F512, (float) mins[m + j]).fma(
                                    FloatVector.fromArray(F512, x, at + Q8_KTokens.PAIRS + TOKENS * j + h), minSum);
                        }
                        FloatVector.fromArray(F512, term, 0).sub(da.mul(scales[s + 1]).mul(minSum))
                                .intoArray(term, 0);
                    }
                    FloatVector.fromArray(F512, sums, k * TOKENS + h).add(FloatVector.fromArray(F512, term, 0))
                            .intoArray(sums, k * TOKENS + h);
                }
            }
        }
    }
}
