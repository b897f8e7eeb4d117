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

    /** {@link #toFloat} on 16 lanes at once: {@code bits} holds the 16-bit patterns zero-extended to ints. */
    protected abstract FloatVector toFloats(IntVector bits);

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
            load(src, offset + i * BYTES).intoArray(dst, dstOffset + i);
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

    @Override
    public float dotFast(MemorySegment w, long wOffset, MemorySegment act, long actOffset, int n) {
        FloatVector acc0 = FloatVector.zero(F512);
        FloatVector acc1 = FloatVector.zero(F512);
        int step = F512.length();
        long stepBytes = step * BYTES;
        int i = 0;
        for (; i + 2 * step <= n; i += 2 * step) {
            long o = i * BYTES;
            acc0 = load(w, wOffset + o).fma(load(act, actOffset + o), acc0);
            acc1 = load(w, wOffset + o + stepBytes).fma(load(act, actOffset + o + stepBytes), acc1);
        }
        double sum = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
        return (float) (sum + dotScalar(w, wOffset + i * BYTES, act, actOffset + i * BYTES, n - i));
    }

    /** 16 values from {@code offset}, as floats. */
    private FloatVector load(MemorySegment s, long offset) {
        ShortVector h = ShortVector.fromMemorySegment(S256, s, offset, ByteOrder.LITTLE_ENDIAN);
        return toFloats((IntVector) h.convertShape(VectorOperators.ZERO_EXTEND_S2I, I512, 0));
    }
}
