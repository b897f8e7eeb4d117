package org.slmlab.quant;

import static org.slmlab.quant.BlockBytes.i8;
import static org.slmlab.quant.BlockBytes.putU8;
import static org.slmlab.quant.BlockBytes.u8;
import static org.slmlab.quant.Simd.F512;
import static org.slmlab.quant.Simd.S512;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import org.slmlab.gguf.GgmlType;

/**
 * TQ2_0 — ternary weights {-1, 0, +1} × d, two bits per weight (BitNet b1.58 / TriLM, 2.0625 bits per weight).
 *
 * <pre>
 * block of 256 weights, 66 bytes:
 *   qs[64]   2-bit codes c ∈ {0,1,2} meaning c − 1; four per byte
 *   d        fp16 scale (the block's max |x|)
 * weight order: two halves of 128; in half h, byte qs[32h + m] holds weights 128h + 32l + m in bits 2l..2l+1
 * (l = 0..3) — so each 32-byte row of codes yields four runs of 32 consecutive weights.
 * </pre>
 * The dot product pairs a block with one Q8_K block: Σ (c − 1)·q8 in integers, times d·d8, in ggml's x86 order
 * ({@link TernaryOrder}) for every (row, token) pair, a batch's too, as llama.cpp does.
 */
final class Tq2_0Codec extends Int8BlockCodec {

    private static final int QK = 256;
    private static final int TYPE_SIZE = GgmlType.TQ2_0.typeSize();
    private static final int QS_BYTES = QK / 4;
    private static final int D_OFFSET = QS_BYTES;
    private static final int Q8K_SIZE = GgmlType.Q8_K.typeSize();
    private static final int Q8K_QS = 4; // Q8_K: float d, then 256 int8
    /** Int lane i takes lane i + 8 (mod 16): the two block halves' sums of one {@link TernaryOrder} lane. */
    private static final VectorShuffle<Integer> OTHER_HALF = VectorShuffle.iota(IntVector.SPECIES_512, 8, 1, true);

    Tq2_0Codec() {
        super(GgmlType.TQ2_0, GgmlType.Q8_K);
    }

    /** Index of the weight stored in bits 2l..2l+1 of code byte {@code b}. */
    private static int weightIndex(int b, int l) {
        return (b / 32) * 128 + l * 32 + b % 32;
    }

    @Override
    public void dequantizeScalar(MemorySegment src, long offset, float[] dst, int dstOffset, int n) {
        for (int blk = 0; blk < n / QK; blk++) {
            long base = offset + (long) blk * TYPE_SIZE;
            float d = Fp16.read(src, base + D_OFFSET);
            int out = dstOffset + blk * QK;
            for (int b = 0; b < QS_BYTES; b++) {
                int bits = u8(src, base + b);
                for (int l = 0; l < 4; l++) {
                    int c = (bits >> (2 * l)) & 3;
                    dst[out + weightIndex(b, l)] = (c - 1) * d;
                }
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
            for (int b = 0; b < QS_BYTES; b++) {
                int bits = 0;
                for (int l = 0; l < 4; l++) {
                    int c = (int) Rounding.roundHalfAwayFromZero(src[x + weightIndex(b, l)] * id) + 1;
                    bits |= (c & 3) << (2 * l);
                }
                putU8(dst, base + b, bits);
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
            long a = actOffset + (long) blk * Q8K_SIZE;
            Arrays.fill(sums, 0);
            for (int b = 0; b < QS_BYTES; b++) {
                int bits = u8(w, base + b);
                for (int l = 0; l < 4; l++) {
                    int i = weightIndex(b, l);
                    sums[TernaryOrder.lane(i)] += ((bits >> (2 * l)) & 3) * i8(act, a + Q8K_QS + i);
                }
            }
            TernaryOrder.addBlock(sums, act, a, Fp16.read(w, base + D_OFFSET), acc);
        }
        return PartialSums.hsum(acc);
    }

    /** Codes c − 1 of the eight weights in bits 2l.. of code bytes b..b+7. */
    private static IntVector codes(MemorySegment w, long byteAt, int l) {
        return Lanes.unsignedBytes(w, byteAt).lanewise(VectorOperators.LSHR, 2 * l).and(3).sub(1);
    }

    @Override
    public void dequantizeFast(MemorySegment src, long offset, float[] dst, int dstOffset, int n) {
        for (int blk = 0; blk < n / QK; blk++) {
            long base = offset + (long) blk * TYPE_SIZE;
            float d = Fp16.read(src, base + D_OFFSET);
            int out = dstOffset + blk * QK;
            for (int b = 0; b < QS_BYTES; b += Lanes.N) {
                for (int l = 0; l < 4; l++) {
                    Lanes.storeScaled(codes(src, base + b, l), d, dst, out + weightIndex(b, l));
                }
            }
        }
    }

    /**
     * A batch too sums every (row, token) pair with {@link #dotRow}, as llama.cpp does: its tile over dequantized
     * floats would sum in another order.
     */
    @Override
    public void dotTile(MemorySegment w, long wOffset, long wRowBytes, int rows, ActivationBatch act,
                        float[] out, int outOffset, int outStride) {
        dotRows(w, wOffset, wRowBytes, rows, act, out, outOffset, outStride);
    }

    /**
     * Per block the 64 code bytes are one load of 32 short lanes (lane {@code k}: bytes {@code 2k, 2k + 1}); eight
     * steps each shift them right by {@code 2p}, mask the codes ({@code c ∈ {0, 1, 2}}) and multiply them with 32
     * activation quants laid out in that very order ({@link WidenedActivation#twoBitLanes}) — three or four
     * instructions per 32 weights and no widening, where unpacking byte by byte costs a shuffle per 32 weights and
     * the {@code c − 1} a subtraction. The short sums start from minus ggml's {@code bsums}
     * ({@link WidenedActivation#twoBitStarts}); a lane stays within 8·2·127 + 16·127 in size. Read as ints, lane
     * {@code j} holds shorts {@code 2j} (low half) and {@code 2j + 1} (high half): the weights whose index mod 32
     * is in {@code [4j, 4j + 4)} of block half {@code j / 8}; two shifts and an add make their sum, and adding the
     * upper 8 lanes to the lower makes {@link TernaryOrder}'s 8 integer lanes (twice over), which become floats
     * and are scaled into 8 float lanes with one fused multiply-add per block, added up once per row in
     * {@code hsum_float_8}'s tree.
     */
    @Override
    float dotRow(MemorySegment w, long wOffset, WidenedActivation a, int n) {
        short[] lanes = a.twoBitLanes;
        FloatVector acc = FloatVector.zero(F512);
        for (int blk = 0; blk < n / QK; blk++) {
            long base = wOffset + (long) blk * TYPE_SIZE;
            int q = blk * QK;
            ShortVector codes = ShortVector.fromMemorySegment(S512, w, base, ByteOrder.LITTLE_ENDIAN);
            ShortVector sums = ShortVector.fromArray(S512, a.twoBitStarts, 32 * blk)
                    .add(codes.and((short) 3).mul(ShortVector.fromArray(S512, lanes, q)));
            for (int p = 1; p < 7; p++) {
                sums = sums.add(codes.lanewise(VectorOperators.LSHR, 2 * p).and((short) 3)
                        .mul(ShortVector.fromArray(S512, lanes, q + 32 * p)));
            }
            // the top bit pair needs no mask: the logical shift leaves nothing above it
            sums = sums.add(codes.lanewise(VectorOperators.LSHR, 14).mul(ShortVector.fromArray(S512, lanes, q + 224)));
            IntVector shortPairs = sums.reinterpretAsInts();
            IntVector ints = shortPairs.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                    .add(shortPairs.lanewise(VectorOperators.ASHR, 16));
            ints = ints.add(ints.rearrange(OTHER_HALF));
            float scale = a.d[blk] * Fp16.read(w, base + D_OFFSET);
            acc = BlockVectors.floats(ints).fma(FloatVector.broadcast(F512, scale), acc);
        }
        return PartialSums.hsumInWeightOrder(acc);
    }
}
