package org.slmlab.quant;

import java.lang.foreign.MemorySegment;
import org.slmlab.gguf.GgmlType;
import org.slmlab.gguf.LittleEndian;

/** IEEE half precision weights (see {@link Fp16}); the activation is rounded to fp16 as well. */
public final class F16Codec extends HalfFloatCodec {

    public F16Codec() {
        super(GgmlType.F16);
    }

    @Override
    protected float toFloat(short h) {
        return Fp16.toFloat(h);
    }

    @Override
    protected short fromFloat(float f) {
        return Fp16.fromFloat(f);
    }

    /**
     * The scalar loop, on purpose: the Vector API has no fp16 conversion, but C2 turns this loop of
     * {@link Float#float16ToFloat} into the CPU's fp16 conversion instruction ({@code vcvtph2ps}), 16 values at a
     * time — three times faster than emulating the conversion with integer vector operations.
     */
    @Override
    public void dequantizeFast(MemorySegment src, long offset, float[] dst, int dstOffset, int n) {
        for (int i = 0; i < n; i++) {
            dst[dstOffset + i] = Float.float16ToFloat(src.get(LittleEndian.SHORT, offset + 2L * i));
        }
    }

    /**
     * Rows of 16k numbers take the float tile ({@link DequantizingDot}), in the order of llamafile's tinyBLAS, which
     * ggml runs for a batch of them; other rows go through {@code ggml_vec_dot_f16}'s order ({@link GgmlVecDot}).
     */
    @Override
    public float dotFast(MemorySegment w, long wOffset, MemorySegment act, long actOffset, int n) {
        if (n % Simd.F512.length() == 0) {
            float[] out = new float[1];
            dotTile(w, wOffset, 0, 1, act, actOffset, 0, 1, n, out, 0, 1);
            return out[0];
        }
        float[] x = new float[n];
        float[] y = new float[n];
        dequantizeFast(w, wOffset, x, 0, n);
        dequantizeFast(act, actOffset, y, 0, n);
        return GgmlVecDot.f16(x, y, n);
    }
}
