package org.slmlab.engine;

import org.slmlab.gguf.GGUFFile;
import org.slmlab.gguf.LittleEndian;

/** Reading a golden file's tensors, and comparing logits. */
final class GoldenData {

    private GoldenData() {
    }

    /** The int32 tensor {@code name}. */
    static int[] ints(GGUFFile f, String name) {
        return f.tensorData(name).toArray(LittleEndian.INT);
    }

    /** The float32 tensor {@code name}. */
    static float[] floats(GGUFFile f, String name) {
        return f.tensorData(name).toArray(LittleEndian.FLOAT);
    }

    /** max |a[i] - b[i]|; NaN anywhere counts as infinitely far. */
    static double maxDiff(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException(a.length + " vs " + b.length + " logits");
        }
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            double d = Math.abs(a[i] - b[i]);
            max = Double.isNaN(d) ? Double.POSITIVE_INFINITY : Math.max(max, d);
        }
        return max;
    }

    /**
     * {@code run}'s result, after checking that a second run gives the same bits. The fast kernels sum their vector
     * lanes in one fixed order ({@code Simd.sum}), so the first, interpreted run of a fresh JVM must already equal
     * the runs after the JIT compiled them; a test that compares runs bit for bit checks that too.
     */
    static float[] repeatable(java.util.function.Supplier<float[]> run) {
        float[] first = run.get();
        float[] again = run.get();
        if (!java.util.Arrays.equals(first, again)) {
            throw new AssertionError("two runs of the same computation gave different logits (max |Δ| "
                    + maxDiff(first, again) + ")");
        }
        return again;
    }
}
