package org.slmlab.quant;

import static jdk.incubator.vector.VectorOperators.F2I;
import static jdk.incubator.vector.VectorOperators.I2F;
import static org.slmlab.quant.Simd.F512;
import static org.slmlab.quant.Simd.I512;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
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
 * each weight is used once, so a decoded copy would only cost stores and loads. Prompt processing decodes one
 * super-block of eight weight rows at a time into a small float scratch of integers {@code sc·q} (8 KB, which stays
 * in the L1 cache) and multiplies it with every block of 32 tokens held in the lanes ({@link Q8_KTokens}): one
 * activation load feeds eight FMAs (one per row), and every lane is one (row, token) sum, scaled lane by lane
 * without any reduction across lanes.
 */
final class SuperBlockTile {

    private static final int QK = KBlocks.QK_K;
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();
    /**
     * Weight rows multiplied at once. Per weight index, the tile loop loads two activation vectors and broadcasts one
     * weight per row, and those loads and broadcasts, not the FMAs, were what held it back: with four rows (two loads
     * and four broadcasts for eight FMAs) a loop of this shape reached about 2.2·10⁹ FMAs a second here, with eight
     * rows (two and eight for sixteen) 3.6·10⁹, where the FMA units alone do 4.5·10⁹. Sixteen float accumulators
     * and the two activation vectors fill 18 of the 32 vector registers.
     */
    private static final int ROWS = 8;
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

        /**
         * Writes the 256 integer weights {@code sc·q} of the super-block at {@code x} into {@code ints[at..]};
         * stores {@code d} and {@code dmin} (0 for formats without mins) into {@code scales[2k]} and
         * {@code scales[2k + 1]} and, for formats with mins, the eight integer mins into {@code mins[8k..8k+7]}
         * (formats without leave them alone: the caller's zeros). {@code scratch} holds 16 floats.
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
        // one super-block of eight rows, row after row: the tile loop's eight broadcasts read 256 floats apart, a
        // constant, so one index register addresses them all (with whole rows n floats apart, each row had needed a
        // register of its own, more than x86 has, and C2 reloaded the array from the stack for every broadcast)
        float[] decoded = new float[ROWS * QK];
        float[] scales = new float[ROWS * 2];
        int[] mins = new int[ROWS * 8]; // zeros for the formats without mins
        float[] sums = new float[a.tokenBlocks * ROWS * TOKENS];
        int[] sumQA = new int[ROWS * TOKENS];
        float[] scratch = new float[16];
        // per group of eight rows, one super-block at a time: decoded, then used by every token block while its
        // 8 KB are in the L1 cache (decoding whole rows first and reading them back from L2 was no faster)
        for (int r = 0; r < rows; r += ROWS) {
            int count = Math.min(ROWS, rows - r);
            Arrays.fill(sums, 0);
            for (int b = 0; b < blocks; b++) {
                for (int i = 0; i < ROWS; i++) {
                    if (i < count) {
                        codec.decodeIntegers(w, wOffset + (r + i) * wRowBytes + (long) b * bytes, decoded, i * QK,
                                scales, mins, i, scratch);
                    } else { // a last group of fewer rows: the missing ones multiply as zeros
                        Arrays.fill(decoded, i * QK, (i + 1) * QK, 0);
                        scales[2 * i] = 0;
                        scales[2 * i + 1] = 0;
                    }
                }
                for (int tb = 0; tb < a.tokenBlocks; tb++) {
                    eightRows(decoded, scales, mins, a, tb, b, sums, tb * ROWS * TOKENS, sumQA);
                }
            }
            for (int t = 0; t < acts; t++) {
                for (int i = 0; i < count; i++) {
                    out[outOffset + t * outStride + r + i] = sums[(t / TOKENS * ROWS + i) * TOKENS + t % TOKENS];
                }
            }
        }
    }

    /**
     * Super-block {@code b} of the eight decoded rows ({@code decoded}) times token block {@code tb},
     * added into {@code sums[sumsAt..]} (row {@code k}'s 32 tokens at {@code 32k}). Each row's weights are broadcast
     * one by one and multiplied with the 32 tokens' activations; every {@link #RUN} weights the float lanes are
     * added as ints into {@code sumQA}, which keeps the super-block's sums exact whatever their size. Then, lane by
     * lane, the scalar reference's {@code sum += d·d_a·Σ sc·q·a − dmin·d_a·Σ m·Σa}, each product in its order. The
     * min term {@code Σ_j m[j]·Σa_j} is at most 8·63·32·128 ≈ 2·10⁶, exact in floats whatever the order of its FMAs.
     *
     * <p>Formats without mins (Q6_K) pass zero mins and {@code dmin = 0}: their min term is a zero, and subtracting
     * a zero changes no sum (only, at most, a zero's sign, which adding to {@code sums} — never −0 — erases). Taking
     * the same path costs them eight FMAs per 256 weights; a branch would leave a vector assigned on one side only,
     * which C2 turned into heap objects (the Q4_K tile once ran at half Q6_K's speed that way), and passing it
     * through an array instead put a store and a reload on every result's path (JFR's hottest line of the tile).
     */
    private static void eightRows(float[] decoded, float[] scales, int[] mins, Q8_KTokens a, int tb, int b,
                                  float[] sums, int sumsAt, int[] sumQA) {
        MemorySegment x = a.lanes;
        int at = a.at(tb, b);
        Arrays.fill(sumQA, 0);
        for (int run = 0; run < QK; run += RUN) {
            // f: tokens 0-15 of the block, h: tokens 16-31; one accumulator of each per row
            FloatVector f0 = FloatVector.zero(F512);
            FloatVector f1 = f0;
            FloatVector f2 = f0;
            FloatVector f3 = f0;
            FloatVector f4 = f0;
            FloatVector f5 = f0;
            FloatVector f6 = f0;
            FloatVector f7 = f0;
            FloatVector h0 = f0;
            FloatVector h1 = f0;
            FloatVector h2 = f0;
            FloatVector h3 = f0;
            FloatVector h4 = f0;
            FloatVector h5 = f0;
            FloatVector h6 = f0;
            FloatVector h7 = f0;
            for (int i = run; i < run + RUN; i++) {
                long v = 4L * (at + TOKENS * i);
                FloatVector lo = FloatVector.fromMemorySegment(F512, x, v, NATIVE);
                FloatVector hi = FloatVector.fromMemorySegment(F512, x, v + 4 * LANES, NATIVE);
                FloatVector w = FloatVector.broadcast(F512, decoded[i]);
                f0 = w.fma(lo, f0);
                h0 = w.fma(hi, h0);
                w = FloatVector.broadcast(F512, decoded[i + QK]);
                f1 = w.fma(lo, f1);
                h1 = w.fma(hi, h1);
                w = FloatVector.broadcast(F512, decoded[i + 2 * QK]);
                f2 = w.fma(lo, f2);
                h2 = w.fma(hi, h2);
                w = FloatVector.broadcast(F512, decoded[i + 3 * QK]);
                f3 = w.fma(lo, f3);
                h3 = w.fma(hi, h3);
                w = FloatVector.broadcast(F512, decoded[i + 4 * QK]);
                f4 = w.fma(lo, f4);
                h4 = w.fma(hi, h4);
                w = FloatVector.broadcast(F512, decoded[i + 5 * QK]);
                f5 = w.fma(lo, f5);
                h5 = w.fma(hi, h5);
                w = FloatVector.broadcast(F512, decoded[i + 6 * QK]);
                f6 = w.fma(lo, f6);
                h6 = w.fma(hi, h6);
                w = FloatVector.broadcast(F512, decoded[i + 7 * QK]);
                f7 = w.fma(lo, f7);
                h7 = w.fma(hi, h7);
            }
            // the run's exact float sums into the super-block's int sums (row k's 32 tokens at 32k)
            IntVector.fromArray(I512, sumQA, 0).add(f0.convert(F2I, 0)).intoArray(sumQA, 0);
            IntVector.fromArray(I512, sumQA, 16).add(h0.convert(F2I, 0)).intoArray(sumQA, 16);
            IntVector.fromArray(I512, sumQA, 32).add(f1.convert(F2I, 0)).intoArray(sumQA, 32);
            IntVector.fromArray(I512, sumQA, 48).add(h1.convert(F2I, 0)).intoArray(sumQA, 48);
            IntVector.fromArray(I512, sumQA, 64).add(f2.convert(F2I, 0)).intoArray(sumQA, 64);
            IntVector.fromArray(I512, sumQA, 80).add(h2.convert(F2I, 0)).intoArray(sumQA, 80);
            IntVector.fromArray(I512, sumQA, 96).add(f3.convert(F2I, 0)).intoArray(sumQA, 96);
            IntVector.fromArray(I512, sumQA, 112).add(h3.convert(F2I, 0)).intoArray(sumQA, 112);
            IntVector.fromArray(I512, sumQA, 128).add(f4.convert(F2I, 0)).intoArray(sumQA, 128);
            IntVector.fromArray(I512, sumQA, 144).add(h4.convert(F2I, 0)).intoArray(sumQA, 144);
            IntVector.fromArray(I512, sumQA, 160).add(f5.convert(F2I, 0)).intoArray(sumQA, 160);
            IntVector.fromArray(I512, sumQA, 176).add(h5.convert(F2I, 0)).intoArray(sumQA, 176);
            IntVector.fromArray(I512, sumQA, 192).add(f6.convert(F2I, 0)).intoArray(sumQA, 192);
            IntVector.fromArray(I512, sumQA, 208).add(h6.convert(F2I, 0)).intoArray(sumQA, 208);
            IntVector.fromArray(I512, sumQA, 224).add(f7.convert(F2I, 0)).intoArray(sumQA, 224);
            IntVector.fromArray(I512, sumQA, 240).add(h7.convert(F2I, 0)).intoArray(sumQA, 240);
        }
        for (int k = 0; k < ROWS; k++) {
            for (int h = 0; h < TOKENS; h += LANES) {
                FloatVector da = FloatVector.fromMemorySegment(F512, x, 4L * (at + Q8_KTokens.SCALES + h), NATIVE);
                FloatVector sum = (FloatVector) IntVector.fromArray(I512, sumQA, k * TOKENS + h).convert(I2F, 0);
                FloatVector minSum = FloatVector.zero(F512);
                for (int j = 0; j < 8; j++) {
                    minSum = FloatVector.broadcast(F512, (float) mins[8 * k + j]).fma(FloatVector.fromMemorySegment(
                            F512, x, 4L * (at + Q8_KTokens.PAIRS + TOKENS * j + h), NATIVE), minSum);
                }
                FloatVector term = da.mul(scales[2 * k]).mul(sum).sub(da.mul(scales[2 * k + 1]).mul(minSum));
                int y = sumsAt + k * TOKENS + h;
                FloatVector.fromArray(F512, sums, y).add(term).intoArray(sums, y);
            }
        }
    }
}
