package org.slmlab.quant;

import java.lang.foreign.MemorySegment;
import org.slmlab.gguf.GgmlType;

/**
 * How one ggml type is stored, restored and multiplied — bit for bit as ggml does it.
 *
 * <p>Every method works on whole blocks: {@code n} is a multiple of {@code type().blockSize()}, and byte
 * offsets point at the start of a block. Data lives in {@link MemorySegment}s so memory-mapped weights are
 * read in place, never copied.
 *
 * <p>Each codec has a scalar reference ({@code *Scalar}) that reads like the format's definition — the code
 * students study — and may override the fast path with the Vector API. The public entry points
 * {@link #dequantize} and {@link #dot} pick the fast path when {@link Simd#FAST} is on: never with
 * {@code -Dslmlab.scalar=true} (which forces the references everywhere), nor on CPUs without 512-bit vectors.
 */
public interface QuantCodec {

    GgmlType type();

    /**
     * The format the activation vector must be in for {@link #dot}: ggml's {@code vec_dot_type}
     * (Q8_0, Q8_1 or Q8_K for quantized weights; F16/BF16/F32 for plain ones).
     */
    GgmlType vecDotType();

    /**
     * True for the formats that exist only to hold activations (Q8_1, Q8_K): ggml has no dot product with them
     * as the weight, so {@link #dotScalar} throws.
     */
    default boolean activationOnly() {
        return false;
    }

    /**
     * True for the types ggml refuses to quantize without an importance matrix (IQ2_XXS, IQ2_XS, IQ1_S:
     * {@code ggml_quantize_requires_imatrix}); their {@link #quantize} throws when {@code importance} is null.
     */
    default boolean requiresImportance() {
        return false;
    }

    /** Scalar reference: {@code n} weights starting at {@code src[offset]} into {@code dst[dstOffset..]}. */
    void dequantizeScalar(MemorySegment src, long offset, float[] dst, int dstOffset, int n);

    /** Fast path of {@link #dequantizeScalar}; identical results. */
    default void dequantizeFast(MemorySegment src, long offset, float[] dst, int dstOffset, int n) {
        dequantizeScalar(src, offset, dst, dstOffset, n);
    }

    /**
     * Quantizes {@code n} floats into {@code dst} at {@code dstOffset}, byte-identical with
     * {@code ggml_quantize_chunk}. {@code importance} (an imatrix row of length {@code n}) may be null, except
     * for the types that require one.
     */
    void quantize(float[] src, int srcOffset, MemorySegment dst, long dstOffset, int n, float[] importance);

    /**
     * Puts {@code n} activations into this format the way ggml's CPU matmul does before {@code vec_dot}: with
     * the type's {@code from_float} ({@code type_traits_cpu}), which is not always {@link #quantize}'s
     * {@code quantize_row_*_ref}. For Q8_0 and Q8_1 on x86 it is a SIMD quantizer that scales by
     * {@code 127/max} and rounds half to even, where the reference scales by {@code 1/(max/127)} and rounds half
     * away from zero; the two disagree on about one activation in 10^5, and each disagreement is a rounding flip
     * that moves logits by up to 0.1. Other formats use the reference.
     */
    default void quantizeActivation(float[] src, int srcOffset, MemorySegment dst, long dstOffset, int n) {
        quantize(src, srcOffset, dst, dstOffset, n, null);
    }

    /**
     * Scalar reference of ggml's {@code vec_dot}: the dot product of {@code n} weights at {@code w[wOffset]}
     * with {@code n} activations at {@code act[actOffset]}, already in {@link #vecDotType()} format.
     */
    float dotScalar(MemorySegment w, long wOffset, MemorySegment act, long actOffset, int n);

    /** Fast path of {@link #dotScalar}; equal within float summation-order rounding. */
    default float dotFast(MemorySegment w, long wOffset, MemorySegment act, long actOffset, int n) {
        return dotScalar(w, wOffset, act, actOffset, n);
    }

    /**
     * A tile of a matrix product: {@code rows} weight rows starting at {@code w[wOffset]} ({@code wRowBytes}
     * apart) times {@code acts} activation rows starting at {@code act[actOffset]} ({@code actRowBytes} apart),
     * each {@code n} long; the dot of weight row {@code r} with activation row {@code t} goes to
     * {@code out[outOffset + t * outStride + r]}.
     *
     * <p>The activation rows go into an {@link ActivationBatch} and on to the batch form, which codecs implement.
     */
    default void dotTile(MemorySegment w, long wOffset, long wRowBytes, int rows,
                         MemorySegment act, long actOffset, long actRowBytes, int acts,
                         int n, float[] out, int outOffset, int outStride) {
        dotTile(w, wOffset, wRowBytes, rows, ActivationBatch.of(vecDotType(), act, actOffset, actRowBytes, acts, n),
                out, outOffset, outStride);
    }

    /**
     * {@link #dotTile(MemorySegment, long, long, int, MemorySegment, long, long, int, int, float[], int, int)} with
     * the activation rows as a batch: a matrix product passes the same batch to every row slice, so a codec that
     * unpacks activations (to floats, to shorts) reads the batch's once-made forms instead of unpacking per slice.
     * A codec may override it to decode each weight block once for several activation rows (prompt processing
     * reuses every weight row for every token) or to keep several rows' sums in registers; results must equal
     * {@link #dot}'s within float summation-order rounding. By default: {@link #dotPairs}.
     */
    default void dotTile(MemorySegment w, long wOffset, long wRowBytes, int rows, ActivationBatch act,
                         float[] out, int outOffset, int outStride) {
        dotPairs(w, wOffset, wRowBytes, rows, act, out, outOffset, outStride);
    }

    /**
     * The reference {@code dotTile}: one {@link #dot} per (row, activation row) pair. Also the path of a codec's
     * tile for shapes its kernel does not take, and of every codec under {@code -Dslmlab.scalar=true}.
     */
    default void dotPairs(MemorySegment w, long wOffset, long wRowBytes, int rows, ActivationBatch act,
                          float[] out, int outOffset, int outStride) {
        for (int t = 0; t < act.count(); t++) {
            long a = act.offset() + t * act.rowBytes();
            for (int r = 0; r < rows; r++) {
                out[outOffset + t * outStride + r] = dot(w, wOffset + r * wRowBytes, act.blocks(), a, act.n());
            }
        }
    }

    default void dequantize(MemorySegment src, long offset, float[] dst, int dstOffset, int n) {
        if (Simd.FAST) {
            dequantizeFast(src, offset, dst, dstOffset, n);
        } else {
            dequantizeScalar(src, offset, dst, dstOffset, n);
        }
    }

    default float dot(MemorySegment w, long wOffset, MemorySegment act, long actOffset, int n) {
        return Simd.FAST ? dotFast(w, wOffset, act, actOffset, n) : dotScalar(w, wOffset, act, actOffset, n);
    }
}
