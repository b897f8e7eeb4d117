package org.slmlab.quant;

import static org.slmlab.quant.Simd.F512;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import org.slmlab.gguf.GgmlType;

/** Plain 32-bit floats: nothing is lost, 4 bytes a weight. The activation stays F32 too. */
public final class F32Codec extends BlockCodec {

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

    @Override
    public float dotFast(MemorySegment w, long wOffset, MemorySegment act, long actOffset, int n) {
        // Two accumulators hide the latency of the fused multiply-add.
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
        for (; i < n; i++) {
            sum += w.get(LittleEndian.FLOAT, wOffset + i * BYTES) * act.get(LittleEndian.FLOAT, actOffset + i * BYTES);
        }
        return (float) sum;
    }

    private static FloatVector load(MemorySegment s, long offset) {
        return FloatVector.fromMemorySegment(F512, s, offset, java.nio.ByteOrder.LITTLE_ENDIAN);
    }
}
