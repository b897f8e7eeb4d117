package org.slmlab.quant;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.slmlab.gguf.GgmlType;

/**
 * Puts an activation vector into the format a weight type's dot product wants — ggml's CPU matmul quantizes
 * the activation (src1) once to {@link QuantCodec#vecDotType()} and then runs {@link QuantCodec#dot} against
 * every weight row.
 *
 * <pre>{@code
 * QuantCodec weights = Codecs.of(GgmlType.Q4_0);
 * MemorySegment xq = ActivationQuantizer.allocate(weights, n, arena);   // once, reused for every token
 * ActivationQuantizer.quantize(weights, x, 0, n, xq);
 * for (int r = 0; r < rows; r++) out[r] = weights.dot(w, r * rowBytes, xq, 0, n);
 * }</pre>
 */
public final class ActivationQuantizer {

    private ActivationQuantizer() {
    }

    /** Bytes needed for {@code n} activations in the format {@code weights} multiplies with. */
    public static long bytes(QuantCodec weights, int n) {
        return weights.vecDotType().bytesFor(n);
    }

    /** A buffer for {@code n} activations in {@code weights}' vec_dot format, from {@code arena}. */
    public static MemorySegment allocate(QuantCodec weights, int n, Arena arena) {
        return arena.allocate(bytes(weights, n), 64);
    }

    /** Quantizes {@code x[offset .. offset+n)} into {@code dst} (from its start) for {@code weights}' dot product. */
    public static void quantize(QuantCodec weights, float[] x, int offset, int n, MemorySegment dst) {
        GgmlType format = weights.vecDotType();
        if (dst.byteSize() < format.bytesFor(n)) {
            throw new IllegalArgumentException("activation buffer of " + dst.byteSize() + " bytes is too small for "
                    + n + " values in " + format + " (" + format.bytesFor(n) + " bytes)");
        }
        Codecs.of(format).quantizeActivation(x, offset, dst, 0, n);
    }
}
