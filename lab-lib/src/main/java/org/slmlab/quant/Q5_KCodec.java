package org.slmlab.quant;

import static jdk.incubator.vector.VectorOperators.ADD;
import static jdk.incubator.vector.VectorOperators.B2F;
import static jdk.incubator.vector.VectorOperators.B2S;
import static jdk.incubator.vector.VectorOperators.LSHL;
import static jdk.incubator.vector.VectorOperators.LSHR;
import static jdk.incubator.vector.VectorOperators.S2I;
import static org.slmlab.quant.Simd.B128;
import static org.slmlab.quant.Simd.B256;
import static org.slmlab.quant.Simd.F512;
import static org.slmlab.quant.Simd.I512;
import static org.slmlab.quant.Simd.S512;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
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
        super(GgmlType.Q5_K);
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

    @Override
    public void dequantizeFast(MemorySegment src, long offset, float[] dst, int dstOffset, int n) {
        long blocks = type().bytesFor(n) / BYTES;
        for (int b = 0; b < blocks; b++) {
            long x = offset + (long) b * BYTES;
            int y = dstOffset + b * QK;
            float d = LittleEndian.fp16(src, x + D);
            float dmin = LittleEndian.fp16(src, x + DMIN);
            for (int g = 0; g < 4; g++) {
                float d1 = d * ScaleMinPacking.scale(src, x + SCALES, 2 * g);
                float m1 = dmin * ScaleMinPacking.min(src, x + SCALES, 2 * g);
                float d2 = d * ScaleMinPacking.scale(src, x + SCALES, 2 * g + 1);
                float m2 = dmin * ScaleMinPacking.min(src, x + SCALES, 2 * g + 1);
                for (int l = 0; l < 32; l += 16) {
                    ByteVector q = ByteVector.fromMemorySegment(B128, src, x + QS + 32 * g + l, LE);
                    ByteVector h = ByteVector.fromMemorySegment(B128, src, x + QH + l, LE);
                    ByteVector lo = q.and((byte) 0xF).or(h.lanewise(LSHR, 2 * g).and((byte) 1).lanewise(LSHL, 4));
                    ByteVector hi = q.lanewise(LSHR, 4).or(h.lanewise(LSHR, 2 * g + 1).and((byte) 1).lanewise(LSHL, 4));
                    ((FloatVector) lo.convertShape(B2F, F512, 0)).mul(d1).sub(m1).intoArray(dst, y + 64 * g + l);
                    ((FloatVector) hi.convertShape(B2F, F512, 0)).mul(d2).sub(m2).intoArray(dst, y + 64 * g + 32 + l);
                }
            }
        }
    }

    /** As Q4_K's kernel, with the fifth bit of each code added from {@code qh} before the products. */
    @Override
    public float dotFast(MemorySegment w, long wOffset, MemorySegment act, long actOffset, int n) {
        long blocks = type().bytesFor(n) / BYTES;
        float sum = 0;
        for (int b = 0; b < blocks; b++) {
            long x = wOffset + (long) b * BYTES;
            long a = actOffset + (long) b * Q8_KCodec.BLOCK_BYTES;
            ByteVector h = ByteVector.fromMemorySegment(B256, w, x + QH, LE);
            IntVector acc = IntVector.zero(I512);
            for (int g = 0; g < 4; g++) {
                ByteVector q = ByteVector.fromMemorySegment(B256, w, x + QS + 32 * g, LE);
                ByteVector lo = q.and((byte) 0xF).or(h.lanewise(LSHR, 2 * g).and((byte) 1).lanewise(LSHL, 4));
                ByteVector hi = q.lanewise(LSHR, 4).or(h.lanewise(LSHR, 2 * g + 1).and((byte) 1).lanewise(LSHL, 4));
                ShortVector aLo = (ShortVector) ByteVector.fromMemorySegment(B256, act, a + Q8_KCodec.QS + 64 * g, LE)
                        .convertShape(B2S, S512, 0);
                ShortVector aHi = (ShortVector) ByteVector
                        .fromMemorySegment(B256, act, a + Q8_KCodec.QS + 64 * g + 32, LE).convertShape(B2S, S512, 0);
                ShortVector pLo = ((ShortVector) lo.convertShape(B2S, S512, 0)).mul(aLo);
                ShortVector pHi = ((ShortVector) hi.convertShape(B2S, S512, 0)).mul(aHi);
                IntVector sLo = ((IntVector) pLo.convertShape(S2I, I512, 0)).add(pLo.convertShape(S2I, I512, 1));
                IntVector sHi = ((IntVector) pHi.convertShape(S2I, I512, 0)).add(pHi.convertShape(S2I, I512, 1));
                acc = acc.add(sLo.mul(ScaleMinPacking.scale(w, x + SCALES, 2 * g)))
                        .add(sHi.mul(ScaleMinPacking.scale(w, x + SCALES, 2 * g + 1)));
            }
            sum += combine(w, x, act, a, acc.reduceLanes(ADD));
        }
        return sum;
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
