package org.slmlab.quant;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.slmlab.quant.Simd.F512;
import static org.slmlab.quant.Simd.S256;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import org.slmlab.gguf.GgmlType;
import org.slmlab.gguf.LittleEndian;

/**
 * Q5_0: Q4_0 with a fifth bit: codes q in [0, 31], {@code w = d · (q − 16)}, {@code d = max / −16}. 5.5 bits a
 * weight. The low 4 bits are packed in nibbles like Q4_0; the fifth bits of all 32 weights sit together in a
 * 32-bit word {@code qh} (bit j belongs to weight j).
 *
 * <pre>
 * block_q5_0 (22 bytes):  d: fp16 | qh: uint32 (little-endian) | qs: uint8[16]
 * </pre>
 *
 * The activation is Q8_0.
 */
public final class Q5_0Codec extends Q0BlockCodec {

    static final int QK = GgmlType.Q5_0.blockSize();
    static final int BLOCK_BYTES = GgmlType.Q5_0.typeSize();
    static final int QH = 2;
    static final int QS = 6;
    private static final LegacyBlocks.Layout LAYOUT = new LegacyBlocks.Layout(GgmlType.Q5_0, LegacyBlocks.NONE, QH, QS);

    public Q5_0Codec() {
        super(GgmlType.Q5_0);
    }

    /** The 5-bit code of weight {@code j}: its nibble, plus bit j of {@code qh} as the value 16. */
    static int code(int packed, int qh, int j) {
        int nibble = j < QK / 2 ? packed & 0x0F : packed >>> 4;
        return nibble | ((qh >>> j) & 1) << 4;
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
        int qh = w.get(LittleEndian.INT, block + QH);
        IntVector packed = BlockVectors.unsignedBytes(w, block + QS);
        IntVector lo = BlockVectors.lowNibbles(packed).or(BlockVectors.fifthBits(qh, 0)).sub(16);
        IntVector hi = BlockVectors.highNibbles(packed).or(BlockVectors.fifthBits(qh, QK / 2)).sub(16);
        BlockVectors.floats(lo).intoArray(dst, at);
        BlockVectors.floats(hi).intoArray(dst, at + QK / 2);
    }

    /** ggml's {@code quantize_q5_0}: see {@link LegacyBlocks#quantize}. */
    @Override
    public void quantize(float[] src, int srcOffset, MemorySegment dst, long dstOffset, int n, float[] importance) {
        LegacyBlocks.quantize(LAYOUT, src, srcOffset, dst, dstOffset, n, importance);
    }

    /** ggml's {@code ggml_vec_dot_q5_0_q8_0}. */
    @Override
    public float dotScalar(MemorySegment w, long wOffset, MemorySegment act, long actOffset, int n) {
        float sum = 0;
        for (int b = 0; b < n / QK; b++) {
            long wb = wOffset + (long) b * BLOCK_BYTES;
            long ab = actOffset + (long) b * Q8_0Codec.BLOCK_BYTES;
            int qh = w.get(LittleEndian.INT, wb + QH);
            int sumi = 0;
            for (int j = 0; j < QK / 2; j++) {
                int packed = w.get(JAVA_BYTE, wb + QS + j) & 0xFF;
                sumi += (code(packed, qh, j) - 16) * act.get(JAVA_BYTE, ab + Q8_0Codec.QS + j);
                sumi += (code(packed, qh, j + QK / 2) - 16) * act.get(JAVA_BYTE, ab + Q8_0Codec.QS + j + QK / 2);
            }
            sum += sumi * (Fp16.read(w, wb) * Fp16.read(act, ab));
        }
        return sum;
    }

    /**
     * As Q4_0's block dot, with each nibble's fifth bit from {@code qh} OR-ed in (codes 0..31, minus 16): a lane
     * is at most 2·16·127, still exact in 16 bits.
     */
    @Override
    float dotRow(MemorySegment w, long wOffset, WidenedActivation a, int n) {
        FloatVector acc = FloatVector.zero(F512);
        for (int b = 0; b < n / QK; b++) {
            long wb = wOffset + (long) b * BLOCK_BYTES;
            int qh = w.get(LittleEndian.INT, wb + QH);
            ShortVector packed = BlockVectors.unsignedShorts(w, wb + QS);
            ShortVector lo = packed.and((short) 0x0F).or(BlockVectors.fifthBitShorts(qh, 0)).sub((short) 16);
            ShortVector hi = packed.lanewise(VectorOperators.LSHR, 4).or(BlockVectors.fifthBitShorts(qh, QK / 2))
                    .sub((short) 16);
            ShortVector sums = lo.mul(ShortVector.fromArray(S256, a.q, b * QK))
                    .add(hi.mul(ShortVector.fromArray(S256, a.q, b * QK + QK / 2)));
            float scale = Fp16.read(w, wb) * a.d[b];
            acc = BlockVectors.floats(sums).fma(FloatVector.broadcast(F512, scale), acc);
        }
        return Simd.sum(acc);
    }
}
