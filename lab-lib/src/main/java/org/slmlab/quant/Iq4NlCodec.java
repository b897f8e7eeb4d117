package org.slmlab.quant;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.lang.foreign.MemorySegment;
import org.slmlab.gguf.GgmlType;

/**
 * IQ4_NL: 4-bit non-linear quantization in blocks of 32 weights, 4.5 bits a weight.
 *
 * <pre>
 * block_iq4_nl (18 bytes):  d: fp16 | qs: uint8[16]
 * weight j      = d · kvalues_iq4nl[qs[j] &amp; 0xF]     (j = 0..15)
 * weight j + 16 = d · kvalues_iq4nl[qs[j] &gt;&gt; 4]
 * </pre>
 *
 * Like Q4_0 it has one scale per 32 weights and a 4-bit code per weight, but the 16 codes stand for the uneven
 * levels of {@link Iq4NonLinear#VALUES} instead of evenly spaced ones, and the quantizer searches for the scale
 * with the smallest (importance-weighted) squared error. Its dot product pairs a block with a Q8_0 activation
 * block: an integer sum of level × int8, scaled once by {@code d_w · d_a}.
 */
public final class Iq4NlCodec extends BlockCodec implements Q0Tile.Decoder {

    private static final int QK = GgmlType.IQ4_NL.blockSize();
    private static final int BLOCK_BYTES = GgmlType.IQ4_NL.typeSize();
    /** The codes follow the fp16 scale. */
    private static final int QS = 2;
    private static final int Q8_BYTES = GgmlType.Q8_0.typeSize();
    /** In a Q8_0 block the int8 quants follow the fp16 scale. */
    private static final int Q8_QS = 2;

    public Iq4NlCodec() {
        super(GgmlType.IQ4_NL, GgmlType.Q8_0);
    }

    @Override
    public void dequantizeScalar(MemorySegment src, long offset, float[] dst, int dstOffset, int n) {
        int[] levels = new int[QK];
        for (int b = 0; b < n / QK; b++) {
            long block = offset + (long) b * BLOCK_BYTES;
            float d = Fp16.read(src, block);
            codesScalar(src, block, levels);
            for (int j = 0; j < QK; j++) {
                dst[dstOffset + b * QK + j] = d * levels[j];
            }
        }
    }

    @Override
    public void dequantizeFast(MemorySegment src, long offset, float[] dst, int dstOffset, int n) {
        for (int b = 0; b < n / QK; b++) {
            long block = offset + (long) b * BLOCK_BYTES;
            Iq4NonLinear.dequantize32(src, block + QS, Fp16.read(src, block), dst, dstOffset + b * QK);
        }
    }

    @Override
    public void codesScalar(MemorySegment w, long block, int[] codes) {
        for (int j = 0; j < QK / 2; j++) {
            int code = w.get(JAVA_BYTE, block + QS + j) & 0xFF;
            codes[j] = Iq4NonLinear.VALUES[code & 0x0F];
            codes[j + QK / 2] = Iq4NonLinear.VALUES[code >> 4];
        }
    }

    @Override
    public void codes(MemorySegment w, long block, float[] dst, int at) {
        Iq4NonLinear.levels32(w, block + QS, dst, at);
    }

    @Override
    public void quantize(float[] src, int srcOffset, MemorySegment dst, long dstOffset, int n, float[] importance) {
        float[] scale = new float[1];
        byte[] codes = new byte[QK];
        for (int b = 0; b < n / QK; b++) {
            long block = dstOffset + (long) b * BLOCK_BYTES;
            int x = srcOffset + b * QK;
            Iq4NonLinear.chooseCodes(src, x, QK, importance, b * QK, scale, codes);
            Fp16.write(dst, block, scale[0]);
            // The codes are chosen again for the final (not yet fp16-rounded) scale.
            Iq4NonLinear.recode(src, x, scale[0], codes, 0);
            Iq4NonLinear.pack(codes, 0, dst, block + QS);
        }
    }

    @Override
    public float dotScalar(MemorySegment w, long wOffset, MemorySegment act, long actOffset, int n) {
        float sum = 0;
        for (int b = 0; b < n / QK; b++) {
            long wb = wOffset + (long) b * BLOCK_BYTES;
            long ab = actOffset + (long) b * Q8_BYTES;
            float d = Fp16.read(act, ab) * Fp16.read(w, wb);
            sum += d * Iq4NonLinear.dot32Scalar(w, wb + QS, act, ab + Q8_QS);
        }
        return sum;
    }

    @Override
    public float dotFast(MemorySegment w, long wOffset, MemorySegment act, long actOffset, int n) {
        float sum = 0;
        for (int b = 0; b < n / QK; b++) {
            long wb = wOffset + (long) b * BLOCK_BYTES;
            long ab = actOffset + (long) b * Q8_BYTES;
            float d = Fp16.read(act, ab) * Fp16.read(w, wb);
            sum += d * Iq4NonLinear.dot32(w, wb + QS, act, ab + Q8_QS);
        }
        return sum;
    }
}
