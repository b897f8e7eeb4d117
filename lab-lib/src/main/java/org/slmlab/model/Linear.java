package org.slmlab.model;

import org.slmlab.tensor.Matrix;

/**
 * One projection {@code y = scale · (W·x) + bias}: a weight matrix with what some families add to it.
 *
 * @param weight the stored matrix (memory-mapped, in its own ggml type)
 * @param bias   added after the product (Qwen2's Q/K/V biases), or null
 * @param scale  a per-tensor multiplier (BitNet's optional {@code .scale} tensors), 1 when absent
 */
public record Linear(Matrix weight, float[] bias, float scale) {

    public Linear {
        if (bias != null && bias.length != weight.rows()) {
            throw new IllegalArgumentException("bias of " + weight.name() + " has " + bias.length
                    + " entries for " + weight.rows() + " outputs");
        }
    }

    public static Linear of(Matrix weight) {
        return new Linear(weight, null, 1f);
    }

    public int outputs() {
        return weight.rows();
    }

    public int inputs() {
        return weight.cols();
    }
}
