package org.slmlab.quant;

import static org.slmlab.quant.Simd.B128;
import static org.slmlab.quant.Simd.F512;
import static org.slmlab.quant.Simd.I512;
import static org.slmlab.quant.Simd.S256;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Vector building blocks shared by the fast paths of the 32-weight block types: each turns part of a block into
 * 16 int lanes (half a block), the unit the integer dot products and dequantizers work in.
 */
final class BlockVectors {

    /** Lane i holds i: the bit position each lane reads from a packed bit field. */
    private static final IntVector LANE_INDEX = IntVector.fromArray(I512, new int[] {
        0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}, 0);

    private BlockVectors() {
    }

    /** 16 signed bytes at {@code offset}, sign-extended to ints (int8 quants of Q8_0/Q8_1/Q8_K). */
    static IntVector signedBytes(MemorySegment s, long offset) {
        return (IntVector) bytes(s, offset).convertShape(VectorOperators.B2I, I512, 0);
    }

    private static ByteVector bytes(MemorySegment s, long offset) {
        return ByteVector.fromMemorySegment(B128, s, offset, ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * 16 bytes at {@code offset} as unsigned ints (0..255): packed 4-bit quants. Widening first and splitting the
     * nibbles on ints is cheaper than splitting bytes, which x86 cannot shift.
     */
    static IntVector unsignedBytes(MemorySegment s, long offset) {
        return (IntVector) bytes(s, offset).convertShape(VectorOperators.ZERO_EXTEND_B2I, I512, 0);
    }

    /** The low 4 bits of each packed byte: quants 0..15 of a 4-bit block. */
    static IntVector lowNibbles(IntVector packed) {
        return packed.and(0x0F);
    }

    /** The high 4 bits of each packed byte: quants 16..31 of a 4-bit block. */
    static IntVector highNibbles(IntVector packed) {
        return packed.lanewise(VectorOperators.LSHR, 4);
    }

    /**
     * Bits {@code first .. first+15} of {@code qh}, one per lane, moved to bit 4 (value 16): the fifth bit of 16
     * consecutive 5-bit quants.
     */
    static IntVector fifthBits(int qh, int first) {
        return IntVector.broadcast(I512, qh >>> first).lanewise(VectorOperators.LSHR, LANE_INDEX)
                .and(1).lanewise(VectorOperators.LSHL, 4);
    }

    /**
     * 16 signed bytes at {@code offset} as 16 short lanes: half an int8 block, ready for 16-bit multiplies.
     *
     * <p>Why shorts: an int8 × int8 product fits in 16 bits (|q| ≤ 127 on both sides, so ≤ 16129), and so does
     * the sum of two of them. A 16-bit multiply ({@code vpmullw}) is one fast instruction, where a 32-bit one
     * ({@code vpmulld}) costs two slow ones — the integer dot products multiply in short lanes and widen once.
     */
    static ShortVector signedShorts(MemorySegment s, long offset) {
        return (ShortVector) bytes(s, offset).convertShape(VectorOperators.B2S, S256, 0);
    }

    /**
     * 16 bytes at {@code offset} as 0..255 in short lanes: packed 4-bit quants, split with short shifts. Sign
     * extension then a mask, because C2 (JDK 25) does not compile {@code ZERO_EXTEND_B2S} to a vector instruction
     * here: the kernel fell back to boxed vectors, 15 times slower.
     */
    static ShortVector unsignedShorts(MemorySegment s, long offset) {
        return signedShorts(s, offset).and((short) 0xFF);
    }

    /**
     * A block's 16 lanes of 16-bit partial sums (each the sum of two products) widened to int and converted to
     * float — ready to be scaled by the block's float scale.
     */
    static FloatVector floats(ShortVector partialSums) {
        return floats((IntVector) partialSums.convertShape(VectorOperators.S2I, I512, 0));
    }

    /** Lane i holds i, for 16 short lanes. */
    private static final ShortVector SHORT_LANE_INDEX = ShortVector.fromArray(S256, new short[] {
        0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}, 0);

    /** {@link #fifthBits} in short lanes: bits {@code first .. first+15} of {@code qh} as 0 or 16. */
    static ShortVector fifthBitShorts(int qh, int first) {
        return ShortVector.broadcast(S256, (short) (qh >>> first)).lanewise(VectorOperators.LSHR, SHORT_LANE_INDEX)
                .and((short) 1).lanewise(VectorOperators.LSHL, 4);
    }

    /**
     * Multiplies the 32 floats at {@code y[at..]} by {@code d}: a block's integer codes made its weights (a small
     * integer times an fp16 scale, one rounding — the same product as the scalar dequantizers').
     */
    static void scaleBlock(float[] y, int at, float d) {
        FloatVector.fromArray(F512, y, at).mul(d).intoArray(y, at);
        FloatVector.fromArray(F512, y, at + 16).mul(d).intoArray(y, at + 16);
    }

    /**
     * {@link #scaleBlock} for the types with a min: {@code y·d + m}, multiplied then added (two roundings, as the
     * scalar dequantizers, not one fused multiply-add).
     */
    static void scaleBlock(float[] y, int at, float d, float m) {
        FloatVector.fromArray(F512, y, at).mul(d).add(m).intoArray(y, at);
        FloatVector.fromArray(F512, y, at + 16).mul(d).add(m).intoArray(y, at + 16);
    }

    /** Int lanes converted to float (exact for the small integers quants and block sums are). */
    static FloatVector floats(IntVector v) {
        return (FloatVector) v.convert(VectorOperators.I2F, 0);
    }
}
