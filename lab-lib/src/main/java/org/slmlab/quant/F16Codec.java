package org.slmlab.quant;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import org.slmlab.gguf.GgmlType;

/** IEEE half precision weights (see {@link Fp16}); the activation is rounded to fp16 as well. */
public final class F16Codec extends HalfFloatCodec {

    /** 2^(127 − 15): moves an fp16 exponent (bias 15) to the float exponent (bias 127). */
    private static final float REBIAS = 0x1p112f;

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
     * The Vector API has no fp16 conversion, so it is done with integer operations: the 15 exponent and
     * mantissa bits move up 13 places into a float's, and multiplying by 2^112 fixes the exponent bias. That
     * one multiplication also turns fp16 subnormals (exponent 0) into the right normal floats. Only infinity and
     * NaN (fp16 exponent 31) need their float exponent set to 255 by hand. The sign bit is put back last.
     */
    static FloatVector toFloats(IntVector h) {
        IntVector magnitude = h.and(0x7FFF);
        IntVector shifted = magnitude.lanewise(VectorOperators.LSHL, 13);
        IntVector finite = shifted.reinterpretAsFloats().mul(REBIAS).reinterpretAsInts();
        VectorMask<Integer> infOrNan = magnitude.compare(VectorOperators.GE, 0x7C00);
        IntVector bits = finite.blend(shifted.or(0x7F800000), infOrNan);
        IntVector sign = h.and(0x8000).lanewise(VectorOperators.LSHL, 16);
        return bits.or(sign).reinterpretAsFloats();
    }
}
