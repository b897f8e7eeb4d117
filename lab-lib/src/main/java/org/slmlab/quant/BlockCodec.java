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

    @Override
    public String toString() {
        return type.name() + " codec";
    }
}
