package org.slmlab.quant;

import static org.slmlab.quant.BlockBytes.i8;
import static org.slmlab.quant.BlockBytes.putU8;
import static org.slmlab.quant.BlockBytes.u8;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import org.slmlab.gguf.GgmlType;

/**
 * NVFP4 — NVIDIA's FP4: 16 FP4 (E2M1) weights share an 8-bit E4M3 scale (4.5 bits per weight).
 *
 * <pre>
 * block of 64 weights (four sub-blocks of 16), 36 bytes:
 *   d[4]     unsigned E4M3 scale of each sub-block
 *   qs[32]   8 bytes per sub-block s: weight 16s + j (j &lt; 8) is the low nibble of qs[8s + j], 16s + j + 8 the high
 * weight = E2M1(nibble) · UE4M3(d[s])
 * </pre>
 * Unlike MXFP4 the scale is not a power of two: it is amax / 6 (6 = the largest E2M1 value) rounded to E4M3, so a
 * sub-block's largest weight lands close to ±6·scale. (NVIDIA's full format adds a per-tensor FP32 scale; ggml's
 * block has none.) The dot product pairs a block with two Q8_0 blocks (sub-blocks 0-1 and 2-3).
 */
final class Nvfp4Codec extends BlockCodec {

    private static final int QK = 64;
    private static final int SUB = 16;
    private static final int N_SUB = QK / SUB;
    private static final int TYPE_SIZE = GgmlType.NVFP4.typeSize();
    private static final int QS = N_SUB;
    private static final int Q8_0_SIZE = GgmlType.Q8_0.typeSize();
    private static final int Q8_0_QS = 2;

    Nvfp4Codec() {
        super(GgmlType.NVFP4, GgmlType.Q8_0);
    }

    @Override
    public void dequantizeScalar(MemorySegment src, long offset, float[] dst, int dstOffset, int n) {
        for (int blk = 0; blk < n / QK; blk++) {
            long base = offset + (long) blk * TYPE_SIZE;
            for (int s = 0; s < N_SUB; s++) {
                float d = Fp4.ue4m3Half(u8(src, base + s));
                int out = dstOffset + blk * QK + s * SUB;
                for (int j = 0; j < SUB / 2; j++) {
                    int packed = u8(src, base + QS + s * (SUB / 2) + j);
                    dst[out + j] = Fp4.VALUES[packed & 0xF] * d;
                    dst[out + j + SUB / 2] = Fp4.VALUES[packed >> 4] * d;
                }
            }
        }
    }

    @Override
    public void quantize(float[] src, int srcOffset, MemorySegment dst, long dstOffset, int n, float[] importance) {
        for (int blk = 0; blk < n / QK; blk++) {
            long base = dstOffset + (long) blk * TYPE_SIZE;
            for (int s = 0; s < N_SUB; s++) {
                int x = srcOffset + blk * QK + s * SUB;
                float amax = absMax(src, x, SUB);
                int scale = Fp4.toUe4m3(amax / 6.0f);
                float d = Fp4.ue4m3Half(scale);
                putU8(dst, base + s, scale);
                for (int j = 0; j < SUB / 2; j++) {
                    int lo = Fp4.nearest(src[x + j], d);
                    int hi = Fp4.nearest(src[x + j + SUB / 2], d);
                    putU8(dst, base + QS + s * (SUB / 2) + j, lo | hi << 4);
                }
            }
        }
    }

    /** The Q8_0 block and the offset inside it that hold the activations of sub-block s of block blk. */
    private static long activationAt(long actOffset, int blk, int s) {
        return actOffset + (long) (2 * blk + s / 2) * Q8_0_SIZE;
    }

    @Override
    public float dotScalar(MemorySegment w, long wOffset, MemorySegment act, long actOffset, int n) {
        float sum = 0;
        for (int blk = 0; blk < n / QK; blk++) {
            long base = wOffset + (long) blk * TYPE_SIZE;
            for (int s = 0; s < N_SUB; s++) {
                long a = activationAt(actOffset, blk, s);
                long q = a + Q8_0_QS + (s % 2) * SUB;
                int sumi = 0;
                for (int j = 0; j < SUB / 2; j++) {
                    int packed = u8(w, base + QS + s * (SUB / 2) + j);
                    sumi += Fp4.VALUES[packed & 0xF] * i8(act, q + j) + Fp4.VALUES[packed >> 4] * i8(act, q + j + SUB / 2);
                }
                sum += Fp16.read(act, a) * Fp4.ue4m3Half(u8(w, base + s)) * sumi;
            }
        }
        return sum;
    }

    @Override
    public void dequantizeFast(MemorySegment src, long offset, float[] dst, int dstOffset, int n) {
        for (int blk = 0; blk < n / QK; blk++) {
            long base = offset + (long) blk * TYPE_SIZE;
            for (int s = 0; s < N_SUB; s++) {
                float d = Fp4.ue4m3Half(u8(src, base + s));
                int out = dstOffset + blk * QK + s * SUB;
                IntVector packed = Lanes.unsignedBytes(src, base + QS + s * (SUB / 2));
                Lanes.storeScaled(Fp4.values(packed.and(0xF)), d, dst, out);
                Lanes.storeScaled(Fp4.values(packed.lanewise(VectorOperators.LSHR, 4)), d, dst, out + SUB / 2);
            }
        }
    }

    @Override
    public float dotFast(MemorySegment w, long wOffset, MemorySegment act, long actOffset, int n) {
        float sum = 0;
        for (int blk = 0; blk < n / QK; blk++) {
            long base = wOffset + (long) blk * TYPE_SIZE;
            for (int s = 0; s < N_SUB; s++) {
                long a = activationAt(actOffset, blk, s);
                long q = a + Q8_0_QS + (s % 2) * SUB;
                IntVector packed = Lanes.unsignedBytes(w, base + QS + s * (SUB / 2));
                int sumi = Lanes.mulActivation(Fp4.values(packed.and(0xF)), act, q)
                        .add(Lanes.mulActivation(Fp4.values(packed.lanewise(VectorOperators.LSHR, 4)), act, q + SUB / 2))
                        .reduceLanes(VectorOperators.ADD);
                sum += Fp16.read(act, a) * Fp4.ue4m3Half(u8(w, base + s)) * sumi;
            }
        }
        return sum;
    }
}
