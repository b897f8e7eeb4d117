package org.slmlab.quant;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.slmlab.gguf.GgmlType;

/**
 * Q8_0 or Q8_1 activation rows turned sideways for {@link Q0Tile}: the vector lanes are tokens. For each block of
 * {@link #TOKENS} tokens, value {@code i} of a 32-value block is two vectors holding that value of every token, so
 * a weight (broadcast to all lanes) times them is 32 tokens' products in two instructions.
 *
 * <p>Why this order: llamafile's kernel keeps 8 partial sums per (weight row, token), sum {@code m} taking the
 * values {@code 4m .. 4m+3} of every block ({@link Q0Tile} says why). The kernel therefore runs through the blocks
 * once per partial sum, and what it reads for partial sum {@code m} is stored together: the vectors of values
 * {@code 4m .. 4m+3} of block 0, then of block 1, and so on ({@link #values(int, int, int)}), one sequential stream.
 * The block scales {@code d} of the 32 tokens are two vectors per block ({@link #scales(int, int)}), and so are
 * Q8_1's stored block sums {@code s} ({@link #sums}), which the types with a min add on their own.
 *
 * <p>The values are int8, exact in floats; lanes past the last token are zeros.
 */
final class Q8Tokens {

    /**
     * Tokens per block: two 512-bit vectors of floats, so that every broadcast weight feeds two FMAs (with one,
     * the kernel spent as many instructions broadcasting weights as multiplying).
     */
    static final int TOKENS = 32;
    /** Values of a block that go into one partial sum. */
    static final int GROUP = 4;
    /** Partial sums per (row, token): one per group of a 32-value block. */
    static final int SUMS = 8;

    private static final int QK = Q8_0Codec.QK;

    /** Per token block, per partial sum {@code m}, per block: {@link #GROUP} vectors of {@link #TOKENS} values. */
    final float[] values;
    /** Per token block, per block: the {@link #TOKENS} scales. */
    final float[] scales;
    /** Q8_1 only (null for Q8_0): per token block, per block, the {@link #TOKENS} stored sums, at {@link #scales}. */
    final float[] sums;
    final int blocks;
    final int tokenBlocks;

    /** {@code acts} rows of {@code n} activations in {@code type} (Q8_0 or Q8_1) blocks. */
    Q8Tokens(GgmlType type, MemorySegment act, long actOffset, long actRowBytes, int acts, int n) {
        if (type != GgmlType.Q8_0 && type != GgmlType.Q8_1) {
            throw new IllegalArgumentException("tokens in lanes are Q8_0 or Q8_1 blocks, not " + type);
        }
        int blockBytes = type.typeSize();
        int quants = blockBytes - QK;   // both end with their 32 quants, after 2 (d) or 4 (d, s) header bytes
        blocks = n / QK;
        tokenBlocks = (acts + TOKENS - 1) / TOKENS;
        values = new float[tokenBlocks * SUMS * blocks * GROUP * TOKENS];
        scales = new float[tokenBlocks * blocks * TOKENS];
        sums = type == GgmlType.Q8_1 ? new float[scales.length] : null;
        byte[] qs = new byte[TOKENS * QK];
        for (int tb = 0; tb < tokenBlocks; tb++) {
            int tokens = Math.min(TOKENS, acts - TOKENS * tb);
            for (int b = 0; b < blocks; b++) {
                for (int lane = 0; lane < tokens; lane++) {
                    long x = actOffset + (TOKENS * tb + lane) * actRowBytes + (long) b * blockBytes;
                    MemorySegment.copy(act, ValueLayout.JAVA_BYTE, x + quants, qs, QK * lane, QK);
                    scales[scales(tb, b) + lane] = Fp16.read(act, x);
                    if (sums != null) {
                        sums[scales(tb, b) + lane] = Fp16.read(act, x + Q8_1Codec.S);
                    }
                }
                // the transposition, writing each group's 128 floats in order (reading the 32 tokens' bytes from
                // one small array rather than scattering each token's values across the output)
                for (int m = 0; m < SUMS; m++) {
                    int at = values(tb, m, b);
                    for (int k = 0; k < GROUP; k++) {
                        for (int lane = 0; lane < tokens; lane++) {
                            values[at + TOKENS * k + lane] = qs[QK * lane + GROUP * m + k];
                        }
                    }
                }
            }
        }
    }

    /** Where the values of partial sum {@code m}, token block {@code tb}, block {@code b} start. */
    int values(int tb, int m, int b) {
        return ((tb * SUMS + m) * blocks + b) * GROUP * TOKENS;
    }

    /** Where the scales (and Q8_1's sums) of token block {@code tb}, block {@code b} start. */
    int scales(int tb, int b) {
        return (tb * blocks + b) * TOKENS;
    }
}
