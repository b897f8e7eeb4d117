package org.slmlab.benchmarks;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.slmlab.gguf.GgmlType;
import org.slmlab.quant.Codecs;
import org.slmlab.quant.QuantCodec;

/**
 * What {@link MatVecBenchmark} and {@link MatMatBenchmark} share: one set of JMH settings (JMH reads these class
 * annotations from the superclass), so that the two are always measured alike and their numbers compare; the
 * matrix shape, a Qwen3-0.6B-sized projection; and the setup that quantizes a random matrix of the benchmarked
 * type with its activations.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public abstract class MatrixBenchmark {

    static final int ROWS = 1024;
    static final int COLS = 4096;

    QuantCodec codec;
    MemorySegment weights;
    MemorySegment activations;
    long rowBytes;
    long actRowBytes;

    /** The weight type {@code type}'s codec, a matrix of it, and {@code tokens} activation rows for it. */
    void load(String type, int tokens) {
        GgmlType t = GgmlType.parse(type);
        codec = Codecs.of(t);
        rowBytes = t.bytesFor(COLS);
        actRowBytes = codec.vecDotType().bytesFor(COLS);
        MemorySegment[] data = RandomBlocks.weightsAndActivations(codec, ROWS, COLS, tokens);
        weights = data[0];
        activations = data[1];
    }
}
