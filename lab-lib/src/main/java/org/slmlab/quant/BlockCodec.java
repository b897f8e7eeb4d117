package org.slmlab.quant;

import org.slmlab.gguf.GgmlType;

/** A codec's two type facts, given once in its constructor instead of by two methods in every codec. */
public abstract class BlockCodec implements QuantCodec {

    private final GgmlType type;
    private final GgmlType vecDotType;

    protected BlockCodec(GgmlType type, GgmlType vecDotType) {
        this.type = type;
        this.vecDotType = vecDotType;
    }

    @Override
    public final GgmlType type() {
        return type;
    }

    @Override
    public final GgmlType vecDotType() {
        return vecDotType;
    }

    /**
     * The largest |x| of {@code x[from .. from+n)}, from which the absmax quantizers (Q2_0, TQ1_0, TQ2_0, MXFP4,
     * NVFP4) derive their block scale; one definition so that they all treat a block alike ({@code Math.max}: a
     * NaN weight makes the whole block's scale NaN).
     */
    protected static float absMax(float[] x, int from, int n) {
        float amax = 0;
        for (int j = 0; j < n; j++) {
            amax = Math.max(amax, Math.abs(x[from + j]));
        }
        return amax;
    }

    @Override
    public String toString() {
        return type.name() + " codec";
    }
}
