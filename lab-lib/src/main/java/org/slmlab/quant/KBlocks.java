package org.slmlab.quant;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import org.slmlab.gguf.GgmlType;
import org.slmlab.gguf.LittleEndian;

/**
 * Small pieces the k-quant codecs share: unsigned byte reads, the Q8_K activation fields their dot products
 * read ({@link Q8_KCodec}: {@code float d}, {@code int8 qs[256]}, {@code int16 bsums[16]} with
 * {@code bsums[j] = Σ qs[16j .. 16j+15]}), the argument checks of {@code quantize}, and the byte shifts their
 * vector unpacking uses.
 */
final class KBlocks {

    /** Weights per super-block: ggml's QK_K. */
    static final int QK_K = Q8_KCodec.QK;

    private KBlocks() {
    }

    static int u8(MemorySegment s, long offset) {
        return s.get(ValueLayout.JAVA_BYTE, offset) & 0xFF;
    }

    /** Stores {@code v} as fp16 at {@code offset} of a block being assembled in a byte array. */
    static void putFp16(byte[] block, int offset, float v) {
        Fp16.write(MemorySegment.ofArray(block), offset, v);
    }

    /** The scale {@code d} of the Q8_K block at {@code block}. */
    static float q8kScale(MemorySegment act, long block) {
        return act.get(LittleEndian.FLOAT, block + Q8_KCodec.D);
    }

    /** The int8 quant {@code qs[i]} of the Q8_K block at {@code block}. */
    static int q8kValue(MemorySegment act, long block, int i) {
        return act.get(ValueLayout.JAVA_BYTE, block + Q8_KCodec.QS + i);
    }

    /** {@code bsums[j]}: the sum of quants {@code 16j .. 16j+15} of the Q8_K block at {@code block}. */
    static int q8kBlockSum(MemorySegment act, long block, int j) {
        return act.get(LittleEndian.SHORT, block + Q8_KCodec.BSUMS + 2L * j);
    }

    /**
     * Checks the arguments of a quantize call: whole super-blocks, and an importance matrix (if any) whose row
     * length divides {@code n}, since ggml applies one imatrix row to every row of a tensor.
     */
    static void checkQuantize(GgmlType type, int n, float[] importance) {
        type.bytesFor(n);
        if (importance != null && (importance.length == 0 || importance.length % QK_K != 0
                || n % importance.length != 0)) {
            throw new IllegalArgumentException("importance row of " + importance.length + " values does not fit "
                    + n + " " + type + " weights: expected a row length that is a multiple of " + QK_K
                    + " and divides " + n);
        }
    }

    /**
     * Every byte of {@code v} shifted left by {@code bits}, for unpacking bit fields: x86 has no byte shifts (the
     * Vector API would emulate one with several instructions), so the bits are shifted as ints and the caller's
     * byte mask, which must follow, drops the bits that crossed over from the neighbouring byte.
     */
    static ByteVector shiftLeft(ByteVector v, int bits) {
        return v.reinterpretAsInts().lanewise(VectorOperators.LSHL, bits).reinterpretAsBytes();
    }

    /**
     * Group {@code g} of a Q4_K/Q5_K super-block as floats at {@code dst[y + 64g ..]}: the 32 low codes with
     * sub-block 2g's scale and min, then the 32 high codes with sub-block 2g+1's ({@code scaled} holds the 8 scales,
     * then the 8 mins). The formats differ only in how they build the codes.
     */
    static void storeScaledPair(ByteVector lo, ByteVector hi, float[] scaled, int g, float[] dst, int y) {
        float d1 = scaled[2 * g];
        float m1 = scaled[8 + 2 * g];
        float d2 = scaled[2 * g + 1];
        float m2 = scaled[8 + 2 * g + 1];
        int z = y + 64 * g;
        ((FloatVector) lo.convertShape(VectorOperators.B2F, Simd.F512, 0)).mul(d1).sub(m1).intoArray(dst, z);
        ((FloatVector) lo.convertShape(VectorOperators.B2F, Simd.F512, 1)).mul(d1).sub(m1).intoArray(dst, z + 16);
        ((FloatVector) hi.convertShape(VectorOperators.B2F, Simd.F512, 0)).mul(d2).sub(m2).intoArray(dst, z + 32);
        ((FloatVector) hi.convertShape(VectorOperators.B2F, Simd.F512, 1)).mul(d2).sub(m2).intoArray(dst, z + 48);
    }

    /**
     * A shuffle of 16 int lanes that repeats the lanes of half {@code h} (0-7 or 8-15) in both halves: 32 bytes
     * of one field made to line up with 64 bytes of another.
     */
    static VectorShuffle<Integer> repeatHalf(int h) {
        return VectorShuffle.fromOp(Simd.I512, k -> 8 * h + k % 8);
    }

    /** 16 int lanes: {@code lower} in lanes 0-7, {@code upper} in lanes 8-15. */
    static IntVector halves(int lower, int upper) {
        return IntVector.broadcast(Simd.I512, lower).blend(upper, VectorMask.fromLong(Simd.I512, 0xFF00L));
    }

    /** As {@link #shiftLeft}, to the right. */
    static ByteVector shiftRight(ByteVector v, int bits) {
        return v.reinterpretAsInts().lanewise(VectorOperators.LSHR, bits).reinterpretAsBytes();
    }
}
