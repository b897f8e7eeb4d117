package org.slmlab.quant;

import static jdk.incubator.vector.VectorOperators.ADD;
import static jdk.incubator.vector.VectorOperators.B2F;
import static jdk.incubator.vector.VectorOperators.B2S;
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
        super(GgmlType.Q4_K);
    }

    @Override
    int code(MemorySegment s, long x, int i) {
        int sub = i / 32;
        int q = KBlocks.u8(s, x + QS + 32 * (sub / 2) + i % 32);
        return sub % 2 == 0 ? q & 0xF : q >> 4;
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
                    FloatVector lo = (FloatVector) q.and((byte) 0xF).convertShape(B2F, F512, 0);
                    FloatVector hi = (FloatVector) q.lanewise(LSHR, 4).convertShape(B2F, F512, 0);
                    lo.mul(d1).sub(m1).intoArray(dst, y + 64 * g + l);
                    hi.mul(d2).sub(m2).intoArray(dst, y + 64 * g + 32 + l);
                }
            }
        }
    }

    /**
     * Per 32-byte group: the low nibbles times activations 64g..64g+31, the high nibbles times the next 32, as
     * 16-bit products widened to ints and scaled by their sub-block scale; one int reduction per super-block.
     */
    @Override
    public float dotFast(MemorySegment w, long wOffset, MemorySegment act, long actOffset, int n) {
        long blocks = type().bytesFor(n) / BYTES;
        float sum = 0;
        for (int b = 0; b < blocks; b++) {
            long x = wOffset + (long) b * BYTES;
            long a = actOffset + (long) b * Q8_KCodec.BLOCK_BYTES;
            IntVector acc = IntVector.zero(I512);
            for (int g = 0; g < 4; g++) {
                ByteVector q = ByteVector.fromMemorySegment(B256, w, x + QS + 32 * g, LE);
                ShortVector lo = (ShortVector) q.and((byte) 0xF).convertShape(B2S, S512, 0);
                ShortVector hi = (ShortVector) q.lanewise(LSHR, 4).convertShape(B2S, S512, 0);
                ShortVector aLo = (ShortVector) ByteVector.fromMemorySegment(B256, act, a + Q8_KCodec.QS + 64 * g, LE)
                        .convertShape(B2S, S512, 0);
                ShortVector aHi = (ShortVector) ByteVector
                        .fromMemorySegment(B256, act, a + Q8_KCodec.QS + 64 * g + 32, LE).convertShape(B2S, S512, 0);
                ShortVector pLo = lo.mul(aLo);
                ShortVector pHi = hi.mul(aHi);
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
