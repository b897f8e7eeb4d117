package org.slmlab.quant;

import static org.slmlab.quant.BlockBytes.i8;
import static org.slmlab.quant.BlockBytes.putU8;
import static org.slmlab.quant.BlockBytes.u8;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import org.slmlab.gguf.GgmlType;

/**
 * TQ1_0 — ternary weights {-1, 0, +1} × d packed five to a byte in base 3 (1.6875 bits per weight).
 *
 * <pre>
 * block of 256 weights, 54 bytes:
 *   qs[48]  5 trits per byte: bytes 0..31 hold weights 0..159, bytes 32..47 hold weights 160..239
 *   qh[4]   4 trits per byte: weights 240..255
 *   d       fp16 scale (the block's max |x|)
 * In a group of G code bytes (G = 32, 16, 4) that starts at weight w0, trit t of byte m is weight w0 + t·G + m.
 * </pre>
 * A byte does not store the base-3 number q = t0·81 + t1·27 + t2·9 + t3·3 + t4 (trit c means c − 1) itself but
 * ⌈q·256/243⌉: the trits become a fixed-point fraction q/243 in [0, 1). Multiplying the byte by 3^t (mod 256)
 * shifts trit t to the top, and (byte·3) >> 8 reads it — one multiply and shift per weight, no division.
 * qh bytes have only 4 trits, so they are stored as if a fifth trit 0 followed.
 *
 * <p>Every product, a batch's too, sums in ggml's x86 order ({@link TernaryOrder}), as llama.cpp runs
 * {@code ggml_vec_dot_tq1_0_q8_K} for every (row, token) pair: so this is a plain {@link BlockCodec}, whose tile
 * is one dot per pair.
 */
final class Tq1_0Codec extends BlockCodec {

    private static final int QK = 256;
    private static final int TYPE_SIZE = GgmlType.TQ1_0.typeSize();
    private static final int QS_BYTES = 48;
    private static final int QH_BYTES = 4;
    private static final int D_OFFSET = QS_BYTES + QH_BYTES;
    private static final int Q8K_SIZE = GgmlType.Q8_K.typeSize();
    private static final int Q8K_QS = 4;
    private static final int[] POW3 = {1, 3, 9, 27, 81, 243};

    /** The code-byte groups of a block: first byte, bytes in the group, trits per byte, first weight. */
    private record Group(int firstByte, int bytes, int trits, int firstWeight) {
    }

    private static final Group[] GROUPS = {
        new Group(0, 32, 5, 0), new Group(32, 16, 5, 160), new Group(QS_BYTES, QH_BYTES, 4, 240)};

    Tq1_0Codec() {
        super(GgmlType.TQ1_0, GgmlType.Q8_K);
    }

    /** Trit t (0 = most significant) of a packed byte, as −1, 0 or +1. */
    private static int trit(int packed, int t) {
        int shifted = (packed * POW3[t]) & 0xFF;
        return ((shifted * 3) >> 8) - 1;
    }

    @Override
    public void dequantizeScalar(MemorySegment src, long offset, float[] dst, int dstOffset, int n) {
        for (int blk = 0; blk < n / QK; blk++) {
            long base = offset + (long) blk * TYPE_SIZE;
            float d = Fp16.read(src, base + D_OFFSET);
            for (Group g : GROUPS) {
                dequantizeGroup(src, base, g, d, dst, dstOffset + blk * QK);
            }
        }
    }

    private static void dequantizeGroup(MemorySegment src, long base, Group g, float d, float[] dst, int out) {
        for (int m = 0; m < g.bytes; m++) {
            int packed = u8(src, base + g.firstByte + m);
            for (int t = 0; t < g.trits; t++) {
                dst[out + g.firstWeight + t * g.bytes + m] = trit(packed, t) * d;
            }
        }
    }

    /** Adds c·q8 of one group's weights into their {@link TernaryOrder} lanes; {@code a}: the block's 256 int8. */
    private static void addGroup(MemorySegment w, long base, Group g, MemorySegment act, long a, int[] sums) {
        for (int m = 0; m < g.bytes; m++) {
            int packed = u8(w, base + g.firstByte + m);
            for (int t = 0; t < g.trits; t++) {
                int i = g.firstWeight + t * g.bytes + m;
                sums[TernaryOrder.lane(i)] += (trit(packed, t) + 1) * i8(act, a + i);
            }
        }
    }

    @Override
    public void quantize(float[] src, int srcOffset, MemorySegment dst, long dstOffset, int n, float[] importance) {
        for (int blk = 0; blk < n / QK; blk++) {
            int x = srcOffset + blk * QK;
            long base = dstOffset + (long) blk * TYPE_SIZE;
            float amax = absMax(src, x, QK);
            float id = amax != 0 ? 1.0f / amax : 0.0f;
            Fp16.write(dst, base + D_OFFSET, amax);
            for (Group g : GROUPS) {
                for (int m = 0; m < g.bytes; m++) {
                    int q = 0;
                    for (int t = 0; t < 5; t++) {
                        int c = t < g.trits ? (int) Rounding.roundHalfAwayFromZero(src[x + g.firstWeight + t * g.bytes + m] * id) + 1 : 0;
                        q = q * 3 + c;
                    }
                    putU8(dst, base + g.firstByte + m, (q * 256 + 242) / 243); // ⌈q·256/243⌉
                }
            }
        }
    }

    /** In ggml's x86 order ({@link TernaryOrder}). */
    @Override
    public float dotScalar(MemorySegment w, long wOffset, MemorySegment act, long actOffset, int n) {
        float[] acc = new float[TernaryOrder.LANES];
        int[] sums = new int[TernaryOrder.LANES];
        for (int blk = 0; blk < n / QK; blk++) {
            long base = wOffset + (long) blk * TYPE_SIZE;
            long aBlock = actOffset + (long) blk * Q8K_SIZE;
            Arrays.fill(sums, 0);
            for (Group g : GROUPS) {
                addGroup(w, base, g, act, aBlock + Q8K_QS, sums);
            }
            TernaryOrder.addBlock(sums, act, aBlock, Fp16.read(w, base + D_OFFSET), acc);
        }
        return PartialSums.hsum(acc);
    }

    /** Trit t of eight packed bytes as −1/0/+1 lanes. */
    private static IntVector trits(MemorySegment w, long byteAt, int t) {
        return codes(w, byteAt, t).sub(1);
    }

    /** Trit t of eight packed bytes as the stored codes c = trit + 1 ∈ {0, 1, 2}. */
    private static IntVector codes(MemorySegment w, long byteAt, int t) {
        IntVector shifted = Lanes.unsignedBytes(w, byteAt).mul(POW3[t]).and(0xFF);
        return shifted.mul(3).lanewise(VectorOperators.LSHR, 8);
    }

    /** c·q of the eight weights of trit t in code bytes {@code byteAt ..}, whose quants are at {@code act[a]}. */
    private static IntVector products(MemorySegment w, long byteAt, int t, MemorySegment act, long a) {
        return Lanes.mulActivation(codes(w, byteAt, t), act, a);
    }

    @Override
    public void dequantizeFast(MemorySegment src, long offset, float[] dst, int dstOffset, int n) {
        for (int blk = 0; blk < n / QK; blk++) {
            long base = offset + (long) blk * TYPE_SIZE;
            float d = Fp16.read(src, base + D_OFFSET);
            int out = dstOffset + blk * QK;
            for (int gi = 0; gi < 2; gi++) { // the qs groups are multiples of 8 bytes; qh (4 bytes) goes scalar
                Group g = GROUPS[gi];
                for (int m = 0; m < g.bytes; m += Lanes.N) {
                    for (int t = 0; t < g.trits; t++) {
                        Lanes.storeScaled(trits(src, base + g.firstByte + m, t), d, dst,
                                out + g.firstWeight + t * g.bytes + m);
                    }
                }
            }
            dequantizeGroup(src, base, GROUPS[2], d, dst, out);
        }
    }

    /**
     * {@link #dotScalar}'s integer lanes from eight-weight vectors: a run of eight code bytes holds eight
     * consecutive weights of one trit, all in one quarter of a 32-weight span, so each run adds into the vector of
     * its quarter ({@code q0 .. q3}, locals: in an array the JIT would box them); per block, lanes
     * {@code 4k .. 4k + 3} of the quarters in order are lane {@code k}. In the first group (32 bytes) trit t of
     * bytes {@code 8j ..} is weights {@code 32t + 8j ..}: quarter j; in the second (16 bytes, from weight 160)
     * weights {@code 160 + 16t + 8j ..}: quarter j for even t, j + 2 for odd.
     */
    @Override
    public float dotFast(MemorySegment w, long wOffset, MemorySegment act, long actOffset, int n) {
        float[] acc = new float[TernaryOrder.LANES];
        int[] sums = new int[TernaryOrder.LANES];
        int[] byWeight = new int[32];
        for (int blk = 0; blk < n / QK; blk++) {
            long base = wOffset + (long) blk * TYPE_SIZE;
            long aBlock = actOffset + (long) blk * Q8K_SIZE;
            long a = aBlock + Q8K_QS;
            IntVector q0 = IntVector.zero(Lanes.I);
            IntVector q1 = q0;
            IntVector q2 = q0;
            IntVector q3 = q0;
            for (int t = 0; t < 5; t++) {
                long at = a + 32 * t;
                q0 = q0.add(products(w, base, t, act, at));
                q1 = q1.add(products(w, base + 8, t, act, at + 8));
                q2 = q2.add(products(w, base + 16, t, act, at + 16));
                q3 = q3.add(products(w, base + 24, t, act, at + 24));
            }
            for (int t = 0; t < 5; t++) {
                long at = a + GROUPS[1].firstWeight + 16 * t;
                IntVector low = products(w, base + GROUPS[1].firstByte, t, act, at);
                IntVector high = products(w, base + GROUPS[1].firstByte + 8, t, act, at + 8);
                if (t % 2 == 0) {
                    q0 = q0.add(low);
                    q1 = q1.add(high);
                } else {
                    q2 = q2.add(low);
                    q3 = q3.add(high);
                }
            }
            q0.intoArray(byWeight, 0);
            q1.intoArray(byWeight, 8);
            q2.intoArray(byWeight, 16);
            q3.intoArray(byWeight, 24);
            for (int k = 0; k < TernaryOrder.LANES; k++) {
                sums[k] = byWeight[4 * k] + byWeight[4 * k + 1] + byWeight[4 * k + 2] + byWeight[4 * k + 3];
            }
            addGroup(w, base, GROUPS[2], act, a, sums);
            TernaryOrder.addBlock(sums, act, aBlock, Fp16.read(w, base + D_OFFSET), acc);
        }
        return PartialSums.hsum(acc);
    }
}
