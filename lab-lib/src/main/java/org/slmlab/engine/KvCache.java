package org.slmlab.engine;

import java.util.Arrays;

/**
 * The keys and values of every token seen so far, per layer, in F32 (what llama.cpp's golden logits used:
 * {@code type_k = type_v = f32}).
 *
 * <p>Row {@code p} of a layer holds position {@code p}: all key heads side by side ({@code keyWidth} floats),
 * and likewise for values. Storage grows in steps as the sequence does, up to {@code capacity} positions, so
 * a model with a 40k-token context does not reserve gigabytes for a short chat.
 */
public final class KvCache {

    private final int layers;
    private final int keyWidth;
    private final int valueWidth;
    private final int capacity;
    private final float[][] keys;
    private final float[][] values;
    private int allocated;
    private int length;

    public KvCache(int layers, int keyWidth, int valueWidth, int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("context size must be at least 1, got " + capacity);
        }
        this.layers = layers;
        this.keyWidth = keyWidth;
        this.valueWidth = valueWidth;
        this.capacity = capacity;
        this.keys = new float[layers][];
        this.values = new float[layers][];
        ensure(Math.min(capacity, 256));
    }

    /** Positions stored so far (the next token goes to position {@code length()}). */
    public int length() {
        return length;
    }

    public int capacity() {
        return capacity;
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
            keys[l] = keys[l] == null ? new float[grown * keyWidth] : Arrays.copyOf(keys[l], grown * keyWidth);
            values[l] = values[l] == null ? new float[grown * valueWidth]
                    : Arrays.copyOf(values[l], grown * valueWidth);
        }
        allocated = grown;
    }

    /** The key rows of a layer (row p at {@code p * keyWidth}). */
    public float[] keys(int layer) {
        return keys[layer];
    }

    public float[] values(int layer) {
        return values[layer];
    }

    /** Writes {@code n} tokens' keys and values for {@code layer} at positions [start, start+n). */
    public void store(int layer, int start, int n, float[] k, float[] v) {
        ensure(start + n);
        System.arraycopy(k, 0, keys[layer], start * keyWidth, n * keyWidth);
        System.arraycopy(v, 0, values[layer], start * valueWidth, n * valueWidth);
    }

    /** Marks positions [0, length) as filled (after every layer stored them). */
    public void setLength(int length) {
        if (length < 0 || length > allocated) {
            throw new IllegalArgumentException("cache length " + length + " outside [0, " + allocated + "]");
        }
        this.length = length;
    }

    /** Bytes held by the cache right now. */
    public long bytes() {
        return 4L * layers * allocated * (keyWidth + valueWidth);
    }
}
