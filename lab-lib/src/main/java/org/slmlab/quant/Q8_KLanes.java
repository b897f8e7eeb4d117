package org.slmlab.quant;

import static jdk.incubator.vector.VectorOperators.ASHR;
import static jdk.incubator.vector.VectorOperators.I2F;
import static jdk.incubator.vector.VectorOperators.LSHL;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Q8_K activation rows laid out for the k-quants' single-token kernels ({@link SuperBlockTile.Decoder#dotRow}):
 * each super-block's 256 int8 values as floats, in the order in which the weight kernel unpacks its codes.
 *
 * <p>Why an order of its own: the weight kernels do not widen their packed codes byte by byte (on x86 every
 * widening is a shuffle, and shuffles all queue for one execution port). They read the packed bytes as
 * 32-bit lanes instead: 64 code bytes are 16 int lanes of 4 bytes, and {@code (lane >>> 8s) & 0xFF} takes byte
 * {@code s} out of every lane at once with plain shifts and masks. Lane {@code k} then holds the code of byte
 * {@code 4k + s} — so the activation that meets it must sit in lane {@code k} too. This class puts it there once
 * per matrix product, so the kernel, run once per weight row, finds its activations in plain 16-float vectors.
 *
 * <p>Per super-block a kernel works in four groups of 64 codes; group {@code g} reads two runs of 32 code bytes
 * (a 64-byte load need not be 64 consecutive weights: Q4_K's low nibbles of 64 bytes are two runs 64 weights
 * apart), given by the codec as {@link Order#runs}: weight {@code runs[2g] + 4k + s} for lanes {@code k < 8},
 * {@code runs[2g + 1] + 4(k - 8) + s} for the others. A super-block's floats, {@link #STRIDE} of them:
 * <pre>
 *   [0, 256)    values: group g, byte s, lane k at 64g + 16s + k
 *   [256, 320)  group sums: lane k of group g at 256 + 16g + k holds Σ_s of its four values
 *   [320, 336)  pair sums: lanes 0-7 zero, lane 8 + j holds bsums[2j] + bsums[2j+1] (the 32 values under min j)
 * </pre>
 * All are small integers, exact in floats, so the kernels' sums stay exact.
 */
final class Q8_KLanes {

    private static final int QK = KBlocks.QK_K;
    static final int GROUPS = 4;
    static final int SUMS = QK;
    static final int PAIRS = SUMS + 16 * GROUPS;
    static final int STRIDE = PAIRS + 16;
    private static final VectorSpecies<Integer> I256 = IntVector.SPECIES_256;
    private static final VectorSpecies<Float> F512 = Simd.F512;

    /** Where the two 32-byte runs of each group of 64 codes start in a super-block, as weight indices. */
    record Order(int... runs) {
        Order {
            if (runs.length != 2 * GROUPS) {
                throw new IllegalArgumentException("a lane order names " + 2 * GROUPS + " runs, not " + runs.length);
            }
        }
    }

    /** {@link #STRIDE} floats per super-block of every row, one row after another. */
    final float[] lanes;
    /** The scale {@code d} of every super-block of every row. */
    final float[] d;
    /** Super-blocks per row. */
    final int blocks;

    Q8_KLanes(Order order, MemorySegment act, long actOffset, long actRowBytes, int acts, int n) {
        blocks = n / QK;
        lanes = new float[acts * blocks * STRIDE];
        d = new float[acts * blocks];
        for (int t = 0; t < acts; t++) {
            for (int b = 0; b < blocks; b++) {
                long x = actOffset + t * actRowBytes + (long) b * Q8_KCodec.BLOCK_BYTES;
                int k = t * blocks + b;
                d[k] = KBlocks.q8kScale(act, x);
                layOut(order, act, x, lanes, k * STRIDE);
            }
        }
    }

    /** One super-block at {@code x} into {@code dst[at..at + STRIDE)}. */
    private static void layOut(Order order, MemorySegment act, long x, float[] dst, int at) {
        for (int g = 0; g < GROUPS; g++) {
            for (int half = 0; half < 2; half++) {
                IntVector v = IntVector.fromMemorySegment(I256, act, x + Q8_KCodec.QS + order.runs[2 * g + half],
                        ByteOrder.LITTLE_ENDIAN);
                for (int s = 0; s < 4; s++) {
                    // byte s of each lane, sign-extended: shifted to the top, then arithmetically back down
                    ((FloatVector) v.lanewise(LSHL, 24 - 8 * s).lanewise(ASHR, 24).convert(I2F, 0))
                            .intoArray(dst, at + 64 * g + 16 * s + 8 * half);
                }
            }
            FloatVector sum = FloatVector.zero(F512);
            for (int s = 0; s < 4; s++) {
                sum = sum.add(FloatVector.fromArray(F512, dst, at + 64 * g + 16 * s));
            }
            sum.intoArray(dst, at + SUMS + 16 * g);
        }
        for (int j = 0; j < 8; j++) {
            dst[at + PAIRS + j] = 0;
            dst[at + PAIRS + 8 + j] = KBlocks.q8kBlockSum(act, x, 2 * j) + KBlocks.q8kBlockSum(act, x, 2 * j + 1);
        }
    }
}
