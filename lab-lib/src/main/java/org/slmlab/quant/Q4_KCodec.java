package org.slmlab.quant;

import static org.slmlab.quant.Simd.B256;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import org.slmlab.gguf.GgmlType;

/**
 * Q4_K: 4-bit codes with a 6-bit scale and a 6-bit min per 32 weights — the workhorse of Q4_K_M models.
 *
 * <p>Super-block of 256 weights in 144 bytes (4.5 bits per weight):
 * <pre>
 *   offset  size  field
 *        0     2  d      fp16  scale of the sub-block scales
 *        2     2  dmin   fp16  scale of the sub-block mins
 *        4    12  scales       eight 6-bit scales sc[j] and eight 6-bit mins m[j] ({@link ScaleMinPacking})
 *       16   128  qs           256 4-bit codes q ∈ [0, 15], two per byte
 * </pre>
 * Weight {@code i} of sub-block {@code j = i/32} is {@code d·sc[j]·q - dmin·m[j]}. The codes come in four
 * 32-byte groups, one per pair of sub-blocks: byte {@code l} of group {@code g} holds weight {@code 64g + l} in
 * its low nibble and weight {@code 64g + 32 + l} in its high nibble.
 *
 * <p>The quantizer and the scalar references are shared with Q5_K: see {@link ScaleMinCodec}.
 */
public final class Q4_KCodec extends ScaleMinCodec {

    private static final int QS = CODES;
    private static final int BYTES = GgmlType.Q4_K.typeSize();
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    public Q4_KCodec() {
        super(GgmlType.Q4_K, QS, -1);
    }

    @Override
    int code(MemorySegment s, long x, int i) {
        int sub = i / 32;
        int q = KBlocks.u8(s, x + QS + 32 * (sub / 2) + i % 32);
        return sub % 2 == 0 ? q & 0xF : q >> 4;
    }

    /**
     * Per 32-byte group, the low nibbles are the 32 codes of sub-block 2g and the high nibbles those of 2g+1;
     * each 16 become floats, times the sub-block scale, minus its min — the scalar reference's two roundings.
     */
    @Override
    void expand(MemorySegment src, long x, float[] scaled, float[] dst, int y) {
        for (int g = 0; g < 4; g++) {
            ByteVector q = ByteVector.fromMemorySegment(B256, src, x + QS + 32 * g, LE);
            ByteVector lo = q.and((byte) 0xF);
            ByteVector hi = KBlocks.shiftRight(q, 4).and((byte) 0xF);
            KBlocks.storeScaledPair(lo, hi, scaled, g, dst, y);
        }
    }

    @Override
    ScaleMinQuantizer newQuantizer() {
        return new ScaleMinQuantizer(15, -1.f, 0.1f, 20, false);
    }

    @Override
    void packCodes(byte[] L, byte[] block) {
        for (int g = 0; g < 4; g++) {
            for (int l = 0; l < 32; l++) {
                block[QS + 32 * g + l] = (byte) (L[64 * g + l] | L[64 * g + 32 + l] << 4);
            }
        }
    }
}
