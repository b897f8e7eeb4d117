package org.slmlab.tensor;

import java.lang.foreign.MemorySegment;
import org.slmlab.gguf.GgmlType;
import org.slmlab.quant.Codecs;
import org.slmlab.quant.QuantCodec;

/**
 * A weight matrix as it lies in the model file: {@code rows} rows of {@code cols} weights each, stored
 * row-major in ggml type {@code type} (blocks of quantized weights), read in place from the memory map.
 *
 * <p>In ggml's shape notation this is a tensor with {@code ne0 = cols} (the input width) and
 * {@code ne1 = rows} (the output width): multiplying it by an activation row gives one number per row.
 */
public record Matrix(String name, GgmlType type, int rows, int cols, MemorySegment data) {

    public Matrix {
        long need = (long) rows * type.bytesFor(cols);
        if (data.byteSize() < need) {
            throw new IllegalArgumentException("tensor " + name + ": " + rows + "x" + cols + " " + type + " needs "
                    + need + " bytes, the file holds " + data.byteSize());
        }
    }

    /** Bytes of one stored row. */
    public long rowBytes() {
        return type.bytesFor(cols);
    }

    /** The codec that reads this matrix's blocks. */
    public QuantCodec codec() {
        return Codecs.of(type);
    }

    /** The format activations must be quantized to before {@link QuantCodec#dot} with this matrix. */
    public GgmlType vecDotType() {
        return codec().vecDotType();
    }

    /** Row {@code r} as floats (an embedding lookup: ggml's {@code get_rows}). */
    public void dequantizeRow(int r, float[] dst, int dstOffset) {
        if (r < 0 || r >= rows) {
            throw new IndexOutOfBoundsException("row " + r + " of " + name + " (" + rows + " rows)");
        }
        codec().dequantize(data, r * rowBytes(), dst, dstOffset, cols);
    }

    /** A view of rows [from, from+count): how fused tensors (Phi-3's attn_qkv) are split without copying. */
    public Matrix rowSlice(String sliceName, int from, int count) {
        return new Matrix(sliceName, type, count, cols, data.asSlice(from * rowBytes(), count * rowBytes()));
    }
}
