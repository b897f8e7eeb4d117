package org.slmlab.tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.EnumMap;
import java.util.Map;
import org.slmlab.gguf.GgmlType;
import org.slmlab.quant.ActivationBatch;
import org.slmlab.quant.Codecs;

/**
 * A batch of activation rows ({@code n} rows of {@code cols} floats), with each row converted — at most once
 * per format — to the {@code vec_dot} format of the weights it meets.
 *
 * <p>This is the heart of ggml's CPU matmul semantics: before {@code W·x}, ggml rounds x to the weight type's
 * {@code vec_dot_type} (Q8_0, Q8_1 or Q8_K blocks for quantized weights, F16/BF16 for half-precision ones) and
 * then takes integer or half-precision dot products. Doing the same is what makes the logits match llama.cpp
 * to 1e-2 instead of 1e-1. Q, K and V (or gate and up) read the same input, so it is quantized once for all.
 *
 * <p>The forward pass keeps one instance per input and {@link #wrap}s each new batch in it: the converted rows
 * live in buffers that are reused from token to token, and a batch's rows are converted in parallel (each row
 * on its own, so the bytes do not depend on the thread count).
 */
public final class QuantizedActivations {

    private final WorkerPool pool;
    private final Map<GgmlType, MemorySegment> buffers = new EnumMap<>(GgmlType.class);
    private final Map<GgmlType, ActivationBatch> converted = new EnumMap<>(GgmlType.class);
    private float[] rows;
    private int n;
    private int cols;

    /** Wraps (does not copy) {@code n} rows of width {@code cols} at the start of {@code rows}; converts serially. */
    public QuantizedActivations(float[] rows, int n, int cols) {
        this(null);
        wrap(rows, n, cols);
    }

    /** An empty holder whose conversions run on {@code pool} (null: on the calling thread). */
    public QuantizedActivations(WorkerPool pool) {
        this.pool = pool;
    }

    /** Makes this hold {@code n} new rows of width {@code cols} (not copied); earlier conversions are forgotten. */
    public QuantizedActivations wrap(float[] rows, int n, int cols) {
        if ((long) n * cols > rows.length) {
            throw new IllegalArgumentException(n + " rows of " + cols + " do not fit in " + rows.length + " floats");
        }
        this.rows = rows;
        this.n = n;
        this.cols = cols;
        converted.clear();
        return this;
    }

    public int count() {
        return n;
    }

    public int cols() {
        return cols;
    }

    /**
     * The rows in format {@code type}, one after another, each {@code type.bytesFor(cols)} bytes, as the batch
     * every row slice of a matrix product reads (so the batch's decoded forms are made once for all of them, and
     * for every matrix reading this input). Valid until the next {@link #wrap}.
     */
    public ActivationBatch batch(GgmlType type) {
        ActivationBatch done = converted.get(type);
        if (done != null) {
            return done;
        }
        long rowBytes = type.bytesFor(cols);
        MemorySegment buf = buffers.get(type);
        if (buf == null || buf.byteSize() < rowBytes * n) {
            buf = Arena.ofAuto().allocate(rowBytes * n, 64);
            buffers.put(type, buf);
        }
        var codec = Codecs.of(type);
        MemorySegment seg = buf;
        WorkerPool.RangeTask convert = (from, to) -> {
            for (int t = from; t < to; t++) {
                codec.quantizeActivation(rows, t * cols, seg, t * rowBytes, cols);
            }
        };
        if (pool == null) {
            convert.run(0, n);
        } else {
            pool.parallelFor(n, convert);
        }
        ActivationBatch batch = ActivationBatch.of(type, buf, 0, rowBytes, n, cols);
        converted.put(type, batch);
        return batch;
    }
}
