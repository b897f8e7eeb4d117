package org.slmlab.benchmarks;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.slmlab.quant.ActivationBatch;

/**
 * The matrix-matrix product of prompt processing: a 1024 × 4096 matrix of each weight type times 64 activation rows
 * (a pp64 batch) in one {@code dotTile} call, as one engine thread runs its slice. The counters report multiply-adds
 * (2 flops per weight per token) and tokens per second; {@link MatVecBenchmark} is the one-token case.
 */
public class MatMatBenchmark extends MatrixBenchmark {

    static final int TOKENS = 64;
    /** Row slices per product: about what {@code WorkerPool} cuts a matrix into. */
    static final int SLICES = 32;

    @Param({"Q8_0", "Q5_1", "Q5_0", "Q4_1", "Q4_0", "TQ2_0", "TQ1_0", "Q6_K", "Q5_K", "Q4_K", "F16", "BF16"})
    public String type;

    private final float[] out = new float[ROWS * TOKENS];

    /** Per-second rates JMH reports next to the score. */
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    @State(Scope.Thread)
    public static class Rates {
        public long flops;
        public long tokens;
    }

    @Setup(Level.Trial)
    public void setUp() {
        load(type, TOKENS);
    }

    @Benchmark
    public float[] tile(Rates rates) {
        codec.dotTile(weights, 0, rowBytes, ROWS, activations, 0, actRowBytes, TOKENS, COLS, out, 0, ROWS);
        rates.flops += 2L * ROWS * COLS * TOKENS;
        rates.tokens += TOKENS;
        return out;
    }

    /**
     * The same product cut into {@link #SLICES} row slices, as the engine's thread pool cuts it, each slice given
     * the whole batch as one {@link ActivationBatch}: the activations are unpacked once for all slices.
     */
    @Benchmark
    public float[] slicesSharingBatch(Rates rates) {
        ActivationBatch batch = ActivationBatch.of(codec.vecDotType(), activations, 0, actRowBytes, TOKENS, COLS);
        for (int r = 0; r < ROWS; r += ROWS / SLICES) {
            codec.dotTile(weights, r * rowBytes, rowBytes, ROWS / SLICES, batch, out, r, ROWS);
        }
        rates.flops += 2L * ROWS * COLS * TOKENS;
        rates.tokens += TOKENS;
        return out;
    }

    /** {@link #slicesSharingBatch} with the activations passed as plain blocks: unpacked again by every slice. */
    @Benchmark
    public float[] slicesEachUnpacking(Rates rates) {
        for (int r = 0; r < ROWS; r += ROWS / SLICES) {
            codec.dotTile(weights, r * rowBytes, rowBytes, ROWS / SLICES, activations, 0, actRowBytes, TOKENS, COLS,
                    out, r, ROWS);
        }
        rates.flops += 2L * ROWS * COLS * TOKENS;
        rates.tokens += TOKENS;
        return out;
    }
}
