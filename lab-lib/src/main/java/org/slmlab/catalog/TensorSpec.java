package org.slmlab.catalog;

import java.util.Arrays;
import org.slmlab.gguf.TensorInfo;

/**
 * One tensor a model's GGUF file holds: its name, its shape (ggml order: {@code shape[0]} is the row length)
 * and the part of the network it belongs to.
 */
public record TensorSpec(String name, long[] shape, Role role) {

    /** Where a tensor's parameters live — for "embeddings vs attention vs FFN" breakdowns. */
    public enum Role {
        EMBEDDING, ATTENTION, FFN, NORM, OUTPUT,
        /** Precomputed RoPE frequency factors: stored in the file but not learned parameters. */
        ROPE_FACTORS
    }

    public TensorSpec {
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    public long elementCount() {
        return TensorInfo.elementsOf(shape);
    }

    /** Row length (ggml {@code ne[0]}): quantization blocks run along it. */
    public long rowLength() {
        return shape[0];
    }

    /** A weight matrix (2-D) as opposed to a norm vector or a factor table. */
    public boolean isMatrix() {
        return shape.length == 2;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorSpec t && t.name.equals(name) && Arrays.equals(t.shape, shape) && t.role == role;
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return name + Arrays.toString(shape);
    }
}
