package org.slmlab.quant;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
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

    /** bf16 is the top half of a float: shift the bits up, done. */
    static FloatVector toFloats(IntVector h) {
        return h.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
    }
}
