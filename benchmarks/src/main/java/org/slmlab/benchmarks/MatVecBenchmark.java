package org.slmlab.benchmarks;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The matrix-vector product of each weight type, the way the engine runs it: the activation quantized once to the
 * type's vec_dot format, then the codec's {@code dotTile} over all rows (one block dot per row; a codec may prepare
 * the activation once for all rows) — against the scalar reference, one {@code dotScalar} per row.
 *
 * <p>The matrix is 1024 rows of 4096 weights (a Qwen3-0.6B-sized projection); the counters report the weight bytes
 * streamed and the multiply-adds done per second, so the results read as GB/s and GFLOP/s (2 flops per weight).
 * Run with {@code ./lab bench --jmh} (add JMH options after it, e.g. {@code -t 2} for two threads).
 */
public class MatVecBenchmark extends MatrixBenchmark {

    @Param({"F16", "Q8_0", "Q6_K", "Q5_1", "Q5_0", "Q4_1", "Q4_K", "Q4_0", "TQ2_0", "TQ1_0"})
    public String type;

    private final float[] out = new float[ROWS];

    /** Per-second rates JMH reports next to the score. */
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    @State(Scope.Thread)
    public static class Rates {
        public long weightBytes;
        public long flops;
    }

    @Setup(Level.Trial)
    public void setUp() {
        load(type, 1);
    }

    @Benchmark
    public float[] vectorApi(Rates rates) {
        codec.dotTile(weights, 0, rowBytes, ROWS, activations, 0, 0, 1, COLS, out, 0, ROWS);
        count(rates);
        return out;
    }

    @Benchmark
    public float scalar(Rates rates) {
        float s = 0;
        for (int r = 0; r < ROWS; r++) {
            s += codec.dotScalar(weights, r * rowBytes, activations, 0, COLS);
        }
        count(rates);
        return s;
    }

    private void count(Rates rates) {
        rates.weightBytes += rowBytes * ROWS;
        rates.flops += 2L * ROWS * COLS;
    }
}
