package org.slmlab.quant;

import static org.slmlab.quant.Simd.B128;
import static org.slmlab.quant.Simd.S256;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import org.slmlab.gguf.GgmlType;
import org.slmlab.gguf.LittleEndian;

/**
 * One activation row in Q8_0, Q8_1 or Q8_K blocks, unpacked once for the many weight rows it meets: the int8
 * quants widened to a {@code short[]} (for Q8_1 in its kernels' order), the block scales as floats, and Q8_1's
 * block sums.
 *
 * <p>Why: generation multiplies one activation row by every row of a matrix. Read from its blocks, each weight
 * row would widen the same activation bytes and convert the same fp16 scales again; from plain arrays the block
 * dot only loads them. The values are the blocks' own, so the integer sums stay exactly ggml's.
 */
final class WidenedActivation {

    /** The span of {@link #q4Offsets}: a 32-quant block, lane i pairing quants i and i+16. */
    private static final int PAIRS = 32;

    /** The quants, widened (null for Q8_1, whose kernels read {@link #grouped}). */
    final short[] q;
    /**
     * Q8_1 only (null otherwise), for Q4_1's and Q5_1's kernels: the quants widened, each block in the order in which
     * {@link PartialSums#nibbleCodes} unpacks 4-bit codes, so that one 32-short load meets the codes it multiplies.
     */
    final short[] grouped;
    /**
     * Q8_0 only (null otherwise): the quants as floats, for the kernels that multiply in float lanes (Q4_0, Q8_0):
     * a float FMA does 16 multiply-adds in one instruction where 16-bit lanes need a multiply, an add and two
     * widenings, and the products and their sums within a block are small integers, exact in a float.
     */
    final float[] values;
    /**
     * Q8_0 only: per block, 16 lanes: {@code −8·(q[i] + q[i+16])}, for the two quants that share lane i in Q4_0's
     * kernel (lane i holds weights i and i+16, as the low and high nibbles of a Q4_0 byte do). Q4_0 subtracts 8
     * from every code: Σ(c−8)·q = Σc·q − 8·Σq, and this is the −8·Σq of each lane, made once per activation row
     * rather than once per weight row (an integer below 2¹², exact in a float).
     */
    final float[] q4Offsets;
    /**
     * Q8_K only (null otherwise), for TQ2_0's kernel: per block, the 256 quants in the order in which it unpacks
     * codes — short lane {@code k} of step {@code p} at {@code 256·block + 32p + k} holds the quant of weight
     * {@link TwoBitCodes#weightInShortLane}{@code (p, k)} — so each step multiplies one plain 32-short load.
     */
    final short[] twoBitLanes;
    /**
     * Q8_K only: per block, 32 short lanes that start TQ2_0's integer sums: lanes {@code 2j} and {@code 2j + 1}
     * ({@code j < 8}) hold minus ggml's {@code bsums[2j]} and {@code bsums[2j + 1]}, the upper 16 lanes 0. TQ2_0
     * stores {@code c = w + 1}, and Σ(c − 1)·q = Σc·q − Σq: the −Σq is made once per activation row here rather
     * than once per weight, split over the lanes as ggml splits it ({@link TernaryOrder}), so that each of its 8
     * integer lanes, and the float rounding after it, comes out as ggml's.
     */
    final short[] twoBitStarts;
    /** Per block: the scale. */
    final float[] d;
    /** Per block: Q8_1's stored {@code s = d·Σq} (fp16, as ggml uses it); null for Q8_0 and Q8_K. */
    final float[] sum;

    /** Each form is made only for the activation type whose kernels read it. */
    private WidenedActivation(GgmlType type, int n, int blocks) {
        boolean q8_1 = type == GgmlType.Q8_1;
        q = q8_1 ? null : new short[n];
        grouped = q8_1 ? new short[n] : null;
        boolean q8_0 = type == GgmlType.Q8_0;
        boolean q8_k = type == GgmlType.Q8_K;
        values = q8_0 ? new float[n] : null;
        q4Offsets = q8_0 ? new float[n / 2] : null;
        twoBitLanes = q8_k ? new short[n] : null;
        twoBitStarts = q8_k ? new short[32 * blocks] : null;
        d = new float[blocks];
        sum = q8_1 ? new float[blocks] : null;
    }

    /** The {@code n} activations at {@code offset}, in {@code type} (Q8_0, Q8_1 or Q8_K) blocks. */
    static WidenedActivation of(GgmlType type, MemorySegment act, long offset, int n) {
        int qk = type.blockSize();
        int blockBytes = type.typeSize();
        int quants = switch (type) {
            case Q8_0 -> Q8_0Codec.QS;
            case Q8_1 -> Q8_1Codec.QS;
            case Q8_K -> Q8_KCodec.QS;
            default -> throw new IllegalArgumentException("activation blocks must be Q8_0, Q8_1 or Q8_K, not " + type);
        };
        WidenedActivation a = new WidenedActivation(type, n, n / qk);
        for (int b = 0; b < n / qk; b++) {
            long block = offset + (long) b * blockBytes;
            switch (type) {
                case Q8_1 -> {
                    a.d[b] = Fp16.read(act, block);
                    a.sum[b] = Fp16.read(act, block + Q8_1Codec.S);
                }
                case Q8_K -> a.d[b] = act.get(LittleEndian.FLOAT, block + Q8_KCodec.D);
                default -> a.d[b] = Fp16.read(act, block);
            }
            if (a.grouped != null) {
                PartialSums.groupLikeNibbles(act, block + quants, a.grouped, b * qk);
                continue;
            }
            for (int j = 0; j < qk; j += S256.length()) {
                ByteVector.fromMemorySegment(B128, act, block + quants + j, ByteOrder.LITTLE_ENDIAN)
                        .convertShape(VectorOperators.B2S, S256, 0).reinterpretAsShorts().intoArray(a.q, b * qk + j);
            }
        }
        if (a.values != null) {
            for (int i = 0; i < n; i++) {
                a.values[i] = a.q[i];
            }
            for (int b = 0; b < n / PAIRS; b++) {
                for (int i = 0; i < PAIRS / 2; i++) {
                    a.q4Offsets[b * PAIRS / 2 + i] = -8 * (a.q[b * PAIRS + i] + a.q[b * PAIRS + PAIRS / 2 + i]);
                }
            }
        }
        if (a.twoBitLanes != null) {
            for (int b = 0; b < n / qk; b++) {
                for (int p = 0; p < 8; p++) {
                    for (int k = 0; k < 32; k++) {
                        a.twoBitLanes[b * qk + 32 * p + k] = a.q[b * qk + TwoBitCodes.weightInShortLane(p, k)];
                    }
                }
                for (int i = 0; i < qk; i++) {
                    a.twoBitStarts[32 * b + i / Q8_KCodec.BSUM_GROUP] -= a.q[b * qk + i];
                }
            }
        }
        return a;
    }
}
