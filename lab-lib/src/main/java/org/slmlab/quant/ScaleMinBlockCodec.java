package org.slmlab.quant;

import static org.slmlab.quant.Simd.F512;
import static org.slmlab.quant.Simd.S512;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.ShortVector;
import org.slmlab.gguf.GgmlType;

/**
 * Q4_1 and Q5_1: 32-weight blocks that start with an fp16 scale d and an fp16 min m ({@code w = d·q + m}),
 * dotted with Q8_1 activations. ggml's block dot is {@code d·d_a·Σq·q_a + m·s}, where s is the activation
 * block's stored fp16 sum.
 *
 * <p><b>ggml's order.</b> llama.cpp multiplies these types with {@code ggml_vec_dot_q4_1_q8_1} /
 * {@code ggml_vec_dot_q5_1_q8_1} for every (row, token) pair, a prompt's too: llamafile's tinyBLAS does not take
 * them, and the goldens ran without repacked weights. On x86 that dot sums {@code d·d_a·Σq·q_a} exactly as
 * tinyBLAS_Q0 sums a pair ({@link PartialSums}: 8 partial sums of four products, a fused multiply-add per block,
 * {@code hsum_float_8}), and adds the min terms in a float of their own, block after block, at the very end:
 * {@code hsum + Σ m·s}. So the scalar reference is {@link Q0Tile#dotScalar} plus {@link #minTerms}, one token runs
 * {@link #dotRow} and a batch {@link Q0Tile}'s kernel plus {@link #addMinTerms}, all to the same bits.
 */
abstract class ScaleMinBlockCodec extends Int8BlockCodec implements Q0Tile.Decoder {

    /** The fp16 min follows the fp16 scale. */
    static final int M = 2;

    private static final int QK = 32;
    private static final int TOKENS = Q8Tokens.TOKENS;
    private static final int HALF = F512.length();

    protected ScaleMinBlockCodec(GgmlType type) {
        super(type, GgmlType.Q8_1);
    }

    /**
     * The block's 32 codes as shorts in {@link PartialSums#nibbleCodes}' lane order, fifth bits included — what
     * {@link #dotRow} multiplies with the activation's {@link WidenedActivation#grouped} quants.
     */
    abstract ShortVector groupedCodes(MemorySegment w, long block);

    /** The codes (exact in float) times d, plus m — multiplied then added, as the scalar dequantizer. */
    @Override
    public final void dequantizeFast(MemorySegment src, long offset, float[] dst, int dstOffset, int n) {
        for (int b = 0; b < n / QK; b++) {
            long block = offset + (long) b * type().typeSize();
            codes(src, block, dst, dstOffset + b * QK);
            BlockVectors.scaleBlock(dst, dstOffset + b * QK, Fp16.read(src, block), Fp16.read(src, block + M));
        }
    }

    /** ggml's x86 {@code ggml_vec_dot_q4_1_q8_1} / {@code ggml_vec_dot_q5_1_q8_1}. */
    @Override
    public final float dotScalar(MemorySegment w, long wOffset, MemorySegment act, long actOffset, int n) {
        return Q0Tile.dotScalar(this, w, wOffset, act, actOffset, n) + minTerms(w, wOffset, act, actOffset, n);
    }

    /**
     * {@code Σ m·s} over the blocks, one after the other (ggml's {@code summs}). Each product of two fp16 numbers is
     * exact in a float (11 + 11 significant bits), so whether a compiler fuses it into the add changes nothing.
     */
    private float minTerms(MemorySegment w, long wOffset, MemorySegment act, long actOffset, int n) {
        float sum = 0;
        for (int b = 0; b < n / QK; b++) {
            float m = Fp16.read(w, wOffset + (long) b * type().typeSize() + M);
            float s = Fp16.read(act, actOffset + (long) b * Q8_1Codec.BLOCK_BYTES + Q8_1Codec.S);
            sum += m * s;
        }
        return sum;
    }

    /**
     * One token: per block, the 32 products in one short vector, their 8 partial sums ({@link PartialSums#sums}, in
     * nibble order) into 8 float lanes with the block's {@code d·d_a}; the min terms beside, in a scalar.
     */
    @Override
    final float dotRow(MemorySegment w, long wOffset, WidenedActivation a, int n) {
        FloatVector acc = FloatVector.zero(F512);
        float minTerms = 0;
        int bytes = type().typeSize();
        for (int b = 0; b < n / QK; b++) {
            long block = wOffset + (long) b * bytes;
            ShortVector products = groupedCodes(w, block).mul(ShortVector.fromArray(S512, a.grouped, b * QK));
            acc = PartialSums.sums(products).fma(FloatVector.broadcast(F512, Fp16.read(w, block) * a.d[b]), acc);
            minTerms += Fp16.read(w, block + M) * a.sum[b];
        }
        return PartialSums.hsumInNibbleOrder(acc) + minTerms;
    }

    /**
     * A batch: {@link Q0Tile}'s kernel sums the {@code d·d_a·Σq·q_a} part of every pair in ggml's order, then
     * {@link #addMinTerms} adds each pair's {@code Σ m·s}. One token: {@link #dotRow} row by row. The scalar
     * references: pair by pair.
     */
    @Override
    public final void dotTile(MemorySegment w, long wOffset, long wRowBytes, int rows, ActivationBatch act,
                              float[] out, int outOffset, int outStride) {
        if (!Simd.FAST) {
            dotPairs(w, wOffset, wRowBytes, rows, act, out, outOffset, outStride);
        } else if (act.count() >= Q0Tile.MIN_ACTS) {
            Q8Tokens a = act.q8Tokens();
            Q0Tile.multiply(this, w, wOffset, wRowBytes, rows, a, act.count(), out, outOffset, outStride);
            addMinTerms(w, wOffset, wRowBytes, rows, a, act.count(), out, outOffset, outStride);
        } else {
            dotRows(w, wOffset, wRowBytes, rows, act, out, outOffset, outStride);
        }
    }

    /**
     * {@link #minTerms} for every (row, token) pair, 32 tokens in the lanes of two vectors, each lane adding its
     * token's {@code m·s} block after block — the fused multiply-add is exact here (see {@link #minTerms}) — and
     * then added to the pair's output.
     */
    private void addMinTerms(MemorySegment w, long wOffset, long wRowBytes, int rows, Q8Tokens a, int acts,
                             float[] out, int outOffset, int outStride) {
        float[] lanes = new float[TOKENS];
        int bytes = type().typeSize();
        for (int r = 0; r < rows; r++) {
            long row = wOffset + r * wRowBytes;
            for (int tb = 0; tb < a.tokenBlocks; tb++) {
                FloatVector lo = FloatVector.zero(F512);
                FloatVector hi = lo;
                for (int b = 0; b < a.blocks; b++) {
                    FloatVector m = FloatVector.broadcast(F512, Fp16.read(w, row + (long) b * bytes + M));
                    int s = a.scales(tb, b);
                    lo = FloatVector.fromArray(F512, a.sums, s).fma(m, lo);
                    hi = FloatVector.fromArray(F512, a.sums, s + HALF).fma(m, hi);
                }
                lo.intoArray(lanes, 0);
                hi.intoArray(lanes, HALF);
                int tokens = Math.min(TOKENS, acts - TOKENS * tb);
                for (int t = 0; t < tokens; t++) {
                    out[outOffset + (TOKENS * tb + t) * outStride + r] += lanes[t];
                }
            }
        }
    }
}
