package org.slmlab.quant;

import static org.slmlab.quant.BlockBytes.i8;
import static org.slmlab.quant.BlockBytes.putU8;
import static org.slmlab.quant.BlockBytes.u8;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import org.slmlab.gguf.GgmlType;

/**
 * Q1_0 — one sign bit per weight and one scale per 128 weights (1.125 bits per weight): weight = ±d.
 *
 * <pre>
 * block of 128 weights, 18 bytes:
 *   d        fp16 scale: the mean |x| of the block (not the max — with only a sign, the mean minimises the error)
 *   qs[16]   bit j%8 of qs[j/8] is weight j: 1 means +d (x ≥ 0, so zeros become +d), 0 means −d
 * </pre>
 * The dot product pairs a block with four Q8_0 blocks: per Q8_0 block, ±q8 sums in integers, times its scale.
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

    @Override
    public float dotScalar(MemorySegment w, long wOffset, MemorySegment act, long actOffset, int n) {
        float sum = 0;
        for (int blk = 0; blk < n / QK; blk++) {
            long base = wOffset + (long) blk * TYPE_SIZE;
            float sumBlock = 0;
            for (int k = 0; k < Q8_PER_BLOCK; k++) {
                long a = actOffset + (long) (blk * Q8_PER_BLOCK + k) * Q8_0_SIZE;
                int sumi = 0;
                for (int j = 0; j < 32; j++) {
                    sumi += sign(w, base, 32 * k + j) * i8(act, a + Q8_0_QS + j);
                }
                sumBlock += Fp16.read(act, a) * sumi;
            }
            sum += Fp16.read(w, base) * sumBlock;
        }
        return sum;
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

    @Override
    public float dotFast(MemorySegment w, long wOffset, MemorySegment act, long actOffset, int n) {
        float sum = 0;
        for (int blk = 0; blk < n / QK; blk++) {
            long base = wOffset + (long) blk * TYPE_SIZE;
            float sumBlock = 0;
            for (int k = 0; k < Q8_PER_BLOCK; k++) {
                long a = actOffset + (long) (blk * Q8_PER_BLOCK + k) * Q8_0_SIZE;
                IntVector acc = IntVector.zero(Lanes.I);
                for (int b = 0; b < 4; b++) {
                    acc = acc.add(Lanes.mulActivation(signs(w, base + QS + 4 * k + b), act, a + Q8_0_QS + 8 * b));
                }
                sumBlock += Fp16.read(act, a) * acc.reduceLanes(VectorOperators.ADD);
            }
            sum += Fp16.read(w, base) * sumBlock;
        }
        return sum;
    }
}
