package org.slmlab.tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.EnumMap;
import java.util.Map;
import org.slmlab.gguf.GgmlType;
import org.slmlab.quant.Codecs;

/**
 * A batch of activation rows ({@code n} rows of {@code cols} floats), with each row converted — at most once
 * per format — to the {@code vec_dot} format of the weights it meets.
 *
 * <p>This is the heart of ggml's CPU matmul semantics: before {@code W·x}, ggml rounds x to the weight type's
 * {@code vec_dot_type} (Q8_0, Q8_1 or Q8_K blocks for quantized weights, F16/BF16 for half-precision ones) and
 * then takes integer or half-precision dot products. Doing the same is what makes the logits match llama.cpp
 * to 1e-2 instead of 1e-1. Q, K and V (or gate and up) read the same input, so it is quantized once for all.
 */
public final class QuantizedActivations {

    private final float[] rows;
    private final int n;
    private final int cols;
    private final Map<GgmlType, MemorySegment> converted = new EnumMap<>(GgmlType.class);

    /** Wraps (does not copy) {@code n} rows of width {@code cols} at the start of {@code rows}. */
    public QuantizedActivations(float[] rows, int n, int cols) {
        if ((long) n * cols > rows.length) {
            throw new IllegalArgumentException(n + " rows of " + cols + " do not fit in " + rows.length + " floats");
        }
        this.rows = rows;
        this.n = n;
        this.cols = cols;
    }

    public int count() {
        return n;
    }

    public int cols() {
        return cols;
    }

    /** The rows in format {@code type}, one after another, each {@code type.bytesFor(cols)} bytes. */
    public MemorySegment as(GgmlType type) {
        return converted.computeIfAbsent(type, this::convert);
    }

    private MemorySegment convert(GgmlType type) {
        long rowBytes = type.bytesFor(cols);
        MemorySegment seg = Arena.ofAuto().allocate(rowBytes * n, 64);
        var codec = Codecs.of(type);
        for (int t = 0; t < n; t++) {
            codec.quantizeActivation(rows, t * cols, seg, t * rowBytes, cols);
        }
        return seg;
    }
}
