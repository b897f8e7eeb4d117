package org.slmlab.benchmarks;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import org.slmlab.quant.Codecs;
import org.slmlab.quant.QuantCodec;

/** The benchmarks' inputs: rows of Gaussian values quantized with a codec, one row after another. */
final class RandomBlocks {

    private RandomBlocks() {
    }

    /** {@code rows} rows of {@code cols} values, N(0, σ²), each quantized by {@code codec}. */
    static MemorySegment rows(QuantCodec codec, int rows, int cols, double sigma, SplittableRandom random) {
        long rowBytes = codec.type().bytesFor(cols);
        MemorySegment seg = Arena.ofAuto().allocate(rowBytes * rows, 64);
        float[] row = new float[cols];
        for (int r = 0; r < rows; r++) {
            for (int i = 0; i < cols; i++) {
                row[i] = (float) (random.nextGaussian() * sigma);
            }
            codec.quantize(row, 0, seg, r * rowBytes, cols, null);
        }
        return seg;
    }

    /** Weights (σ = 1/64) and then activations (σ = 1) in the weights' vec_dot format, from one seed. */
    static MemorySegment[] weightsAndActivations(QuantCodec codec, int rows, int cols, int tokens) {
        SplittableRandom random = new SplittableRandom(1);
        MemorySegment weights = rows(codec, rows, cols, 1.0 / 64, random);
        MemorySegment activations = rows(Codecs.of(codec.vecDotType()), tokens, cols, 1.0, random);
        return new MemorySegment[] {weights, activations};
    }
}
