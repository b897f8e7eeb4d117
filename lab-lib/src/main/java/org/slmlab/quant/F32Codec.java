package org.slmlab.quant;

import java.lang.foreign.MemorySegment;
import org.slmlab.gguf.GgmlType;
import org.slmlab.gguf.LittleEndian;

/** Plain 32-bit floats: nothing is lost, 4 bytes a weight. The activation stays F32 too. */
public final class F32Codec extends BlockCodec implements DequantizingDot {

    private static final long BYTES = GgmlType.F32.typeSize();

    public F32Codec() {
        super(GgmlType.F32, GgmlType.F32);
    }

    @Override
    public void dequantizeScalar(MemorySegment src, long offset, float[] dst, int dstOffset, int n) {
        for (int i = 0; i < n; i++) {
            dst[dstOffset + i] = src.get(LittleEndian.FLOAT, offset + i * BYTES);
        }
    }

    @Override
    public void dequantizeFast(MemorySegment src, long offset, float[] dst, int dstOffset, int n) {
        MemorySegment.copy(src, LittleEndian.FLOAT, offset, dst, dstOffset, n);
    }

    @Override
    public void quantize(float[] src, int srcOffset, MemorySegment dst, long dstOffset, int n, float[] importance) {
        MemorySegment.copy(src, srcOffset, dst, LittleEndian.FLOAT, dstOffset, n);
    }

    /** ggml's {@code ggml_vec_dot_f32}: float products, summed in double. */
    @Override
    public float dotScalar(MemorySegment w, long wOffset, MemorySegment act, long actOffset, int n) {
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += w.get(LittleEndian.FLOAT, wOffset + i * BYTES) * act.get(LittleEndian.FLOAT, actOffset + i * BYTES);
        }
        return (float) sum;
    }

    /** A row tinyBLAS refuses is summed in {@code ggml_vec_dot_f32}'s order. */
    @Override
    public float shortRowDot(MemorySegment w, long wOffset, MemorySegment act, long actOffset, int n) {
        return decodedDot(w, wOffset, act, actOffset, n, GgmlSum::dot);
    }
}
