package org.slmlab.quant;

import static org.slmlab.quant.BlockBytes.i8;
import static org.slmlab.quant.BlockBytes.putU8;
import static org.slmlab.quant.BlockBytes.u8;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import org.slmlab.gguf.GgmlType;

/**
 * Q2_0 — two bits per weight and one scale per 64 weights (2.25 bits per weight): weight = (c − 1)·d.
 *
 * <pre>
 * block of 64 weights, 18 bytes:
 *   d        fp16 scale: the block's max |x|
 *   qs[16]   code of weight j in bits 2(j%4)..2(j%4)+1 of qs[j/4]; c ∈ {0,1,2,3} means −1, 0, +1, +2
 * </pre>
 * The quantizer rounds x/d into [−1, 1], so it only ever writes codes 0..2 — ternary weights with a wider
 * block layout than TQ2_0; code 3 (+2) decodes but is never produced. The dot product pairs a block with two
 * Q8_0 blocks.
 */
final class Q2_0Codec extends BlockCodec {

    private static final int QK = 64;
    private static final int TYPE_SIZE = GgmlType.Q2_0.typeSize();
    private static final int QS = 2;
    private static final int Q8_0_SIZE = GgmlType.Q8_0.typeSize();
    private static final int Q8_0_QS = 2;
    private static final int Q8_PER_BLOCK = QK / 32;
    /** Lane k of an 8-weight group reads bits 2k..2k+1 of the group's two code bytes. */
    private static final IntVector SHIFTS = IntVector.fromArray(Lanes.I, new int[] {0, 2, 4, 6, 8, 10, 12, 14}, 0);

    Q2_0Codec() {
        super(GgmlType.Q2_0, GgmlType.Q8_0);
    }

    private static int code(MemorySegment w, long base, int j) {
        return ((u8(w, base + QS + j / 4) >> (2 * (j % 4))) & 3) - 1;
    }

    @Override
    public void dequantizeScalar(MemorySegment src, long offset, float[] dst, int dstOffset, int n) {
        for (int blk = 0; blk < n / QK; blk++) {
            long base = offset + (long) blk * TYPE_SIZE;
            float d = Fp16.read(src, base);
            for (int j = 0; j < QK; j++) {
                dst[dstOffset + blk * QK + j] = code(src, base, j) * d;
            }
        }
    }

    @Override
    public void quantize(float[] src, int srcOffset, MemorySegment dst, long dstOffset, int n, float[] importance) {
        for (int blk = 0; blk < n / QK; blk++) {
            int x = srcOffset + blk * QK;
            long base = dstOffset + (long) blk * TYPE_SIZE;
            float amax = absMax(src, x, QK);
            float id = amax > 0 ? 1.0f / amax : 0.0f;
            Fp16.write(dst, base, amax);
            for (int b = 0; b < QK / 4; b++) {
                int bits = 0;
                for (int k = 0; k < 4; k++) {
                    int c = Math.clamp((int) Rounding.roundHalfAwayFromZero(src[x + 4 * b + k] * id) + 1, 0, 3);
                    bits |= c << (2 * k);
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
                    sumi += code(w, base, 32 * k + j) * i8(act, a + Q8_0_QS + j);
                }
                sumBlock += Fp16.read(act, a) * sumi;
            }
            sum += Fp16.read(w, base) * sumBlock;
        }
        return sum;
    }

    /** Codes c − 1 of the 8 weights stored in the two bytes at {@code byteAt}. */
    private static IntVector codes(MemorySegment w, long byteAt) {
        int bits = u8(w, byteAt) | u8(w, byteAt + 1) << 8;
        return IntVector.broadcast(Lanes.I, bits).lanewise(VectorOperators.LSHR, SHIFTS).and(3).sub(1);
    }

    @Override
    public void dequantizeFast(MemorySegment src, long offset, float[] dst, int dstOffset, int n) {
        for (int blk = 0; blk < n / QK; blk++) {
            long base = offset + (long) blk * TYPE_SIZE;
            float d = Fp16.read(src, base);
            for (int g = 0; g < QK / 8; g++) {
                Lanes.storeScaled(codes(src, base + QS + 2 * g), d, dst, dstOffset + blk * QK + 8 * g);
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
                for (int g = 0; g < 4; g++) {
                    acc = acc.add(Lanes.mulActivation(codes(w, base + QS + 8 * k + 2 * g), act, a + Q8_0_QS + 8 * g));
                }
                sumBlock += Fp16.read(act, a) * acc.reduceLanes(VectorOperators.ADD);
            }
            sum += Fp16.read(w, base) * sumBlock;
        }
        return sum;
    }
}
