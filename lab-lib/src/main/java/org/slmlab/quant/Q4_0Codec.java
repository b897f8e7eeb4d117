package org.slmlab.quant;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.slmlab.quant.Simd.F512;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import org.slmlab.gguf.GgmlType;

/**
 * Q4_0: blocks of 32 weights as 4-bit codes q in [0, 15] and one fp16 scale: {@code w = d · (q − 8)}.
 * 4.5 bits a weight. The scale is chosen so that the weight of largest magnitude maps to code 0 exactly
 * ({@code d = max / −8}, keeping its sign): one side of the range gets 8 levels, the other 7.
 *
 * <pre>
 * block_q4_0 (18 bytes):  d: fp16 | qs: uint8[16]
 * byte j holds weight j in its low nibble and weight j+16 in its high nibble
 * </pre>
 *
 * The activation is Q8_0; a block's dot product is Σ (q−8)·q_a, scaled by d·d_a.
 */
public final class Q4_0Codec extends Q0BlockCodec {

    static final int QK = GgmlType.Q4_0.blockSize();
    static final int BLOCK_BYTES = GgmlType.Q4_0.typeSize();
    static final int QS = 2;
    private static final LegacyBlocks.Layout LAYOUT =
            new LegacyBlocks.Layout(GgmlType.Q4_0, LegacyBlocks.NONE, LegacyBlocks.NONE, QS);

    public Q4_0Codec() {
        super(GgmlType.Q4_0);
    }

    @Override
    public void dequantizeScalar(MemorySegment src, long offset, float[] dst, int dstOffset, int n) {
        LegacyBlocks.dequantize(LAYOUT, src, offset, dst, dstOffset, n);
    }

    @Override
    public void codesScalar(MemorySegment w, long block, int[] codes) {
        LegacyBlocks.signedCodes(LAYOUT, w, block, codes);
    }

    @Override
    public void codes(MemorySegment w, long block, float[] dst, int at) {
        IntVector packed = BlockVectors.unsignedBytes(w, block + QS);
        BlockVectors.floats(BlockVectors.lowNibbles(packed).sub(8)).intoArray(dst, at);
        BlockVectors.floats(BlockVectors.highNibbles(packed).sub(8)).intoArray(dst, at + QK / 2);
    }

    /** ggml's {@code quantize_q4_0}: see {@link LegacyBlocks#quantize}. */
    @Override
    public void quantize(float[] src, int srcOffset, MemorySegment dst, long dstOffset, int n, float[] importance) {
        LegacyBlocks.quantize(LAYOUT, src, srcOffset, dst, dstOffset, n, importance);
    }

    /** ggml's {@code ggml_vec_dot_q4_0_q8_0}. */
    @Override
    public float dotScalar(MemorySegment w, long wOffset, MemorySegment act, long actOffset, int n) {
        float sum = 0;
        for (int b = 0; b < n / QK; b++) {
            long wb = wOffset + (long) b * BLOCK_BYTES;
            long ab = actOffset + (long) b * Q8_0Codec.BLOCK_BYTES;
            int sumi = 0;
            for (int j = 0; j < QK / 2; j++) {
                int packed = w.get(JAVA_BYTE, wb + QS + j) & 0xFF;
                sumi += ((packed & 0x0F) - 8) * act.get(JAVA_BYTE, ab + Q8_0Codec.QS + j);
                sumi += ((packed >>> 4) - 8) * act.get(JAVA_BYTE, ab + Q8_0Codec.QS + j + QK / 2);
            }
            sum += sumi * (Fp16.read(w, wb) * Fp16.read(act, ab));
        }
        return sum;
    }

    /**
     * Per block, in float lanes: the 16 packed bytes widen to 16 int lanes, split into the low and high nibbles
     * (codes c of weights 0..15 and 16..31) and convert to float; lane i then takes c_lo·q_i + c_hi·q_{i+16} − 8·(q_i
     * + q_{i+16}) in two fused multiply-adds (the −8 of every code moved onto the activation side, once per
     * activation row: {@link WidenedActivation#q4Offsets}). Every term is an integer below 2¹⁶, so the lanes hold
     * exactly the integers ggml sums; they are then scaled by the block's {@code d·d_a} into float accumulators, and
     * one horizontal sum ends the row.
     */
    @Override
    float dotRow(MemorySegment w, long wOffset, WidenedActivation a, int n) {
        FloatVector acc = FloatVector.zero(F512);
        for (int b = 0; b < n / QK; b++) {
            long wb = wOffset + (long) b * BLOCK_BYTES;
            IntVector packed = BlockVectors.unsignedBytes(w, wb + QS);
            FloatVector offsets = FloatVector.fromArray(F512, a.q4Offsets, b * QK / 2);
            FloatVector lanes = BlockVectors.floats(BlockVectors.highNibbles(packed))
                    .fma(FloatVector.fromArray(F512, a.values, b * QK + QK / 2),
                            BlockVectors.floats(BlockVectors.lowNibbles(packed))
                                    .fma(FloatVector.fromArray(F512, a.values, b * QK), offsets));
            acc = lanes.fma(FloatVector.broadcast(F512, Fp16.read(w, wb) * a.d[b]), acc);
        }
        return Simd.sum(acc);
    }
}
