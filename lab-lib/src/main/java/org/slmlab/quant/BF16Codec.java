package org.slmlab.quant;

import static org.slmlab.quant.Simd.F512;
import static org.slmlab.quant.Simd.I512;
import static org.slmlab.quant.Simd.S256;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import org.slmlab.gguf.GgmlType;

/** bfloat16 weights (see {@link Bf16}); the activation is rounded to bf16 as well. */
public final class BF16Codec extends HalfFloatCodec {

    public BF16Codec() {
        super(GgmlType.BF16);
    }

    @Override
    protected float toFloat(short h) {
        return Bf16.toFloat(h);
    }

    @Override
    protected short fromFloat(float f) {
        return Bf16.fromFloat(f);
    }

    /**
     * bf16 is the top half of a float: 16 values widened to ints and shifted up. (C2 does not vectorize the
     * scalar loop of this, unlike F16's conversion loop.)
     */
    @Override
    public void dequantizeFast(MemorySegment src, long offset, float[] dst, int dstOffset, int n) {
        int i = 0;
        for (; i < F512.loopBound(n); i += F512.length()) {
            ((IntVector) ShortVector.fromMemorySegment(S256, src, offset + 2L * i, ByteOrder.LITTLE_ENDIAN)
                    .convertShape(VectorOperators.ZERO_EXTEND_S2I, I512, 0))
                    .lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().intoArray(dst, dstOffset + i);
        }
        dequantizeScalar(src, offset + 2L * i, dst, dstOffset + i, n - i);
    }
}
