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
 * <p><b>How, fast.</b> The tokens go in the vector lanes ({@link Q8_0Tokens}: 16 tokens per vector) and the weights
 * are broadcast, so one lane follows one (row, token) pair from beginning to end, exactly as above: for partial sum
 * {@code m}, four multiply-adds of the codes {@code w_{4m..4m+3}} (small integers as floats) with the 16 tokens'
 * quants give 16 exact lane sums (at most 4·128·128 &lt; 2²⁴), and one more FMA adds them times the 16 tokens'
 * {@code d_w·d_a}. The 8 partial sums of a (row, token) depend on disjoint values, so the kernel runs them one after
 * the other, each through all the blocks: four rows at a time, four accumulators, every activation load feeding
 * four rows. The final {@code hsum} adds the 8 finished partial sums lane by lane in the tree above.
 */
final class Q0Tile {

    /** The fewest tokens {@code llamafile_sgemm} takes ({@code n < 2} goes to {@code vec_dot}). */
    static final int MIN_ACTS = 2;

    private static final int QK = 32;
    /** Weight rows per pass: one activation vector load feeds this many FMAs. */
    private static final int ROWS = 4;
    private static final int TOKENS = Q8_0Tokens.TOKENS;
    private static final int GROUP = Q8_0Tokens.GROUP;
    private static final int SUMS = Q8_0Tokens.SUMS;

    /**
     * A weight format tinyBLAS_Q0 multiplies: blocks of 32 that start with an fp16 scale {@code d}, each weight
     * {@code d} times a small signed integer code (Q8_0: the int8; Q4_0: nibble − 8; Q5_0: 5-bit code − 16;
     * IQ4_NL: the level its nibble indexes).
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
            multiply(codec, w, wOffset, wRowBytes, rows, act.q8_0Tokens(), act.count(), out, outOffset, outStride);
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

    /** Scalar reference: one weight row times one Q8_0 activation row, in tinyBLAS_Q0's order (see above). */
    static float dotScalar(Decoder codec, MemorySegment w, long wOffset, MemorySegment act, long actOffset, int n) {
        int bytes = codec.type().typeSize();
        int[] codes = new int[QK];
        float[] lanes = new float[SUMS];
        for (int b = 0; b < n / QK; b++) {
            long wb = wOffset + (long) b * bytes;
            long ab = actOffset + (long) b * Q8_0Codec.BLOCK_BYTES;
            codec.codesScalar(w, wb, codes);
            float scale = Fp16.read(w, wb) * Fp16.read(act, ab);
            for (int m = 0; m < SUMS; m++) {
                int sum = 0;
                for (int i = GROUP * m; i < GROUP * (m + 1); i++) {
                    sum += codes[i] * act.get(JAVA_BYTE, ab + Q8_0Codec.QS + i);
                }
                lanes[m] = Math.fma(scale, (float) sum, lanes[m]);
            }
        }
        return ((lanes[0] + lanes[4]) + (lanes[2] + lanes[6])) + ((lanes[1] + lanes[5]) + (lanes[3] + lanes[7]));
    }

    /**
     * The fast kernel: {@code rows} weight rows from {@code w[wOffset]} times the {@code acts} tokens of {@code a},
     * into {@code out[outOffset + t·outStride + r]}; every output equals {@link #dotScalar}'s bit for bit.
     */
    static void multiply(Decoder codec, MemorySegment w, long wOffset, long wRowBytes, int rows, Q8_0Tokens a,
                         int acts, float[] out, int outOffset, int outStride) {
        int blocks = a.blocks;
        int bytes = codec.type().typeSize();
        float[] codes = new float[ROWS * SUMS * blocks * GROUP]; // per row, per partial sum, per block: 4 codes
        float[] rowScales = new float[ROWS * blocks];
        float[] scales = new float[ROWS * blocks * TOKENS];      // per row, per block: d_w·d_a of 16 tokens
        float[] partial = new float[ROWS * SUMS * TOKENS];       // per row, per partial sum: 16 tokens' lanes
        float[] block = new float[QK];
        float[] sums = new float[TOKENS];
        for (int r0 = 0; r0 < rows; r0 += ROWS) {
            int height = Math.min(ROWS, rows - r0);
            for (int i = 0; i < ROWS; i++) {
                for (int b = 0; b < blocks; b++) {
                    if (i < height) {
                        long wb = wOffset + (r0 + i) * wRowBytes + (long) b * bytes;
                        codec.codes(w, wb, block, 0);
                        rowScales[i * blocks + b] = Fp16.read(w, wb);
                    } else { // a last group of fewer rows: the missing ones multiply as zeros, never stored
                        Arrays.fill(block, 0);
                        rowScales[i * blocks + b] = 0;
                    }
                    for (int m = 0; m < SUMS; m++) {
                        System.arraycopy(block, GROUP * m, codes, ((i * SUMS + m) * blocks + b) * GROUP, GROUP);
                    }
                }
            }
            for (int tb = 0; tb < a.tokenBlocks; tb++) {
                for (int b = 0; b < blocks; b++) {
                    FloatVector da = FloatVector.fromArray(F512, a.scales, a.scales(tb, b));
                    for (int i = 0; i < ROWS; i++) {
                        da.mul(rowScales[i * blocks + b]).intoArray(scales, (i * blocks + b) * TOKENS);
                    }
                }
                for (int m = 0; m < SUMS; m++) {
                    partialSums(codes, scales, a, tb, m, partial);
                }
                int tokens = Math.min(TOKENS, acts - TOKENS * tb);
                for (int i = 0; i < height; i++) {
                    hsum(partial, i * SUMS * TOKENS, sums);
                    for (int t = 0; t < tokens; t++) {
                        out[outOffset + (TOKENS * tb + t) * outStride + r0 + i] = sums[t];
                    }
                }
            }
        }
    }

    /**
     * Partial sum {@code m} of four rows for the 16 tokens of token block {@code tb}, through all the blocks, into
     * {@code partial[(row·8 + m)·16 ..]}. Written out by hand: four named accumulators are what keeps them in
     * registers.
     */
    private static void partialSums(float[] codes, float[] scales, Q8_0Tokens a, int tb, int m, float[] partial) {
        int blocks = a.blocks;
        float[] x = a.values;
        int codeRow = SUMS * blocks * GROUP;
        int scaleRow = blocks * TOKENS;
        FloatVector acc0 = FloatVector.zero(F512);
        FloatVector acc1 = acc0;
        FloatVector acc2 = acc0;
        FloatVector acc3 = acc0;
        int v = a.values(tb, m, 0);
        int c = m * blocks * GROUP;
        for (int b = 0; b < blocks; b++, v += GROUP * TOKENS, c += GROUP) {
            FloatVector x0 = FloatVector.fromArray(F512, x, v);
            FloatVector x1 = FloatVector.fromArray(F512, x, v + TOKENS);
            FloatVector x2 = FloatVector.fromArray(F512, x, v + 2 * TOKENS);
            FloatVector x3 = FloatVector.fromArray(F512, x, v + 3 * TOKENS);
            int s = b * TOKENS;
            FloatVector p0 = x0.mul(codes[c]);
            p0 = x1.fma(FloatVector.broadcast(F512, codes[c + 1]), p0);
            p0 = x2.fma(FloatVector.broadcast(F512, codes[c + 2]), p0);
            p0 = x3.fma(FloatVector.broadcast(F512, codes[c + 3]), p0);
            acc0 = p0.fma(FloatVector.fromArray(F512, scales, s), acc0);
            int c1 = c + codeRow;
            FloatVector p1 = x0.mul(codes[c1]);
            p1 = x1.fma(FloatVector.broadcast(F512, codes[c1 + 1]), p1);
            p1 = x2.fma(FloatVector.broadcast(F512, codes[c1 + 2]), p1);
            p1 = x3.fma(FloatVector.broadcast(F512, codes[c1 + 3]), p1);
            acc1 = p1.fma(FloatVector.fromArray(F512, scales, s + scaleRow), acc1);
            int c2 = c1 + codeRow;
            FloatVector p2 = x0.mul(codes[c2]);
            p2 = x1.fma(FloatVector.broadcast(F512, codes[c2 + 1]), p2);
            p2 = x2.fma(FloatVector.broadcast(F512, codes[c2 + 2]), p2);
            p2 = x3.fma(FloatVector.broadcast(F512, codes[c2 + 3]), p2);
            acc2 = p2.fma(FloatVector.fromArray(F512, scales, s + 2 * scaleRow), acc2);
            int c3 = c2 + codeRow;
            FloatVector p3 = x0.mul(codes[c3]);
            p3 = x1.fma(FloatVector.broadcast(F512, codes[c3 + 1]), p3);
            p3 = x2.fma(FloatVector.broadcast(F512, codes[c3 + 2]), p3);
            p3 = x3.fma(FloatVector.broadcast(F512, codes[c3 + 3]), p3);
            acc3 = p3.fma(FloatVector.fromArray(F512, scales, s + 3 * scaleRow), acc3);
        }
        acc0.intoArray(partial, m * TOKENS);
        acc1.intoArray(partial, (SUMS + m) * TOKENS);
        acc2.intoArray(partial, (2 * SUMS + m) * TOKENS);
        acc3.intoArray(partial, (3 * SUMS + m) * TOKENS);
    }

    /** tinyBLAS's {@code hsum} of a row's 8 partial sums at {@code partial[at..]}, 16 tokens at once, into {@code sums}. */
    private static void hsum(float[] partial, int at, float[] sums) {
        FloatVector x0 = FloatVector.fromArray(F512, partial, at);
        FloatVector x1 = FloatVector.fromArray(F512, partial, at + TOKENS);
        FloatVector x2 = FloatVector.fromArray(F512, partial, at + 2 * TOKENS);
        FloatVector x3 = FloatVector.fromArray(F512, partial, at + 3 * TOKENS);
        FloatVector x4 = FloatVector.fromArray(F512, partial, at + 4 * TOKENS);
        FloatVector x5 = FloatVector.fromArray(F512, partial, at + 5 * TOKENS);
        FloatVector x6 = FloatVector.fromArray(F512, partial, at + 6 * TOKENS);
        FloatVector x7 = FloatVector.fromArray(F512, partial, at + 7 * TOKENS);
        x0.add(x4).add(x2.add(x6)).add(x1.add(x5).add(x3.add(x7))).intoArray(sums, 0);
    }
}
