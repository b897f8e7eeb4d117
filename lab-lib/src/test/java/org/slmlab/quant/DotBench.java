package org.slmlab.quant;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.slmlab.gguf.GgmlType;

/**
 * Matrix-vector speed of each codec's dot product, one thread, on a Qwen3-0.6B FFN-shaped matrix (3072 rows of
 * 1024): weight bytes streamed per second and weights per second. Not a test; run it by hand:
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp lab-lib/target/classes:lab-lib/target/test-classes \
 *      org.slmlab.quant.DotBench [TYPE ...]
 * </pre>
 */
public final class DotBench {

    public static void main(String[] args) {
        String[] names = args.length > 0 ? args : new String[] {"F32", "F16", "BF16", "Q8_0", "Q4_0", "Q4_1", "Q5_0", "Q5_1"};
        int n = 1024;
        int rows = 3072;
        for (String name : names) {
            QuantCodec c = Codecs.of(GgmlType.parse(name));
            try (Arena arena = Arena.ofConfined()) {
                long rowBytes = c.type().bytesFor(n);
                MemorySegment w = arena.allocate(rowBytes * rows, 64);
                float[] src = TestData.floats(TestData.Kind.NORMAL, n, 1);
                for (int r = 0; r < rows; r++) {
                    c.quantize(src, 0, w, r * rowBytes, n, null);
                }
                MemorySegment act = ActivationQuantizer.allocate(c, n, arena);
                ActivationQuantizer.quantize(c, TestData.floats(TestData.Kind.NORMAL, n, 2), 0, n, act);
                float[] out = new float[rows];
                // Compile the dequantizer first, as an engine would (embedding rows): its helpers then exist as
                // compiled code of their own, which changes what the JIT inlines into the dot products.
                float[] row = new float[n];
                for (int rep = 0; rep < 20; rep++) {
                    for (int r = 0; r < rows; r++) {
                        c.dequantize(w, r * rowBytes, row, 0, n);
                    }
                }
                for (String path : new String[] {"scalar", "fast"}) {
                    boolean fast = path.equals("fast");
                    double best = Double.MAX_VALUE;
                    for (int rep = 0; rep < 40; rep++) {
                        long t0 = System.nanoTime();
                        for (int r = 0; r < rows; r++) {
                            out[r] = fast ? c.dotFast(w, r * rowBytes, act, 0, n) : c.dotScalar(w, r * rowBytes, act, 0, n);
                        }
                        best = Math.min(best, (System.nanoTime() - t0) / 1e9);
                    }
                    System.out.printf("%-5s %-6s %7.3f ms/matvec  %6.2f GB/s  %6.2f Gweights/s%n", name, path,
                            best * 1e3, rowBytes * rows / best / 1e9, (double) n * rows / best / 1e9);
                }
            }
        }
    }
}
