package org.slmlab.quant;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Q8_K activation rows turned sideways for the k-quant tile kernel ({@link SuperBlockTile}): the vector lanes
 * are tokens. For each block of 32 tokens and each super-block, value {@code i} of the 32 tokens is two vectors
 * of 16 floats, so one weight (broadcast to all lanes) times a vector is 16 tokens' products in one FMA.
 *
 * <p>Why tokens in lanes: a super-block's sum must be an exact integer before it is scaled, and with weights
 * in lanes each lane would hold a piece of one token's sum, to be added across lanes — a reduction of a few
 * shuffles per (row, token, super-block), which cost prompt processing more than the multiplications did.
 * With tokens in lanes every lane is one token's whole sum; the scaling by {@code d·d_a} and the min term are
 * lane-wise too, with no reduction at all.
 *
 * <p>Per (token block, super-block), {@link #STRIDE} floats: the 256 value vectors, then {@code d} of each
 * token, then eight vectors of pair sums ({@code bsums[2j] + bsums[2j+1]}, the 32 values under min {@code j}).
 * Tokens past the last one are zeros, which add nothing. The values are int8, exact in floats.
 *
 * <p>The floats live in native memory aligned to 64 bytes (a {@link #STRIDE} is a whole number of 64-byte lines),
 * so that every vector the tile loads is one cache line: a {@code float[]}'s elements start 16 bytes into the
 * object, and there every 64-byte load straddled two lines — a loop of the tile's shape ran about 15% faster
 * aligned.
 */
final class Q8_KTokens {

    private static final int QK = KBlocks.QK_K;
    /**
     * Tokens per block: two 512-bit vectors' lanes, so that a broadcast weight feeds two FMAs — with one, the tile
     * loop would wait on its loads (one activation vector and a broadcast per FMA pair) rather than on its FMAs.
     */
    static final int TOKENS = 32;
    static final int SCALES = QK * TOKENS;
    static final int PAIRS = SCALES + TOKENS;
    static final int STRIDE = PAIRS + 8 * TOKENS;
    private static final int LINE = 64;

    final MemorySegment lanes;
    final int blocks;
    final int tokenBlocks;

    Q8_KTokens(MemorySegment act, long actOffset, long actRowBytes, int acts, int n) {
        blocks = n / QK;
        tokenBlocks = (acts + TOKENS - 1) / TOKENS;
        float[] lanes = new float[tokenBlocks * blocks * STRIDE];
        byte[] qs = new byte[TOKENS * QK];
        for (int tb = 0; tb < tokenBlocks; tb++) {
            int tokens = Math.min(TOKENS, acts - TOKENS * tb);
            for (int b = 0; b < blocks; b++) {
                int at = at(tb, b);
                for (int lane = 0; lane < tokens; lane++) {
                    long x = actOffset + (TOKENS * tb + lane) * actRowBytes + (long) b * Q8_KCodec.BLOCK_BYTES;
                    MemorySegment.copy(act, ValueLayout.JAVA_BYTE, x + Q8_KCodec.QS, qs, QK * lane, QK);
                    lanes[at + SCALES + lane] = KBlocks.q8kScale(act, x);
                    for (int j = 0; j < 8; j++) {
                        lanes[at + PAIRS + TOKENS * j + lane] = KBlocks.q8kBlockSum(act, x, 2 * j)
                                + KBlocks.q8kBlockSum(act, x, 2 * j + 1);
                    }
                }
                // the transposition itself, writing in order: scattering each token's values 32 floats apart
                // touched a new cache line per value and took most of the time
                for (int i = 0; i < QK; i++) {
                    for (int lane = 0; lane < tokens; lane++) {
                        lanes[at + TOKENS * i + lane] = qs[QK * lane + i];
                    }
                }
            }
        }
        this.lanes = Arena.ofAuto().allocate(4L * lanes.length, LINE);
        this.lanes.copyFrom(MemorySegment.ofArray(lanes)); // one bulk copy (a JAVA_FLOAT copy goes float by float)
    }

    /** Where the floats of token block {@code tb}, super-block {@code b} start. */
    int at(int tb, int b) {
        return (tb * blocks + b) * STRIDE;
    }
}
