package org.slmlab.quant;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import org.slmlab.gguf.GgmlType;

/**
 * Q4_1: blocks of 32 weights as 4-bit codes q in [0, 15] with an fp16 scale and an fp16 minimum:
 * {@code w = d · q + m}. 5 bits a weight. The 16 levels span exactly [min, max] of the block, so asymmetric
 * blocks lose less than with Q4_0.
 *
 * <pre>
 * block_q4_1 (20 bytes):  d: fp16 | m: fp16 | qs: uint8[16]   (nibbles as in Q4_0)
 * </pre>
 *
 * The activation is Q8_1, whose blocks carry s = d_a·Σq_a: then Σ w·a = d·d_a·Σ q·q_a + m·s, and the minimum
 * costs one multiplication per block instead of one per weight.
 */
public final class Q4_1Codec extends ScaleMinBlockCodec {

    static final int QK = GgmlType.Q4_1.blockSize();
    static final int BLOCK_BYTES = GgmlType.Q4_1.typeSize();
    static final int QS = 4;
    private static final LegacyBlocks.Layout LAYOUT = new LegacyBlocks.Layout(GgmlType.Q4_1, M, LegacyBlocks.NONE, QS);

    public Q4_1Codec() {
        super(GgmlType.Q4_1);
    }

    @Override
    public void codesScalar(MemorySegment w, long block, int[] codes) {
        LegacyBlocks.unsignedCodes(LAYOUT, w, block, codes);
    }

    @Override
    public void codes(MemorySegment w, long block, float[] dst, int at) {
        IntVector packed = BlockVectors.unsignedBytes(w, block + QS);
        BlockVectors.floats(BlockVectors.lowNibbles(packed)).intoArray(dst, at);
        BlockVectors.floats(BlockVectors.highNibbles(packed)).intoArray(dst, at + QK / 2);
    }

    @Override
    ShortVector groupedCodes(MemorySegment w, long block) {
        return PartialSums.nibbleCodes(w, block + QS);
    }

    @Override
    public void dequantizeScalar(MemorySegment src, long offset, float[] dst, int dstOffset, int n) {
        LegacyBlocks.dequantize(LAYOUT, src, offset, dst, dstOffset, n);
    }

    /** ggml's {@code quantize_q4_1}: see {@link LegacyBlocks#quantize}. */
    @Override
    public void quantize(float[] src, int srcOffset, MemorySegment dst, long dstOffset, int n, float[] importance) {
        LegacyBlocks.quantize(LAYOUT, src, srcOffset, dst, dstOffset, n, importance);
    }
}
