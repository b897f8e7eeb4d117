package org.slmlab.quant;

import org.slmlab.gguf.GgmlType;

/** Checks of the importance matrix (imatrix) row a quantizer is given. */
final class Importance {

    private Importance() {
    }

    /** For the types that cannot be quantized without one: a clear error instead of ggml's abort. */
    static void require(GgmlType type, float[] importance, int n) {
        if (importance == null) {
            throw new IllegalArgumentException(type + " quantization requires an importance matrix (imatrix): its "
                    + "lattice search weighs each weight by how much it matters, and has no fallback without one");
        }
        if (importance.length < n) {
            throw new IllegalArgumentException(type + ": importance row has " + importance.length
                    + " entries for a row of " + n + " weights");
        }
    }
}
