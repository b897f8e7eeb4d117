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

    /** A row tinyBLAS refuses is summed in {@code ggml_vec_dot_f16}'s order. */
    @Override
    public float shortRowDot(MemorySegment w, long wOffset, MemorySegment act, long actOffset, int n) {
        return decodedDot(w, wOffset, act, actOffset, n, GgmlSum::dotF16);
    }
}
