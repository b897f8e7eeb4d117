package org.slmlab.quant;

import static org.slmlab.quant.BlockBytes.i8;
import static org.slmlab.quant.BlockBytes.putU8;
import static org.slmlab.quant.BlockBytes.u8;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.Arrays;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import org.slmlab.gguf.GgmlType;
import org.slmlab.gguf.LittleEndian;

/**
 * Q1_0 — one sign bit per weight and one scale per 128 weights (1.125 bits per weight): weight = ±d.
 *
 * <pre>
 * block of 128 weights, 18 bytes:
 *   d        fp16 scale: the mean |x| of the block (not the max — with only a sign, the mean minimises the error)
 *   qs[16]   bit j%8 of qs[j/8] is weight j: 1 means +d (x ≥ 0, so zeros become +d), 0 means −d
 * </pre>
 * The dot product pairs a block with four Q8_0 blocks: per Q8_0 block, ±q8 sums in integers, times its scale
 * (in ggml's x86 order: see {@link #dotScalar}).
 */
final class Q1_0Codec extends BlockCodec {

    private static final int QK = 128;
    private static final int TYPE_SIZE = GgmlType.Q1_0.typeSize();
    private static final int QS = 2;
    private static final int Q8_0_SIZE = GgmlType.Q8_0.typeSize();
    private static final int Q8_0_QS = 2;
    private static final int Q8_PER_BLOCK = QK / 32;
    private static final IntVector PLUS = IntVector.broadcast(Lanes.I, 1);
    private static final IntVector MINUS = IntVector.broadcast(Lanes.I, -1);

    Q1_0Codec() {
        super(GgmlType.Q1_0, GgmlType.Q8_0);
    }

    private static int sign(MemorySegment w, long base, int j) {
        return ((u8(w, base + QS + j / 8) >> (j % 8)) & 1) != 0 ? 1 : -1;
    }

    @Override
    public void dequantizeScalar(MemorySegment src, long offset, float[] dst, int dstOffset, int n) {
        for (int blk = 0; blk < n / QK; blk++) {
            long base = offset + (long) blk * TYPE_SIZE;
            float d = Fp16.read(src, base);
            for (int j = 0; j < QK; j++) {
                dst[dstOffset + blk * QK + j] = sign(src, base, j) > 0 ? d : -d;
            }
        }
    }

    @Override
    public void quantize(float[] src, int srcOffset, MemorySegment dst, long dstOffset, int n, float[] importance) {
        for (int blk = 0; blk < n / QK; blk++) {
            int x = srcOffset + blk * QK;
            long base = dstOffset + (long) blk * TYPE_SIZE;
            float sumAbs = 0;
            for (int j = 0; j < QK; j++) {
                sumAbs += Math.abs(src[x + j]);
            }
            Fp16.write(dst, base, sumAbs / QK);
            for (int b = 0; b < QK / 8; b++) {
                int bits = 0;
                for (int k = 0; k < 8; k++) {
                    if (src[x + 8 * b + k] >= 0.0f) {
                        bits |= 1 << k;
                    }
                }
                putU8(dst, base + QS + b, bits);
            }
        }
    }

    /**
     * ggml's x86 {@code ggml_vec_dot_q1_0_q8_0}, which llama.cpp runs for every (row, token) pair (no tinyBLAS
     * kernel takes Q1_0). Per 128-weight block, 8 float lanes: for each of its four Q8_0 blocks, lane m adds
     * {@code d_a} times the exact sum of the four ±q of weights 4m..4m+3 ({@link PartialSums}' partial sums; that
     * product of an fp16 number and a small integer is exact, so fused or not it rounds once, in the add); then
     * the row's lanes take {@code d} times the block's lanes in a fused multiply-add, and {@code hsum_float_8} ends
     * the row. Summed otherwise — each Q8_0 block's scale applied to one integer sum, as ggml's generic C code
     * does — the same numbers land an ulp away here and there, and an ulp flips activations of the next layer.
     */
    @Override
    public float dotScalar(MemorySegment w, long wOffset, MemorySegment act, long actOffset, int n) {
        float[] acc = new float[PartialSums.SUMS];
        float[] lanes = new float[PartialSums.SUMS];
        for (int blk = 0; blk < n / QK; blk++) {
            long base = wOffset + (long) blk * TYPE_SIZE;
            Arrays.fill(lanes, 0f);
            for (int k = 0; k < Q8_PER_BLOCK; k++) {
                long a = actOffset + (long) (blk * Q8_PER_BLOCK + k) * Q8_0_SIZE;
                float d = Fp16.read(act, a);
                for (int m = 0; m < PartialSums.SUMS; m++) {
                    int sum = 0;
                    for (int j = PartialSums.GROUP * m; j < PartialSums.GROUP * (m + 1); j++) {
                        sum += sign(w, base, 32 * k + j) * i8(act, a + Q8_0_QS + j);
                    }
                    lanes[m] += d * sum;
                }
            }
            float d = Fp16.read(w, base);
            for (int m = 0; m < PartialSums.SUMS; m++) {
                acc[m] = Math.fma(d, lanes[m], acc[m]);
            }
        }
        return PartialSums.hsum(acc);
    }

    /** ±1 lanes for the 8 weights whose sign bits are the byte at {@code byteAt}. */
    private static IntVector signs(MemorySegment w, long byteAt) {
        VectorMask<Integer> positive = VectorMask.fromLong(Lanes.I, u8(w, byteAt));
        return MINUS.blend(PLUS, positive);
    }

    @Override
    public void dequantizeFast(MemorySegment src, long offset, float[] dst, int dstOffset, int n) {
        for (int blk = 0; blk < n / QK; blk++) {
            long base = offset + (long) blk * TYPE_SIZE;
            float d = Fp16.read(src, base);
            for (int b = 0; b < QK / 8; b++) {
                Lanes.storeScaled(signs(src, base + QS + b), d, dst, dstOffset + blk * QK + 8 * b);
            }
        }
    }

    /**
     * {@link #dotScalar}'s order with vectors: a Q8_0 block's 32 quants as one short vector, negated where the
     * weight's bit is 0 (the 32 bits are the lane mask), make the 32 products; {@link PartialSums#sums} gives their
     * 8 partial sums in weight order.
     */
    @Override
    public float dotFast(MemorySegment w, long wOffset, MemorySegment act, long actOffset, int n) {
        FloatVector acc = FloatVector.zero(Simd.F512);
        for (int blk = 0; blk < n / QK; blk++) {
            long base = wOffset + (long) blk * TYPE_SIZE;
            FloatVector lanes = FloatVector.zero(Simd.F512);
            for (int k = 0; k < Q8_PER_BLOCK; k++) {
                long a = actOffset + (long) (blk * Q8_PER_BLOCK + k) * Q8_0_SIZE;
                ShortVector q = (ShortVector) ByteVector.fromMemorySegment(Simd.B256, act, a + Q8_0_QS,
                        ByteOrder.LITTLE_ENDIAN).convertShape(VectorOperators.B2S, Simd.S512, 0);
                VectorMask<Short> plus = VectorMask.fromLong(Simd.S512, w.get(LittleEndian.INT, base + QS + 4 * k));
                FloatVector products = PartialSums.sums(q.neg().blend(q, plus));
                lanes = products.fma(FloatVector.broadcast(Simd.F512, Fp16.read(act, a)), lanes);
            }
            acc = lanes.fma(FloatVector.broadcast(Simd.F512, Fp16.read(w, base)), acc);
        }
        return PartialSums.hsumInWeightOrder(acc);
    }
}
