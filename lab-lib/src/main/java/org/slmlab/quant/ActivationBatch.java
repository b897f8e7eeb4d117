package org.slmlab.quant;

import java.lang.foreign.MemorySegment;
import java.util.HashMap;
import java.util.Map;
import org.slmlab.gguf.GgmlType;

/**
 * The activation rows of one matrix product, already in the weights' {@code vec_dot} format, together with the
 * forms the fast kernels read them in — each computed once for the whole product, on first use.
 *
 * <p>Why: the engine splits a matrix product into a few dozen row slices so that both threads stay busy, and
 * every slice is one {@link QuantCodec#dotTile} call. A kernel that unpacked the activation rows inside
 * {@code dotTile} (into floats for {@link FloatTile}, into shorts for an {@link Int8BlockCodec} row dot) did it
 * once per slice: for a 64-token prompt, 64 rows decoded some 32 times per matrix. Handing every slice the same
 * batch makes that once per matrix (and once for Q, K and V together, which read the same input).
 *
 * <p>The rows themselves ({@link #blocks}) are never changed: a derived form holds exactly the values of the
 * blocks, so results do not depend on which form a kernel reads. Derived forms are built under this object's
 * lock by the first thread that needs them; the others wait for it (the decoding is a small fraction of the
 * product it serves).
 */
public final class ActivationBatch {

    private final GgmlType type;
    private final MemorySegment blocks;
    private final long offset;
    private final long rowBytes;
    private final int count;
    private final int n;
    private float[] floats;
    private float[] tokenGroups;
    private WidenedActivation[] widened;
    private final Map<Q8_KLanes.Order, Q8_KLanes> lanes = new HashMap<>();
    private Q8_KTokens tokens;
    private Q8Tokens q8Tokens;

    private ActivationBatch(GgmlType type, MemorySegment blocks, long offset, long rowBytes, int count, int n) {
        this.type = type;
        this.blocks = blocks;
        this.offset = offset;
        this.rowBytes = rowBytes;
        this.count = count;
        this.n = n;
    }

    /**
     * {@code count} rows of {@code n} activations in {@code type} blocks, the first at {@code blocks[offset]}, each
     * {@code rowBytes} after the one before (not copied: the segment must not change while the batch is used).
     */
    public static ActivationBatch of(GgmlType type, MemorySegment blocks, long offset, long rowBytes, int count,
                                     int n) {
        if (n % type.blockSize() != 0) {
            throw new IllegalArgumentException(n + " activations are not whole " + type + " blocks of "
                    + type.blockSize());
        }
        if (count > 0 && offset + (count - 1) * rowBytes + type.bytesFor(n) > blocks.byteSize()) {
            throw new IllegalArgumentException(count + " rows of " + n + " " + type + " activations, "
                    + rowBytes + " bytes apart from offset " + offset + ", overrun a segment of "
                    + blocks.byteSize() + " bytes");
        }
        return new ActivationBatch(type, blocks, offset, rowBytes, count, n);
    }

    /** The blocks' format: a {@code vec_dot} type (Q8_0, Q8_1, Q8_K, F16, BF16, F32). */
    public GgmlType type() {
        return type;
    }

    /** The stored rows. */
    public MemorySegment blocks() {
        return blocks;
    }

    /** Where row 0 starts in {@link #blocks}. */
    public long offset() {
        return offset;
    }

    /** Bytes from one row to the next. */
    public long rowBytes() {
        return rowBytes;
    }

    /** Rows (tokens) in the batch. */
    public int count() {
        return count;
    }

    /** Activations in a row. */
    public int n() {
        return n;
    }

    /**
     * Every row decoded to floats (F16 and BF16 exactly), row {@code t} at {@code [t·n, (t+1)·n)}: the activation
     * side of the float weight types' kernels ({@link DequantizingDot}, {@link #tokenGroups}). Do not modify.
     */
    synchronized float[] floats() {
        if (floats == null) {
            QuantCodec codec = Codecs.of(type);
            float[] f = new float[count * n];
            for (int t = 0; t < count; t++) {
                codec.dequantizeFast(blocks, offset + t * rowBytes, f, t * n, n);
            }
            floats = f;
        }
        return floats;
    }

    /**
     * {@link #floats} rearranged for {@link FloatTile}: tokens in groups of {@link FloatTile#TOKENS}, and within
     * a group the value of token t at column {@code k = 16·step + j} at {@code (j·n/16 + step)·8 + t}, so that the
     * tile reads each group front to back; group g starts at {@code g·8·n}. Tokens past the last are zeros.
     * Rows must be a multiple of 16 long. Do not modify.
     */
    synchronized float[] tokenGroups() {
        if (tokenGroups == null) {
            float[] f = floats();
            int group = FloatTile.TOKENS;
            int steps = n / GgmlSum.LANES;
            float[] g = new float[(count + group - 1) / group * group * n];
            for (int t = 0; t < count; t++) {
                int at = t / group * group * n + t % group;
                for (int j = 0; j < GgmlSum.LANES; j++) {
                    for (int k = j; k < n; k += GgmlSum.LANES, at += group) {
                        g[at] = f[t * n + k];
                    }
                }
            }
            tokenGroups = g;
        }
        return tokenGroups;
    }

    /** Row {@code t} widened for an {@link Int8BlockCodec}'s row dot (8-bit formats only). */
    synchronized WidenedActivation widened(int t) {
        if (widened == null) {
            widened = new WidenedActivation[count];
        }
        if (widened[t] == null) {
            widened[t] = WidenedActivation.of(type, blocks, offset + t * rowBytes, n);
        }
        return widened[t];
    }

    /** The Q8_K rows in a k-quant's lane order, for its single-token kernel (Q8_K only). */
    synchronized Q8_KLanes lanes(Q8_KLanes.Order order) {
        return lanes.computeIfAbsent(order, o -> new Q8_KLanes(o, blocks, offset, rowBytes, count, n));
    }

    /** The Q8_0 or Q8_1 rows with tokens in the vector lanes, for {@link Q0Tile}. */
    synchronized Q8Tokens q8Tokens() {
        if (q8Tokens == null) {
            q8Tokens = new Q8Tokens(type, blocks, offset, rowBytes, count, n);
        }
        return q8Tokens;
    }

    /** The Q8_K rows with tokens in the vector lanes, for the k-quant tile kernel (Q8_K only). */
    synchronized Q8_KTokens tokens() {
        if (tokens == null) {
            tokens = new Q8_KTokens(blocks, offset, rowBytes, count, n);
        }
        return tokens;
    }
}
