package org.slmlab.engine;

import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import org.slmlab.gguf.GGUFFile;

/** Reading a golden file's tensors, and comparing logits. */
final class GoldenData {

    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private GoldenData() {
    }

    static int[] ints(GGUFFile f, String name) {
        var seg = f.tensorData(name);
        int[] v = new int[(int) (seg.byteSize() / 4)];
        for (int i = 0; i < v.length; i++) {
            v[i] = seg.getAtIndex(I32, i);
        }
        return v;
    }

    static float[] floats(GGUFFile f, String name) {
        var seg = f.tensorData(name);
        float[] v = new float[(int) (seg.byteSize() / 4)];
        for (int i = 0; i < v.length; i++) {
            v[i] = seg.getAtIndex(F32, i);
        }
        return v;
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
