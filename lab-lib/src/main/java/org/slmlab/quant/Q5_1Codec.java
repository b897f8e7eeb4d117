package org.slmlab.quant;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import org.slmlab.gguf.GgmlType;
import org.slmlab.gguf.LittleEndian;

/**
 * Q5_1: Q4_1 with a fifth bit: codes q in [0, 31], {@code w = d · q + m}, 32 levels spanning [min, max]. 6 bits
 * a weight. Bits are laid out as in {@link Q5_0Codec}.
 *
 * <pre>
 * block_q5_1 (24 bytes):  d: fp16 | m: fp16 | qh: uint32 (little-endian) | qs: uint8[16]
 * </pre>
 *
 * The activation is Q8_1 (see {@link Q4_1Codec} for why).
 */
public final class Q5_1Codec extends ScaleMinBlockCodec {

    static final int QK = GgmlType.Q5_1.blockSize();
    static final int BLOCK_BYTES = GgmlType.Q5_1.typeSize();
    static final int QH = 4;
    static final int QS = 8;
    private static final LegacyBlocks.Layout LAYOUT = new LegacyBlocks.Layout(GgmlType.Q5_1, M, QH, QS);

    public Q5_1Codec() {
        super(GgmlType.Q5_1);
    }

    @Override
    public void codesScalar(MemorySegment w, long block, int[] codes) {
        LegacyBlocks.unsignedCodes(LAYOUT, w, block, codes);
    }

    @Override
    public void codes(MemorySegment w, long block, float[] dst, int at) {
        int qh = w.get(LittleEndian.INT, block + QH);
        IntVector packed = BlockVectors.unsignedBytes(w, block + QS);
        BlockVectors.floats(BlockVectors.lowNibbles(packed).or(BlockVectors.fifthBits(qh, 0))).intoArray(dst, at);
        BlockVectors.floats(BlockVectors.highNibbles(packed).or(BlockVectors.fifthBits(qh, QK / 2)))
                .intoArray(dst, at + QK / 2);
    }

    @Override
    ShortVector groupedCodes(MemorySegment w, long block) {
        return PartialSums.nibbleCodes(w, block + QS).or(PartialSums.fifthBits(w.get(LittleEndian.INT, block + QH)));
    }

    @Override
    public void dequantizeScalar(MemorySegment src, long offset, float[] dst, int dstOffset, int n) {
        LegacyBlocks.dequantize(LAYOUT, src, offset, dst, dstOffset, n);
    }

    /** ggml's {@code quantize_q5_1}: see {@link LegacyBlocks#quantize}. */
    @Override
    public void quantize(float[] src, int srcOffset, MemorySegment dst, long dstOffset, int n, float[] importance) {
        LegacyBlocks.quantize(LAYOUT, src, srcOffset, dst, dstOffset, n, importance);
    }
}
