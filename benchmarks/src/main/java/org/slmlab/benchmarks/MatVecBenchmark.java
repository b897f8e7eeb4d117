package org.slmlab.benchmarks;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.slmlab.gguf.GgmlType;
import org.slmlab.quant.Codecs;
import org.slmlab.quant.QuantCodec;

/**
 * The matrix-vector product of each weight type, the way the engine runs it: the activation quantized once to the
 * type's vec_dot format, then the codec's {@code dotTile} over all rows (one block dot per row; a codec may prepare
 * the activation once for all rows) — against the scalar reference, one {@code dotScalar} per row.
 *
 * <p>The matrix is 1024 rows of 4096 weights (a Qwen3-0.6B-sized projection); the counters report the weight bytes
 * streamed and the multiply-adds done per second, so the results read as GB/s and GFLOP/s (2 flops per weight).
 * Run with {@code ./lab bench --jmh} (add JMH options after it, e.g. {@code -t 2} for two threads).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class MatVecBenchmark {

    static final int ROWS = 1024;
    static final int COLS = 4096;

    @Param({"F16", "Q8_0", "Q6_K", "Q5_1", "Q5_0", "Q4_1", "Q4_K", "Q4_0", "TQ2_0", "TQ1_0"})
    public String type;

    private QuantCodec codec;
    private MemorySegment weights;
    private MemorySegment activation;
    private long rowBytes;
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
        GgmlType t = GgmlType.parse(type);
        codec = Codecs.of(t);
        rowBytes = t.bytesFor(COLS);
        MemorySegment[] data = RandomBlocks.weightsAndActivations(codec, ROWS, COLS, 1);
        weights = data[0];
        activation = data[1];
    }

    @Benchmark
    public float[] vectorApi(Rates rates) {
        codec.dotTile(weights, 0, rowBytes, ROWS, activation, 0, 0, 1, COLS, out, 0, ROWS);
        count(rates);
        return out;
    }

    @Benchmark
    public float scalar(Rates rates) {
        float s = 0;
        for (int r = 0; r < ROWS; r++) {
            s += codec.dotScalar(weights, r * rowBytes, activation, 0, COLS);
        }
        count(rates);
        return s;
    }

    private void count(Rates rates) {
        rates.weightBytes += rowBytes * ROWS;
        rates.flops += 2L * ROWS * COLS;
    }
}
