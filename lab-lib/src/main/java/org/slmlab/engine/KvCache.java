package org.slmlab.engine;

import java.util.Arrays;
import org.slmlab.gguf.GgmlType;

/**
 * The keys and values of every token seen so far, per layer, in F32 (what llama.cpp's golden logits used:
 * {@code type_k = type_v = f32}) or F16 (llama.cpp's default: half the memory).
 *
 * <p>Row {@code p} of a layer holds position {@code p}: all key heads side by side ({@code keyWidth} numbers),
 * and likewise for values. Storage grows in steps as the sequence does, up to {@code capacity} positions, so
 * a model with a 40k-token context does not reserve gigabytes for a short chat.
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
        this.keys32 = half ? null : new float[layers][];
        this.values32 = half ? null : new float[layers][];
        this.keys16 = half ? new short[layers][] : null;
        this.values16 = half ? new short[layers][] : null;
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
            int rows = rowsOf(l, grown);
            if (type == GgmlType.F16) {
                keys16[l] = resize(keys16[l], rows * keyWidth);
                values16[l] = resize(values16[l], rows * valueWidth);
            } else {
                keys32[l] = resize(keys32[l], rows * keyWidth);
                values32[l] = resize(values32[l], rows * valueWidth);
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
    private int row(int l, int pos) {
        return windows[l] > 0 ? pos % windows[l] : pos;
    }

    private static float[] resize(float[] a, int size) {
        return a == null ? new float[size] : a.length == size ? a : Arrays.copyOf(a, size);
    }

    private static short[] resize(short[] a, int size) {
        return a == null ? new short[size] : a.length == size ? a : Arrays.copyOf(a, size);
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
            if (type == GgmlType.F16) {
                toHalf(k, t * keyWidth, keys16[layer], r * keyWidth, keyWidth);
                toHalf(v, t * valueWidth, values16[layer], r * valueWidth, valueWidth);
            } else {
                System.arraycopy(k, t * keyWidth, keys32[layer], r * keyWidth, keyWidth);
                System.arraycopy(v, t * valueWidth, values32[layer], r * valueWidth, valueWidth);
            }
        }
    }

    private static void toHalf(float[] src, int srcOff, short[] dst, int dstOff, int n) {
        for (int i = 0; i < n; i++) {
            dst[dstOff + i] = Float.floatToFloat16(src[srcOff + i]);
        }
    }

    /**
     * {@code Σ q[qOff+i] · key[i]} over {@code len} numbers of the stored key of position {@code pos}, starting at
     * column {@code col} (a head), summed in order in float.
     */
    float dotKey(int layer, int pos, int col, float[] q, int qOff, int len) {
        int off = row(layer, pos) * keyWidth + col;
        if (type == GgmlType.F32) {
            return dot(q, qOff, keys32[layer], off, len);
        }
        short[] k = keys16[layer];
        float s = 0f;
        for (int i = 0; i < len; i++) {
            s += q[qOff + i] * Float.float16ToFloat(k[off + i]);
        }
        return s;
    }

    /** {@code Σ a[aOff+i] · b[bOff+i]}, summed in order in float. */
    static float dot(float[] a, int aOff, float[] b, int bOff, int len) {
        float s = 0f;
        for (int i = 0; i < len; i++) {
            s += a[aOff + i] * b[bOff + i];
        }
        return s;
    }

    /** {@code out[outOff+i] += weight · x[xOff+i]}. */
    static void addScaled(float weight, float[] x, int xOff, float[] out, int outOff, int len) {
        for (int i = 0; i < len; i++) {
            out[outOff + i] += weight * x[xOff + i];
        }
    }

    /** {@code out[outOff+i] += weight · value[i]} for {@code len} numbers of the stored value of {@code pos} (F32). */
    void addValue(int layer, int pos, int col, float weight, float[] out, int outOff, int len) {
        addScaled(weight, values32[layer], row(layer, pos) * valueWidth + col, out, outOff, len);
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
