package org.slmlab.quant;

import static org.slmlab.quant.Simd.F512;
import static org.slmlab.quant.Simd.I512;
import static org.slmlab.quant.Simd.S256;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import org.slmlab.gguf.GgmlType;

/**
 * The two 16-bit float types, F16 and BF16: one weight in two bytes, no blocks, no shared scale. They differ only
 * in how 16 bits map to a float; that mapping is all a subclass gives. ggml multiplies them with an activation
 * rounded to the same 16-bit type, products in float, sums in double.
 */
public abstract sealed class HalfFloatCodec extends BlockCodec permits F16Codec, BF16Codec {

    private static final long BYTES = 2;

    /** The float value of the 16 bits {@code h}. */
    protected abstract float toFloat(short h);

    /** {@code f} rounded to 16 bits, exactly as ggml rounds it. */
    protected abstract short fromFloat(float f);

    /** ggml multiplies 16-bit weights with an activation rounded to the same type. */
    protected HalfFloatCodec(GgmlType type) {
        super(type, type);
    }

    @Override
    public void dequantizeScalar(MemorySegment src, long offset, float[] dst, int dstOffset, int n) {
        for (int i = 0; i < n; i++) {
            dst[dstOffset + i] = toFloat(src.get(LittleEndian.SHORT, offset + i * BYTES));
        }
    }

    @Override
    public void dequantizeFast(MemorySegment src, long offset, float[] dst, int dstOffset, int n) {
        int step = F512.length();
        int i = 0;
        for (; i + step <= n; i += step) {
            toFloats(bits(src, offset + i * BYTES)).intoArray(dst, dstOffset + i);
        }
        dequantizeScalar(src, offset + i * BYTES, dst, dstOffset + i, n - i);
    }

    @Override
    public void quantize(float[] src, int srcOffset, MemorySegment dst, long dstOffset, int n, float[] importance) {
        for (int i = 0; i < n; i++) {
            dst.set(LittleEndian.SHORT, dstOffset + i * BYTES, fromFloat(src[srcOffset + i]));
        }
    }

    @Override
    public float dotScalar(MemorySegment w, long wOffset, MemorySegment act, long actOffset, int n) {
        double sum = 0;
        for (int i = 0; i < n; i++) {
            float a = toFloat(w.get(LittleEndian.SHORT, wOffset + i * BYTES));
            float b = toFloat(act.get(LittleEndian.SHORT, actOffset + i * BYTES));
            sum += a * b;
        }
        return (float) sum;
    }

    /**
     * The loop body is kept flat — two loads, two conversions, one fused multiply-add — so that the JIT inlines
     * all of it; a vector that crosses a call the JIT did not inline becomes a heap object.
     */
    @Override
    public float dotFast(MemorySegment w, long wOffset, MemorySegment act, long actOffset, int n) {
        FloatVector acc = FloatVector.zero(F512);
        int step = F512.length();
        int i = 0;
        for (; i + step <= n; i += step) {
            acc = toFloats(bits(w, wOffset + i * BYTES)).fma(toFloats(bits(act, actOffset + i * BYTES)), acc);
        }
        double sum = acc.reduceLanes(VectorOperators.ADD);
        return (float) (sum + dotScalar(w, wOffset + i * BYTES, act, actOffset + i * BYTES, n - i));
    }

    /** 16 values' bit patterns at {@code offset}, zero-extended to ints. */
    private static IntVector bits(MemorySegment s, long offset) {
        return (IntVector) ShortVector.fromMemorySegment(S256, s, offset, ByteOrder.LITTLE_ENDIAN)
                .convertShape(VectorOperators.ZERO_EXTEND_S2I, I512, 0);
    }

    /**
     * {@link #toFloat} on 16 lanes at once: {@code bits} holds the 16-bit patterns zero-extended to ints. A switch
     * over the two sealed subclasses calling static methods, not an overridable method: with both types in use a
     * virtual call here would stop the JIT from inlining it, and vectors passed through a real call are boxed
     * objects — several times slower.
     */
    private FloatVector toFloats(IntVector bits) {
        return switch (this) {
            case F16Codec f -> F16Codec.toFloats(bits);
            case BF16Codec b -> BF16Codec.toFloats(bits);
        };
    }
}
