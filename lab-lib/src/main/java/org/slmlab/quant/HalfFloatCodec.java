package org.slmlab.quant;

import java.lang.foreign.MemorySegment;
import org.slmlab.gguf.GgmlType;
import org.slmlab.gguf.LittleEndian;

/**
 * The two 16-bit float types, F16 and BF16: one weight in two bytes, no blocks, no shared scale. They differ only
 * in how 16 bits map to a float; that mapping (and a fast loop over it) is all a subclass gives. ggml multiplies
 * them with an activation rounded to the same 16-bit type, products in float; the reference sums in double, the
 * fast path ({@link DequantizingDot}) in float lanes.
 */
public abstract sealed class HalfFloatCodec extends BlockCodec implements DequantizingDot permits F16Codec, BF16Codec {

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
}
