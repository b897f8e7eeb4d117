package org.slmlab.quant;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.slmlab.quant.Simd.F512;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;

/**
 * A batch of tokens times Q8_0, Q4_0, Q5_0 or IQ4_NL weights, summed in exactly the order llama.cpp sums it:
 * llamafile's {@code tinyBLAS_Q0_AVX} ({@code ggml/src/ggml-cpu/llamafile/sgemm.cpp}).
 *
 * <p><b>When llama.cpp takes it.</b> ggml's CPU matmul ({@code ggml_compute_forward_mul_mat}) quantizes the
 * activations to Q8_0 (contiguous rows, in its work buffer) and offers the product to {@code llamafile_sgemm},
 * which serves these four weight types with Q8_0 activations on any x86 with AVX, for any number of 32-blocks per
 * row, as soon as the batch has two tokens ({@code n < 2} is refused: "only enable sgemm for prompt processing").
 * A single token goes to the type's {@code ggml_vec_dot_*_q8_0} instead — the codec's own dot product, which sums
 * in another order. So a prompt's matrix products follow this class, generation follows the codec.
 *
 * <p><b>Q4_1 and Q5_1</b> reach no tinyBLAS kernel: llama.cpp multiplies every (row, token) pair with
 * {@code ggml_vec_dot_q4_1_q8_1} / {@code q5_1}, whose x86 order for the {@code d·d_a·Σq·q_a} part is this one
 * pair by pair (see {@link PartialSums}), with Q8_1 activations; their batches run this kernel too and add the min
 * terms after it ({@link ScaleMinBlockCodec}).
 *
 * <p><b>The order</b>, for one weight row and one token. An accumulator of 8 float lanes (an AVX {@code __m256}),
 * zero at the start. For each 32-block in turn: {@code updot} multiplies the 32 weight codes with the 32 activation
 * quants ({@code vpdpbusd}, after the sign trick that makes the weights unsigned: |w| times sign(w)·a) and adds the
 * products in fours, so lane {@code m} holds the exact integer {@code Σ w_i·a_i} over {@code i = 4m .. 4m+3}; the
 * lanes are converted to float (exactly) and added as {@code acc = fma(d_w·d_a, lanes, acc)}, where
 * {@code d_w·d_a} is the product of the two fp16 block scales, rounded to float. At the end {@code hsum} adds the
 * lanes: {@code v_i = x_i + x_{i+4}} for i = 0..3, then {@code (v0 + v2) + (v1 + v3)}. (How llamafile tiles rows
 * and tokens, 4×4 or 4×N, changes which pairs it computes together, not this order.) Any other order — ggml's
 * {@code vec_dot}, or multiplying dequantized floats — lands an ulp away here and there, and an ulp is enough to
 * flip an activation's rounding to Q8_0 in the next layer: that is what kept several models 0.03–0.3 away from
 * llama.cpp's logits. The one case this does not reproduce is an activation quant of −128, where the sign trick
 * overflows; ggml's activation quantizer never writes one (its quants lie in [−127, 127]).
 *
 * <p><b>How, fast.</b> The tokens go in the vector lanes ({@link Q8Tokens}: 32 tokens, two vectors) and the
 * weights are broadcast, so one lane follows one (row, token) pair from beginning to end, exactly as above: for
 * partial sum {@code m}, four multiply-adds of the codes {@code w_{4m..4m+3}} (small integers as floats) with the
 * tokens' quants give exact lane sums (at most 4·128·128 &lt; 2²⁴), and one more FMA adds them times the tokens'
 * {@code d_w·d_a}. The 8 partial sums of a (row, token) depend on disjoint values, so the kernel runs them one after
 * the other, each through all the blocks: three rows at a time, six accumulators, every broadcast code feeding
 * two FMAs and every activation load three rows. The final {@code hsum} adds the 8 finished partial sums lane by
 * lane in the tree above. The cost over a float tile that ignores the order ({@link FloatTile}): a fifth more FMAs (the
 * per-block scaling) and a broadcast per code; on Qwen3-0.6B's shapes it runs about as fast (see the commit log).
 *
 * <p><b>Why not weight rows in the lanes</b>, as {@link FloatTile}? There the change removed horizontal sums; here
 * there are none to remove (a lane already follows one (row, token) pair from start to end), and the exact order costs
 * the same in either layout: four multiply-adds per four products and a fifth to scale them. A 32-row × 8-token form of
 * this kernel was measured (codes packed per 32 rows by 16×16 transposes, activations in groups of 8 tokens, the
 * products {@code d_w·d_a} multiplied once per block into a table the FMAs read): 80 vector multiplies per 1024
 * products against this form's 36 per 384, 17% fewer, yet on one core, 3072 rows × 64 tokens, 1024 and 3072 columns, it
 * ran Q4_0 at 28–34 GFLOP/s against 32–42 and Q8_0 at 27–37 against 31–39, back to back. Its 16 accumulators, 8 code
 * vectors and the broadcasts make C2 spill six accumulators, and 24 of its loads per block are 64-byte loads from
 * {@code float[]}s, which the JVM does not align to cache lines, so most straddle two. (Taking the products
 * {@code d_w·d_a} out of this kernel's loop into such a table, 30 multiplies instead of 36, measured no faster either.)
 */
final class Q0Tile {

    /** The fewest tokens {@code llamafile_sgemm} takes ({@code n < 2} goes to {@code vec_dot}). */
    static final int MIN_ACTS = 2;

    private static final int QK = 32;
    /**
     * Weight rows per pass: every activation vector load feeds this many rows' FMAs. Three: with four rows' eight
     * accumulators, eight activation vectors and the broadcasts, C2 runs out of the 32 vector registers and keeps
     * accumulators on the stack (seen in the disassembly; 29 against 38 GFlop/s), and with two every activation
     * vector is read from L2 half again as often (33 against 38 GFlop/s on 1024-wide rows).
     */
    private static final int ROWS = 3;
    private static final int TOKENS = Q8Tokens.TOKENS;
    private static final int GROUP = Q8Tokens.GROUP;
    private static final int SUMS = Q8Tokens.SUMS;
    /** Floats per vector: a token block is two vectors wide. */
    private static final int HALF = F512.length();

    /**
     * A weight format this kernel multiplies: blocks of 32 that start with an fp16 scale {@code d}, each weight
     * {@code d} times a small integer code (Q8_0: the int8; Q4_0: nibble − 8; Q5_0: 5-bit code − 16; IQ4_NL: the
     * level its nibble indexes; Q4_1, Q5_1: the 4- or 5-bit code, whose block min is added apart).
     */
    interface Decoder extends QuantCodec {

        /** Scalar reference: the 32 integer codes of the block at {@code block}, in weight order. */
        void codesScalar(MemorySegment w, long block, int[] codes);

        /** {@link #codesScalar} as floats into {@code dst[at .. at+32)}, with vectors. */
        void codes(MemorySegment w, long block, float[] dst, int at);

        /** A batch of two tokens or more in tinyBLAS_Q0's order; one token by the codec's dot product. */
        @Override
        default void dotTile(MemorySegment w, long wOffset, long wRowBytes, int rows, ActivationBatch act,
                             float[] out, int outOffset, int outStride) {
            if (act.count() < MIN_ACTS) {
                dotPairs(w, wOffset, wRowBytes, rows, act, out, outOffset, outStride);
            } else {
                Q0Tile.dotTile(this, w, wOffset, wRowBytes, rows, act, out, outOffset, outStride);
            }
        }
    }

    private Q0Tile() {
    }

    /** {@link QuantCodec#dotTile} for a batch of at least {@link #MIN_ACTS} tokens. */
    static void dotTile(Decoder codec, MemorySegment w, long wOffset, long wRowBytes, int rows, ActivationBatch act,
                        float[] out, int outOffset, int outStride) {
        if (Simd.FAST) {
            multiply(codec, w, wOffset, wRowBytes, rows, act.q8Tokens(), act.count(), out, outOffset, outStride);
            return;
        }
        for (int t = 0; t < act.count(); t++) {
            long a = act.offset() + t * act.rowBytes();
            for (int r = 0; r < rows; r++) {
                out[outOffset + t * outStride + r] = dotScalar(codec, w, wOffset + r * wRowBytes, act.blocks(), a,
                        act.n());
            }
        }
    }

    /**
     * Scalar reference: one weight row times one activation row (the codec's {@code vecDotType}, Q8_0 or Q8_1) in
     * tinyBLAS_Q0's order (see above).
     */
    static float dotScalar(Decoder codec, MemorySegment w, long wOffset, MemorySegment act, long actOffset, int n) {
        int bytes = codec.type().typeSize();
        int actBytes = codec.vecDotType().typeSize();
        int quants = actBytes - QK;   // Q8_0 and Q8_1 blocks end with their 32 quants, after 2 or 4 header bytes
        int[] codes = new int[QK];
        float[] lanes = new float[SUMS];
        for (int b = 0; b < n / QK; b++) {
            long wb = wOffset + (long) b * bytes;
            long ab = actOffset + (long) b * actBytes;
            codec.codesScalar(w, wb, codes);
            float scale = Fp16.read(w, wb) * Fp16.read(act, ab);
            for (int m = 0; m < SUMS; m++) {
                int sum = 0;
                for (int i = GROUP * m; i < GROUP * (m + 1); i++) {
                    sum += codes[i] * act.get(JAVA_BYTE, ab + quants + i);
                }
                lanes[m] = Math.fma(scale, (float) sum, lanes[m]);
            }
        }
        return PartialSums.hsum(lanes);
    }

    /**
     * The fast kernel: {@code rows} weight rows from {@code w[wOffset]} times the {@code acts} tokens of {@code a},
     * into {@code out[outOffset + t·outStride + r]}; every output equals {@link #dotScalar}'s bit for bit.
     */
    static void multiply(Decoder codec, MemorySegment w, long wOffset, long wRowBytes, int rows, Q8Tokens a,
                         int acts, float[] out, int outOffset, int outStride) {
        int blocks = a.blocks;
        int n = blocks * QK;
        int bytes = codec.type().typeSize();
        float[] codes = new float[ROWS * n];                 // row i's codes at [i·n, (i+1)·n), in weight order
        float[] rowScales = new float[ROWS * blocks];
        float[] partial = new float[ROWS * SUMS * TOKENS];   // per row, per partial sum: the 32 tokens' lanes
        float[] sums = new float[TOKENS];
        for (int r0 = 0; r0 < rows; r0 += ROWS) {
            int height = Math.min(ROWS, rows - r0);
            for (int i = 0; i < ROWS; i++) {
                if (i < height) {
                    for (int b = 0; b < blocks; b++) {
                        long wb = wOffset + (r0 + i) * wRowBytes + (long) b * bytes;
                        codec.codes(w, wb, codes, i * n + b * QK);
                        rowScales[i * blocks + b] = Fp16.read(w, wb);
                    }
                } else { // a last group of fewer rows: the missing ones multiply as zeros, never stored
                    Arrays.fill(codes, i * n, (i + 1) * n, 0);
                    Arrays.fill(rowScales, i * blocks, (i + 1) * blocks, 0);
                }
            }
            for (int tb = 0; tb < a.tokenBlocks; tb++) {
                for (int m = 0; m < SUMS; m++) {
                    partialSums(codes, n, rowScales, a, tb, m, partial);
                }
                int tokens = Math.min(TOKENS, acts - TOKENS * tb);
                for (int i = 0; i < height; i++) {
                    hsum(partial, i * SUMS * TOKENS, sums, 0);
                    hsum(partial, i * SUMS * TOKENS + HALF, sums, HALF);
                    for (int t = 0; t < tokens; t++) {
                        out[outOffset + (TOKENS * tb + t) * outStride + r0 + i] = sums[t];
                    }
                }
            }
        }
    }

    /**
     * Partial sum {@code m} of three rows (codes {@code n} apart) for the 32 tokens of token block {@code tb},
     * through all the blocks, into {@code partial[(row·8 + m)·32 ..]}. Each broadcast code meets tokens 0-15
     * ({@code x}, accumulators {@code lo}) and 16-31 ({@code y}, {@code hi}). Written out by hand: named
     * accumulators are what keeps them in registers (in an array of vectors C2 would box every one on the heap).
     */
    private static void partialSums(float[] codes, int n, float[] rowScales, Q8Tokens a, int tb, int m,
                                    float[] partial) {
        int blocks = a.blocks;
        float[] x = a.values;
        FloatVector lo0 = FloatVector.zero(F512);
        FloatVector lo1 = lo0;
        FloatVector hi0 = lo0;
        FloatVector hi1 = lo0;
        FloatVector lo2 = lo0;
        FloatVector hi2 = lo0;
        int v = a.values(tb, m, 0);
        for (int b = 0, c = GROUP * m; b < blocks; b++, v += GROUP * TOKENS, c += QK) {
            FloatVector x0 = FloatVector.fromArray(F512, x, v);
            FloatVector x1 = FloatVector.fromArray(F512, x, v + TOKENS);
            FloatVector x2 = FloatVector.fromArray(F512, x, v + 2 * TOKENS);
            FloatVector x3 = FloatVector.fromArray(F512, x, v + 3 * TOKENS);
            FloatVector y0 = FloatVector.fromArray(F512, x, v + HALF);
            FloatVector y1 = FloatVector.fromArray(F512, x, v + TOKENS + HALF);
            FloatVector y2 = FloatVector.fromArray(F512, x, v + 2 * TOKENS + HALF);
            FloatVector y3 = FloatVector.fromArray(F512, x, v + 3 * TOKENS + HALF);
            FloatVector dLo = FloatVector.fromArray(F512, a.scales, a.scales(tb, b));
            FloatVector dHi = FloatVector.fromArray(F512, a.scales, a.scales(tb, b) + HALF);

            FloatVector w0 = FloatVector.broadcast(F512, codes[c]);
            FloatVector w1 = FloatVector.broadcast(F512, codes[c + 1]);
            FloatVector w2 = FloatVector.broadcast(F512, codes[c + 2]);
            FloatVector w3 = FloatVector.broadcast(F512, codes[c + 3]);
            float d0 = rowScales[b];
            lo0 = x3.fma(w3, x2.fma(w2, x1.fma(w1, x0.mul(w0)))).fma(dLo.mul(d0), lo0);
            hi0 = y3.fma(w3, y2.fma(w2, y1.fma(w1, y0.mul(w0)))).fma(dHi.mul(d0), hi0);

            int c1 = c + n;
            w0 = FloatVector.broadcast(F512, codes[c1]);
            w1 = FloatVector.broadcast(F512, codes[c1 + 1]);
            w2 = FloatVector.broadcast(F512, codes[c1 + 2]);
            w3 = FloatVector.broadcast(F512, codes[c1 + 3]);
            float d1 = rowScales[blocks + b];
            lo1 = x3.fma(w3, x2.fma(w2, x1.fma(w1, x0.mul(w0)))).fma(dLo.mul(d1), lo1);
            hi1 = y3.fma(w3, y2.fma(w2, y1.fma(w1, y0.mul(w0)))).fma(dHi.mul(d1), hi1);

            int c2 = c1 + n;
            w0 = FloatVector.broadcast(F512, codes[c2]);
            w1 = FloatVector.broadcast(F512, codes[c2 + 1]);
            w2 = FloatVector.broadcast(F512, codes[c2 + 2]);
            w3 = FloatVector.broadcast(F512, codes[c2 + 3]);
            float d2 = rowScales[2 * blocks + b];
            lo2 = x3.fma(w3, x2.fma(w2, x1.fma(w1, x0.mul(w0)))).fma(dLo.mul(d2), lo2);
            hi2 = y3.fma(w3, y2.fma(w2, y1.fma(w1, y0.mul(w0)))).fma(dHi.mul(d2), hi2);
        }
        lo0.intoArray(partial, m * TOKENS);
        hi0.intoArray(partial, m * TOKENS + HALF);
        lo1.intoArray(partial, (SUMS + m) * TOKENS);
        hi1.intoArray(partial, (SUMS + m) * TOKENS + HALF);
        lo2.intoArray(partial, (2 * SUMS + m) * TOKENS);
        hi2.intoArray(partial, (2 * SUMS + m) * TOKENS + HALF);
    }

    /**
     * tinyBLAS's {@code hsum} of a row's 8 partial sums (32 floats apart from {@code partial[at]}), 16 tokens at
     * once, into {@code sums[to ..]}.
     */
    private static void hsum(float[] partial, int at, float[] sums, int to) {
        FloatVector x0 = FloatVector.fromArray(F512, partial, at);
        FloatVector x1 = FloatVector.fromArray(F512, partial, at + TOKENS);
        FloatVector x2 = FloatVector.fromArray(F512, partial, at + 2 * TOKENS);
        FloatVector x3 = FloatVector.fromArray(F512, partial, at + 3 * TOKENS);
        FloatVector x4 = FloatVector.fromArray(F512, partial, at + 4 * TOKENS);
        FloatVector x5 = FloatVector.fromArray(F512, partial, at + 5 * TOKENS);
        FloatVector x6 = FloatVector.fromArray(F512, partial, at + 6 * TOKENS);
        FloatVector x7 = FloatVector.fromArray(F512, partial, at + 7 * TOKENS);
        x0.add(x4).add(x2.add(x6)).add(x1.add(x5).add(x3.add(x7))).intoArray(sums, to);
    }
}
