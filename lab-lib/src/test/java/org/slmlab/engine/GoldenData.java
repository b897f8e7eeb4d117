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
     * The first runs of a fresh JVM differ from later ones in the last bits: the codecs' Vector API reductions run
     * as plain Java until the JIT compiles them, and the two add the lanes in different orders. Tests that compare
     * runs bit for bit first repeat {@code run} until two results in a row agree (at most this many times).
     */
    static final int MAX_WARM_UP_RUNS = 20;

    /** {@code run}'s result once two consecutive runs agree bit for bit (see {@link #MAX_WARM_UP_RUNS}). */
    static float[] settled(java.util.function.Supplier<float[]> run) {
        float[] previous = run.get();
        for (int i = 0; i < MAX_WARM_UP_RUNS; i++) {
            float[] again = run.get();
            if (java.util.Arrays.equals(previous, again)) {
                return again;
            }
            previous = again;
        }
        throw new AssertionError("the logits never settled: " + (MAX_WARM_UP_RUNS + 1) + " runs, no two alike");
    }
}
