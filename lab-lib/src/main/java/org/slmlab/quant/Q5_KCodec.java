package org.slmlab.quant;

import static org.slmlab.quant.Simd.B256;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import org.slmlab.gguf.GgmlType;

/**
 * Q5_K: Q4_K with a fifth bit per code — 5-bit codes, a 6-bit scale and a 6-bit min per 32 weights.
 *
 * <p>Super-block of 256 weights in 176 bytes (5.5 bits per weight):
 * <pre>
 *   offset  size  field
 *        0     2  d      fp16  scale of the sub-block scales
 *        2     2  dmin   fp16  scale of the sub-block mins
 *        4    12  scales       eight 6-bit scales sc[j] and eight 6-bit mins m[j] ({@link ScaleMinPacking})
 *       16    32  qh           the fifth (high) bit of each code
 *       48   128  qs           the low four bits of each code, two per byte
 * </pre>
 * Weight {@code i} of sub-block {@code j = i/32} is {@code d·sc[j]·q - dmin·m[j]}, {@code q ∈ [0, 31]}. The low
 * nibbles are laid out as in Q4_K (byte {@code l} of 32-byte group {@code g}: weight {@code 64g + l} low,
 * {@code 64g + 32 + l} high); the high bit of weight {@code 32j + l} is bit {@code j} of {@code qh[l]}.
 *
 * <p>The quantizer and the scalar references are shared with Q4_K: see {@link ScaleMinCodec}.
 */
public final class Q5_KCodec extends ScaleMinCodec {

    private static final int QH = CODES;
    private static final int QS = QH + QK / 8;
    private static final int BYTES = GgmlType.Q5_K.typeSize();
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    public Q5_KCodec() {
        super(GgmlType.Q5_K, QS, QH);
    }

    @Override
    int code(MemorySegment s, long x, int i) {
        int sub = i / 32;
        int l = i % 32;
        int q = KBlocks.u8(s, x + QS + 32 * (sub / 2) + l);
        int low = sub % 2 == 0 ? q & 0xF : q >> 4;
        int high = KBlocks.u8(s, x + QH + l) >> sub & 1;
        return low | high << 4;
    }

    /**
     * As Q4_K's, with the fifth bit of each code moved from {@code qh} to bit 4: for sub-block {@code j} it is
     * bit {@code j} of each byte of {@code qh}.
     */
    @Override
    void expand(MemorySegment src, long x, float[] scaled, float[] dst, int y) {
        ByteVector h = ByteVector.fromMemorySegment(B256, src, x + QH, LE);
        for (int g = 0; g < 4; g++) {
            ByteVector q = ByteVector.fromMemorySegment(B256, src, x + QS + 32 * g, LE);
            ByteVector lo = q.and((byte) 0xF).or(bitFour(h, 2 * g));
            ByteVector hi = KBlocks.shiftRight(q, 4).and((byte) 0xF).or(bitFour(h, 2 * g + 1));
            KBlocks.storeScaledPair(lo, hi, scaled, g, dst, y);
        }
    }

    /** Bit {@code bit} of every byte of {@code h}, moved to bit 4 (value 16), the rest cleared. */
    private static ByteVector bitFour(ByteVector h, int bit) {
        ByteVector moved = bit <= 4 ? KBlocks.shiftLeft(h, 4 - bit) : KBlocks.shiftRight(h, bit - 4);
        return moved.and((byte) 0x10);
    }

    @Override
    ScaleMinQuantizer newQuantizer() {
        return new ScaleMinQuantizer(31, -0.5f, 0.1f, 15, true);
    }

    @Override
    void packCodes(byte[] L, byte[] block) {
        java.util.Arrays.fill(block, QH, QH + QK / 8, (byte) 0);
        for (int g = 0; g < 4; g++) {
            for (int l = 0; l < 32; l++) {
                int lo = L[64 * g + l];
                int hi = L[64 * g + 32 + l];
                block[QH + l] |= (byte) ((lo >> 4) << (2 * g) | (hi >> 4) << (2 * g + 1));
                block[QS + 32 * g + l] = (byte) ((lo & 0xF) | (hi & 0xF) << 4);
            }
        }
    }
}
