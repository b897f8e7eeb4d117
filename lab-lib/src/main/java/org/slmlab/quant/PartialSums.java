package org.slmlab.quant;

import static org.slmlab.quant.Simd.I512;
import static org.slmlab.quant.Simd.S512;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * ggml's x86 order for one weight row times one activation row of 32-value int8 blocks ({@code ggml_vec_dot_q4_1_q8_1},
 * {@code ggml_vec_dot_q5_1_q8_1}, {@code ggml_vec_dot_q1_0_q8_0}, and per (row, token) pair llamafile's
 * {@code tinyBLAS_Q0}, see {@link Q0Tile}), with the vector pieces of the single-row kernels that follow it.
 *
 * <p><b>The order.</b> A block's 32 products are summed as integers in 8 partial sums, sum {@code m} over the
 * values {@code 4m .. 4m+3} ({@code vpdpbusd}, or {@code maddubs} and {@code madd}: exact, so their own order does
 * not matter). The 8 sums are converted to float and added into 8 float lanes, one lane per sum, with a fused
 * multiply-add by the block's float scale; at the end {@link #hsum} adds the lanes in {@code hsum_float_8}'s tree.
 * An ulp lost anywhere else — another lane count, a product rounded before the add — is enough to flip an
 * activation's rounding to Q8 in the next layer.
 *
 * <p><b>Fast.</b> The 32 products of a block are one 512-bit vector of shorts (codes below 32 times quants of at most
 * 127 in magnitude fit in 16 bits, and so do sums of four of them), arranged so that the four values of a partial
 * sum are four neighbouring lanes; {@link #sums} then adds neighbours twice and converts: 8 float lanes, each one
 * partial sum (and the same 8 again: a kernel's accumulator is 16 lanes, of which it reads the first 8). The lanes need not be in ggml's order, only known: in weight
 * order ({@link #hsumInWeightOrder}) or in the order 4-bit codes unpack to ({@link #hsumInNibbleOrder}).
 */
final class PartialSums {

    /** {@link #sums}' permutations: lane i takes pair 2i, or the pair after it (mod 16: lanes 8..15 repeat 0..7). */
    private static final IntVector FIRST_OF_PAIR = IntVector.fromArray(I512, pairIndexes(0), 0);
    private static final IntVector SECOND_OF_PAIR = IntVector.fromArray(I512, pairIndexes(1), 0);

    /** Partial sums per 32-value block, values per partial sum. */
    static final int SUMS = 8;
    static final int GROUP = 4;

    /** Short lane → weight of the block, for {@link #nibbleCodes}: lane 8p+k is weight 4p+k, lane 8p+4+k weight 16+4p+k. */
    private static final int[] NIBBLE_WEIGHT = new int[32];

    static {
        for (int lane = 0; lane < 32; lane++) {
            int p = lane / 8;
            int k = lane % 4;
            NIBBLE_WEIGHT[lane] = (lane % 8 < 4 ? 0 : 16) + GROUP * p + k;
        }
    }

    /** Lanes of {@link #nibbleCodes} whose weight is in the block's high half: their fifth bit is in qh's upper 16. */
    private static final VectorMask<Short> HIGH_HALF = VectorMask.fromLong(S512, highHalfLanes());
    /** Per lane, the bit of its half of qh that is its weight's fifth bit. */
    private static final ShortVector FIFTH_BIT_SHIFT = ShortVector.fromArray(S512, fifthBitShifts(), 0);

    private PartialSums() {
    }

    private static int[] pairIndexes(int second) {
        int[] index = new int[16];
        for (int i = 0; i < 16; i++) {
            index[i] = (2 * i + second) % 16;
        }
        return index;
    }

    private static long highHalfLanes() {
        long mask = 0;
        for (int lane = 0; lane < 32; lane++) {
            if (NIBBLE_WEIGHT[lane] >= 16) {
                mask |= 1L << lane;
            }
        }
        return mask;
    }

    private static short[] fifthBitShifts() {
        short[] s = new short[32];
        for (int lane = 0; lane < 32; lane++) {
            s[lane] = (short) (NIBBLE_WEIGHT[lane] % 16);
        }
        return s;
    }

    /**
     * The 32 nibbles of a 4-bit block's 16 packed bytes at {@code qs} (weight j in the low nibble of byte j, weight
     * j+16 in its high one) as shorts, lane 8p+k holding weight 4p+k and lane 8p+4+k weight 16+4p+k: partial sums 0, 4, 1, 5, 2, 6, 3, 7
     * in this order. Read as four ints, each holds the low nibbles of
     * four weights of one partial sum and the high nibbles of four of another; widened to longs, each int's high
     * nibbles shift into the upper half, and a mask leaves one code per byte.
     */
    static ShortVector nibbleCodes(MemorySegment w, long qs) {
        LongVector words = (LongVector) IntVector.fromMemorySegment(IntVector.SPECIES_128, w, qs, ByteOrder.LITTLE_ENDIAN)
                .convertShape(VectorOperators.ZERO_EXTEND_I2L, LongVector.SPECIES_256, 0);
        LongVector codes = words.or(words.lanewise(VectorOperators.LSHL, 28)).and(0x0F0F0F0F_0F0F0F0FL);
        return (ShortVector) codes.reinterpretAsBytes().convertShape(VectorOperators.B2S, S512, 0);
    }

    /** Q5_1's fifth bits ({@code qh}: bit j for weight j) as 0 or 16 in the lanes of {@link #nibbleCodes}. */
    static ShortVector fifthBits(int qh) {
        return ShortVector.broadcast(S512, (short) qh)
                .blend((short) (qh >>> 16), HIGH_HALF)
                .lanewise(VectorOperators.LSHR, FIFTH_BIT_SHIFT).and((short) 1).lanewise(VectorOperators.LSHL, 4);
    }

    /**
     * The 32 int8 quants at {@code quants} widened and reordered like {@link #nibbleCodes}, into
     * {@code grouped[at .. at+32)}: lane by lane, the quant its code multiplies.
     */
    static void groupLikeNibbles(MemorySegment act, long quants, short[] grouped, int at) {
        for (int lane = 0; lane < 32; lane++) {
            grouped[at + lane] = act.get(ValueLayout.JAVA_BYTE, quants + NIBBLE_WEIGHT[lane]);
        }
    }

    /**
     * The 8 partial sums of 32 products whose groups of four are neighbouring lanes, as floats (exact) in lanes
     * 0..7 — in the order of the groups — and again in lanes 8..15. Adding the upper short of each int to the
     * lower with a shift keeps the sum of two neighbours in the upper half, which an arithmetic shift brings down
     * sign-extended; two permutations then take the first and the second of every two such pairs, and an add
     * sums them. (The permutations fill 16 lanes from the 8 pairs of pairs twice over: gathering into 8 lanes, or
     * adding inside longs instead, measured slower.)
     */
    static FloatVector sums(ShortVector products) {
        IntVector pairs = products.reinterpretAsInts();
        pairs = pairs.add(pairs.lanewise(VectorOperators.LSHL, 16)).lanewise(VectorOperators.ASHR, 16);
        IntVector quads = FIRST_OF_PAIR.selectFrom(pairs, pairs).add(SECOND_OF_PAIR.selectFrom(pairs, pairs));
        return (FloatVector) quads.convert(VectorOperators.I2F, 0);
    }

    /**
     * {@link #hsum} of the first 8 float lanes, holding the partial sums in weight order (lane m: sum m). The first
     * operation, {@code −0 + acc}, changes no lane (not even a zero's sign): it is on a vector of a known shape, so
     * the JIT knows which class the lanes are read from — without it, C2 compiled {@code lane} as a virtual call on
     * a boxed vector, once per row (see {@link Simd#sum}; a helper method for it was not inlined either).
     */
    static float hsumInWeightOrder(FloatVector acc) {
        FloatVector x = FloatVector.broadcast(Simd.F512, -0f).add(acc);
        return ((x.lane(0) + x.lane(4)) + (x.lane(2) + x.lane(6))) + ((x.lane(1) + x.lane(5)) + (x.lane(3) + x.lane(7)));
    }

    /**
     * {@link #hsum} of the first 8 float lanes in {@link #nibbleCodes}' order: lanes 2i and 2i+1 hold sums i and
     * i+4. The {@code −0 +} as in {@link #hsumInWeightOrder}.
     */
    static float hsumInNibbleOrder(FloatVector acc) {
        FloatVector x = FloatVector.broadcast(Simd.F512, -0f).add(acc);
        return ((x.lane(0) + x.lane(1)) + (x.lane(4) + x.lane(5))) + ((x.lane(2) + x.lane(3)) + (x.lane(6) + x.lane(7)));
    }

    /** {@code hsum_float_8}: with x the 8 partial sums, {@code v_i = x_i + x_{i+4}}, then {@code (v0 + v2) + (v1 + v3)}. */
    static float hsum(float[] x) {
        return ((x[0] + x[4]) + (x[2] + x[6])) + ((x[1] + x[5]) + (x[3] + x[7]));
    }
}
