package org.slmlab.quant;

import static org.slmlab.quant.BlockBytes.i8;
import static org.slmlab.quant.BlockBytes.putU8;
import static org.slmlab.quant.BlockBytes.u8;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import org.slmlab.gguf.GgmlType;

/**
 * MXFP4 — the OCP microscaling format: 32 FP4 (E2M1) weights share one power-of-two scale (4.25 bits per weight).
 *
 * <pre>
 * block of 32 weights, 17 bytes:
 *   e        E8M0 scale byte: 2^(e − 127)
 *   qs[16]   nibbles; weight j (j &lt; 16) is the low nibble of qs[j], weight j + 16 its high nibble
 * weight = E2M1(nibble) · 2^(e − 127)   (computed as {@link Fp4#VALUES}[nibble] · 2^(e − 128))
 * </pre>
 * The scale is chosen from the exponent of the block's max magnitude (no search), each weight then takes the
 * nearest of the 16 values. The dot product pairs a block with one Q8_0 block.
 */
final class Mxfp4Codec extends BlockCodec {

    private static final int QK = 32;
    private static final int TYPE_SIZE = GgmlType.MXFP4.typeSize();
    private static final int QS = 1;
    private static final int Q8_0_SIZE = GgmlType.Q8_0.typeSize();
    private static final int Q8_0_QS = 2; // Q8_0: fp16 d, then 32 int8

    Mxfp4Codec() {
        super(GgmlType.MXFP4, GgmlType.Q8_0);
    }

    @Override
    public void dequantizeScalar(MemorySegment src, long offset, float[] dst, int dstOffset, int n) {
        for (int blk = 0; blk < n / QK; blk++) {
            long base = offset + (long) blk * TYPE_SIZE;
            float d = Fp4.e8m0Half(u8(src, base));
            int out = dstOffset + blk * QK;
            for (int j = 0; j < QK / 2; j++) {
                int packed = u8(src, base + QS + j);
                dst[out + j] = Fp4.VALUES[packed & 0xF] * d;
                dst[out + j + QK / 2] = Fp4.VALUES[packed >> 4] * d;
            }
        }
    }

    @Override
    public void quantize(float[] src, int srcOffset, MemorySegment dst, long dstOffset, int n, float[] importance) {
        for (int blk = 0; blk < n / QK; blk++) {
            int x = srcOffset + blk * QK;
            long base = dstOffset + (long) blk * TYPE_SIZE;
            float amax = absMax(src, x, QK);
            int e = Fp4.e8m0For(amax);
            float d = Fp4.e8m0Half(e);
            putU8(dst, base, e);
            for (int j = 0; j < QK / 2; j++) {
                putU8(dst, base + QS + j, Fp4.nearest(src[x + j], d) | Fp4.nearest(src[x + j + QK / 2], d) << 4);
            }
        }
    }

    @Override
    public float dotScalar(MemorySegment w, long wOffset, MemorySegment act, long actOffset, int n) {
        float sum = 0;
        for (int blk = 0; blk < n / QK; blk++) {
            long base = wOffset + (long) blk * TYPE_SIZE;
            long a = actOffset + (long) blk * Q8_0_SIZE;
            int sumi = 0;
            for (int j = 0; j < QK / 2; j++) {
                int packed = u8(w, base + QS + j);
                sumi += Fp4.VALUES[packed & 0xF] * i8(act, a + Q8_0_QS + j)
                        + Fp4.VALUES[packed >> 4] * i8(act, a + Q8_0_QS + j + QK / 2);
            }
            sum += (Fp16.read(act, a) * Fp4.e8m0Half(u8(w, base))) * sumi;
        }
        return sum;
    }

    /** Values of the low (high = false) or high nibbles of the 8 bytes at {@code byteAt}. */
    private static IntVector values(MemorySegment w, long byteAt, boolean high) {
        IntVector packed = Lanes.unsignedBytes(w, byteAt);
        return Fp4.values(high ? packed.lanewise(VectorOperators.LSHR, 4) : packed.and(0xF));
    }

    @Override
    public void dequantizeFast(MemorySegment src, long offset, float[] dst, int dstOffset, int n) {
        for (int blk = 0; blk < n / QK; blk++) {
            long base = offset + (long) blk * TYPE_SIZE;
            float d = Fp4.e8m0Half(u8(src, base));
            int out = dstOffset + blk * QK;
            for (int j = 0; j < QK / 2; j += Lanes.N) {
                Lanes.storeScaled(values(src, base + QS + j, false), d, dst, out + j);
                Lanes.storeScaled(values(src, base + QS + j, true), d, dst, out + j + QK / 2);
            }
        }
    }

    @Override
    public float dotFast(MemorySegment w, long wOffset, MemorySegment act, long actOffset, int n) {
        float sum = 0;
        for (int blk = 0; blk < n / QK; blk++) {
            long base = wOffset + (long) blk * TYPE_SIZE;
            long a = actOffset + (long) blk * Q8_0_SIZE;
            IntVector acc = IntVector.zero(Lanes.I);
            for (int j = 0; j < QK / 2; j += Lanes.N) {
                acc = acc.add(Lanes.mulActivation(values(w, base + QS + j, false), act, a + Q8_0_QS + j))
                        .add(Lanes.mulActivation(values(w, base + QS + j, true), act, a + Q8_0_QS + j + QK / 2));
            }
            sum += (Fp16.read(act, a) * Fp4.e8m0Half(u8(w, base))) * acc.reduceLanes(VectorOperators.ADD);
        }
        return sum;
    }
}
