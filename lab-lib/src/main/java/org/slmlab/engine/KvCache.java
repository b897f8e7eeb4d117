package org.slmlab.engine;

import java.util.Arrays;
import org.slmlab.gguf.GgmlType;

/**
 * The keys and values of every token seen so far, per layer, in F32 (what llama.cpp's golden logits used:
 * {@code type_k = type_v = f32}) or F16 (llama.cpp's default: half the memory).
 *
 * <p>Row {@code p} of a layer holds position {@code p}: all value heads side by side ({@code valueWidth} numbers).
 * Keys are stored the other way round, <em>transposed</em>: number c of every position's key (all heads side by
 * side, {@code keyWidth} numbers) lies in one run of {@link #rows} floats, position after position. Attention
 * multiplies a query with the keys of many positions, and with this layout the same number of 16 neighbouring
 * positions' keys is one vector load: {@link AttentionKernels} takes 16 scores at once, each summed in plain
 * order. (llama.cpp, without flash attention, stores the <em>values</em> transposed, for the same reason: its
 * product of the attention weights with the values then reads rows.)
 *
 * <p>Storage grows in steps as the sequence does, up to {@code capacity} positions, so a model with a 40k-token
 * context does not reserve gigabytes for a short chat.
 *
 * <p>A layer with a sliding window (Gemma 3's local layers) never looks further back than its window, so it keeps
 * only the last {@code window} positions, in a ring: position p lives in row {@code p % window}. (The tokens of
 * the batch being processed are read from the batch itself — see {@link Attention} — so a long prompt does not
 * overwrite rows that its own earlier tokens still need.)
 *
 * <p>F16 storage rounds each number to the nearest half, as ggml's {@code cpy} into an F16 cache does. Readers
 * get the stored numbers back exactly, as floats.
 */
public final class KvCache {

    private final int layers;
    private final int keyWidth;
    private final int valueWidth;
    private final int capacity;
    private final GgmlType type;
    private final int[] windows;
    private final float[][] keys32;
    private final float[][] values32;
    private final short[][] keys16;
    private final short[][] values16;
    private int allocated;
    private int length;
    /** A forward pass wrote ring rows and did not finish (its {@link #setLength} never came). */
    private boolean ringsWrittenUncommitted;

    /** An F32 cache in which every layer keeps every position. */
    public KvCache(int layers, int keyWidth, int valueWidth, int capacity) {
        this(layers, keyWidth, valueWidth, capacity, GgmlType.F32, new int[layers]);
    }

    /**
     * @param type    F32 or F16
     * @param windows per layer: 0 keeps every position, {@code w > 0} only the last w (a sliding-window layer)
     */
    public KvCache(int layers, int keyWidth, int valueWidth, int capacity, GgmlType type, int[] windows) {
        if (capacity < 1) {
            throw new IllegalArgumentException("context size must be at least 1, got " + capacity);
        }
        if (type != GgmlType.F32 && type != GgmlType.F16) {
            throw new IllegalArgumentException("the KV cache is stored as F32 or F16, not " + type);
        }
        if (windows.length != layers) {
            throw new IllegalArgumentException(windows.length + " windows for " + layers + " layers");
        }
        this.layers = layers;
        this.keyWidth = keyWidth;
        this.valueWidth = valueWidth;
        this.capacity = capacity;
        this.type = type;
        this.windows = windows.clone();
        boolean half = type == GgmlType.F16;
        this.keys32 = half ? null : new float[layers][0];
        this.values32 = half ? null : new float[layers][0];
        this.keys16 = half ? new short[layers][0] : null;
        this.values16 = half ? new short[layers][0] : null;
        ensure(Math.min(capacity, 256));
    }

    /** Positions stored so far (the next token goes to position {@code length()}). */
    public int length() {
        return length;
    }

    public int capacity() {
        return capacity;
    }

    /** F32 or F16. */
    public GgmlType type() {
        return type;
    }

    /** Makes room for positions [0, positions); throws when that exceeds the context size. */
    public void ensure(int positions) {
        if (positions > capacity) {
            throw new IllegalStateException("context full: " + positions + " tokens do not fit in a context of "
                    + capacity + " (raise the context size)");
        }
        if (positions <= allocated) {
            return;
        }
        int grown = Math.min(capacity, Math.max(positions, allocated * 2));
        for (int l = 0; l < layers; l++) {
            int old = rowsOf(l, allocated);
            int rows = rowsOf(l, grown);
            if (rows == old) {
                continue; // a full ring
            }
            if (type == GgmlType.F16) {
                keys16[l] = restride(keys16[l], new short[rows * keyWidth], old, rows);
                values16[l] = Arrays.copyOf(values16[l], rows * valueWidth);
            } else {
                keys32[l] = restride(keys32[l], new float[rows * keyWidth], old, rows);
                values32[l] = Arrays.copyOf(values32[l], rows * valueWidth);
            }
        }
        allocated = grown;
    }

    /** Rows layer {@code l} holds for {@code positions} positions: a windowed layer never more than its window. */
    private int rowsOf(int l, int positions) {
        return windows[l] > 0 ? Math.min(positions, windows[l]) : positions;
    }

    /**
     * The row of position {@code pos} in layer {@code l}. A ring only grows while it is not full yet: until then
     * {@code pos < window} and the row is the position itself, so growing never moves a stored row.
     */
    int row(int l, int pos) {
        return windows[l] > 0 ? pos % windows[l] : pos;
    }

    /**
     * {@code grown} (a float[] or short[], like {@code keys}) holding the transposed keys of {@code keys}: each run
     * of {@code oldRows} positions moves to the start of its longer run of {@code rows}.
     */
    private <A> A restride(A keys, A grown, int oldRows, int rows) {
        for (int c = 0; c < keyWidth; c++) {
            System.arraycopy(keys, c * oldRows, grown, c * rows, oldRows);
        }
        return grown;
    }

    /**
     * Rounds {@code x[0..n)} in place to what storing them would keep (F16: the nearest half; F32: unchanged), so
     * the batch's own keys and values, read straight from the batch, equal what later tokens read from the cache.
     */
    public void roundLikeStorage(float[] x, int n) {
        if (type == GgmlType.F16) {
            for (int i = 0; i < n; i++) {
                x[i] = Float.float16ToFloat(Float.floatToFloat16(x[i]));
            }
        }
    }

    /**
     * Writes {@code n} tokens' keys and values for {@code layer} at positions [start, start+n). A windowed layer
     * only keeps the last {@code window} of them.
     */
    public void store(int layer, int start, int n, float[] k, float[] v) {
        ensure(start + n);
        ringsWrittenUncommitted |= windows[layer] > 0;
        int first = windows[layer] > 0 ? Math.max(start, start + n - windows[layer]) : start;
        for (int pos = first; pos < start + n; pos++) {
            int t = pos - start;
            int r = row(layer, pos);
            int stride = rows(layer);
            if (type == GgmlType.F16) {
                for (int c = 0; c < keyWidth; c++) {
                    keys16[layer][c * stride + r] = Float.floatToFloat16(k[t * keyWidth + c]);
                }
                for (int c = 0; c < valueWidth; c++) {
                    values16[layer][r * valueWidth + c] = Float.floatToFloat16(v[t * valueWidth + c]);
                }
            } else {
                for (int c = 0; c < keyWidth; c++) {
                    keys32[layer][c * stride + r] = k[t * keyWidth + c];
                }
                System.arraycopy(v, t * valueWidth, values32[layer], r * valueWidth, valueWidth);
            }
        }
    }

    /** Rows layer {@code layer} holds now: the length of a run of its transposed keys. */
    int rows(int layer) {
        return rowsOf(layer, allocated);
    }

    /** The F32 keys of {@code layer}, transposed: number c of the position in row r is at {@code c · rows + r}. */
    float[] keys(int layer) {
        return keys32[layer];
    }

    /** The F32 values of {@code layer}: the position in row r starts at {@code r · valueWidth}. */
    float[] values(int layer) {
        return values32[layer];
    }

    /** The F16 keys of {@code layer}, transposed like {@link #keys}. */
    short[] halfKeys(int layer) {
        return keys16[layer];
    }

    /**
     * {@code acc[i] = half(v[i] · weight + acc[i])} (one rounding of a fused multiply-add, then to F16) for the
     * stored value of {@code pos} in an F16 cache: a step of llama.cpp's F16 attention accumulator.
     */
    void fmaValueHalf(int layer, int pos, int col, float weight, float[] acc, int len) {
        int off = row(layer, pos) * valueWidth + col;
        short[] v = values16[layer];
        for (int i = 0; i < len; i++) {
            acc[i] = Attention.toHalf(Math.fma(Float.float16ToFloat(v[off + i]), weight, acc[i]));
        }
    }

    /** Marks positions [0, length) as filled (after every layer stored them). */
    public void setLength(int length) {
        if (length < 0 || length > allocated) {
            throw new IllegalArgumentException("cache length " + length + " outside [0, " + allocated + "]");
        }
        this.length = length;
        ringsWrittenUncommitted = false;
    }

    /**
     * Throws if an earlier forward pass was abandoned (interrupted, or failed) after it had written a ring: a
     * global layer's rows past {@link #length()} are simply rewritten by the next pass, but a ring reuses rows,
     * so the abandoned tokens took the place of positions that the next token would still have to see. Starting
     * over ({@code setLength(0)}, a session's reset) is always possible.
     */
    public void checkIntact() {
        if (ringsWrittenUncommitted && length > 0) {
            throw new IllegalStateException("an interrupted forward pass overwrote sliding-window rows that the "
                    + length + " cached tokens still need: reset the session (or start from a new cache)");
        }
    }

    /** Bytes held by the cache right now. */
    public long bytes() {
        long total = 0;
        for (int l = 0; l < layers; l++) {
            total += (long) rowsOf(l, allocated) * (keyWidth + valueWidth) * type.typeSize();
        }
        return total;
    }
}
