package org.slmlab.gguf;

import java.util.Arrays;

/**
 * What a GGUF file says about one tensor: its name, ggml type, shape and where its bytes are.
 *
 * @param name     the tensor's name, e.g. {@code blk.0.attn_q.weight}
 * @param type     how its elements are stored
 * @param shape    ggml order: {@code shape[0]} (ne0) is the row length, the fastest-varying axis; a matrix
 *                 with {@code n} rows of {@code k} elements has shape {@code [k, n]}. May be empty (a scalar).
 * @param offset   where its bytes start, relative to the data section ({@link GGUFFile#dataOffset()})
 * @param byteSize how many bytes it takes: (elements / block size) x bytes per block
 */
public record TensorInfo(String name, GgmlType type, long[] shape, long offset, long byteSize) {

    public TensorInfo {
        shape = shape.clone();
    }

    /** A copy: the shape of a tensor info never changes. */
    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** Number of axes (0 for a scalar, at most 4). */
    public int dims() {
        return shape.length;
    }

    /** ne[i], with the axes a shape does not list being 1 (as in ggml, which always has 4). */
    public long ne(int axis) {
        return axis < shape.length ? shape[axis] : 1;
    }

    /** The product of the shape (1 for a scalar). */
    public long elementCount() {
        return elementsOf(shape);
    }

    /**
     * The number of elements of a tensor of {@code shape}, the product of its axes; the catalog's tensor specs
     * count theirs with it too, so that a spec and the file's tensor always agree. Overflow is an error, not a
     * wrapped count.
     */
    public static long elementsOf(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    /** Elements per row: ne0. */
    public long rowLength() {
        return ne(0);
    }

    /** Number of rows: the product of all axes but the first. */
    public long rows() {
        long n = 1;
        for (int i = 1; i < shape.length; i++) {
            n = Math.multiplyExact(n, shape[i]);
        }
        return n;
    }

    /** Bytes of one row: {@code byteSize / rows} (a row is always a whole number of blocks). */
    public long rowBytes() {
        return type.bytesFor(rowLength());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorInfo t && name.equals(t.name) && type == t.type && Arrays.equals(shape, t.shape)
                && offset == t.offset && byteSize == t.byteSize;
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return name + " " + type + " " + Arrays.toString(shape) + " @" + offset + " (" + byteSize + " bytes)";
    }
}
