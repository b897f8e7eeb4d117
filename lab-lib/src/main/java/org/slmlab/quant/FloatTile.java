package org.slmlab.quant;

import static org.slmlab.quant.Simd.F512;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;

/**
 * Prompt processing for the float weight types (F32, F16, BF16: {@link DequantizingDot}): a slice of weight rows
 * times many activation rows as a register-tiled float matrix product on decoded values, summed in llamafile's
 * tinyBLAS order bit for bit — the order llama.cpp multiplies these types' batches in.
 *
 * <p><b>The order.</b> tinyBLAS gives each output (row r, token t) one accumulator of 16 float lanes: lane j sums
 * {@code w_r[k]·a_t[k]} for the columns {@code k ≡ j (mod 16)}, in column order, by fused multiply-adds; the 16
 * lanes are then added in a fixed tree ({@link GgmlSum#reduce16}). This class computes the very same 16 partial
 * sums per output and the same tree, so every output has tinyBLAS's bits — but it lays the work out differently.
 *
 * <p><b>The layout: weight rows in the vector lanes.</b> Sixteen consecutive weight rows share a vector, and one
 * activation value is broadcast to all sixteen lanes. The register tile is 32 rows (two vectors) × 8 tokens: each
 * step loads two weight vectors and broadcasts eight activations for sixteen multiply-adds, and no accumulator
 * ever needs a horizontal sum. The partial sum j of tinyBLAS becomes one pass over the columns {@code k ≡ j}: the
 * sixteen passes leave sixteen partial vectors per (token, 16 rows), and the tree that adds them is sixteen lanes'
 * worth of the same additions, done vertically. A 4×4 tile with 16 lanes along the columns (this class's previous
 * form, and tinyBLAS's) needs a horizontal reduction of every accumulator and two loads per four multiply-adds.
 * Measured on one core, F16, 3072 rows × 64 tokens: the kernel alone runs at about 83 GFLOP/s; decoding the
 * weights (12%) and packing them (13%) bring the whole to 61–64, against 52–62 for the 4×4 tile at 1024 columns
 * and 48–55 against 61–63 at 3072.
 *
 * <p>For that, both operands are rearranged once: the weights of 32 rows into a panel ordered (j, column step,
 * row) — column {@code k = 16·step + j} — and the activations into groups of eight tokens ordered (j, step, token)
 * ({@link ActivationBatch#tokenGroups}), both so that the kernel reads them front to back. Missing rows and tokens
 * (a slice's last rows, a batch's last tokens) are zeros whose sums are computed and never stored.
 *
 * <p>One token (generation) does not come here: {@link DequantizingDot}'s matrix-vector kernel reads each weight
 * once, in the same order.
 */
final class FloatTile {

    /** Weight rows per panel: two vectors of 16 lanes. */
    static final int ROWS = 32;

    /** Tokens per group: eight broadcasts feed the two weight vectors' sixteen multiply-adds. */
    static final int TOKENS = 8;

    /** tinyBLAS's lanes: column k goes to partial sum {@code k mod 16}. */
    private static final int LANES = GgmlSum.LANES;

    /** A cache line, where the panel starts. */
    private static final long LINE = 64;

    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();

    /** Per-thread buffers: decoded rows, the packed panel, and the 16 partial vectors of a tile. */
    private static final ThreadLocal<Buffers> BUFFERS = ThreadLocal.withInitial(Buffers::new);

    private static final class Buffers {
        float[] rows = new float[0];
        /**
         * The packed panel, in native memory on a cache line: the kernel's two weight loads per step are 64-byte
         * vectors, and in a {@code float[]} (which starts wherever the heap put it) most of them straddle two
         * lines. Measured on one core, F16, 3072 rows × 64 tokens, three alternated pairs: 52–58 → 60–66 GFLOP/s
         * at 1024 columns, 51–57 → 62–73 at 3072.
         */
        MemorySegment panel = MemorySegment.NULL;
        final float[] partials = new float[LANES * TOKENS * ROWS];
        final float[] sums = new float[LANES];

        void ensure(int n) {
            if (rows.length < ROWS * rowStride(n)) {
                rows = new float[ROWS * rowStride(n)];
                panel = Arena.ofAuto().allocate(4L * LANES * passStride(n), LINE);
            }
        }
    }

    /**
     * Floats from one decoded row to the next: one cache line more than the row. Rows of 1024 floats lie 4 KB
     * apart, and the 16 rows a transpose reads (and the 16 places it writes) then all fall into the same set of the
     * L1 cache, which holds 12: packing ran 1.5 times slower.
     */
    private static int rowStride(int n) {
        return n + LANES;
    }

    /** Floats from the start of one pass j in the panel to the next: a line more than its 32·n/16, as above. */
    private static int passStride(int n) {
        return n / LANES * ROWS + LANES;
    }

    /** Decodes {@code n} values of one stored row at {@code offset} into {@code dst[dstOffset..]}. */
    @FunctionalInterface
    interface RowDecoder {
        void decode(MemorySegment src, long offset, float[] dst, int dstOffset, int n);
    }

    private FloatTile() {
    }

    /**
     * {@link QuantCodec#dotTile}'s contract with the weights decoded by {@code weights} and the activations
     * read decoded ({@link ActivationBatch#tokenGroups}), for rows of a multiple of 16 values:
     * {@code out[outOffset + t·outStride + r] = Σ_j w_r[j]·a_t[j]}.
     */
    static void multiply(RowDecoder weights, MemorySegment w, long wOffset, long wRowBytes, int rows,
                         ActivationBatch act, float[] out, int outOffset, int outStride) {
        int n = act.n();
        float[] groups = act.tokenGroups();
        Buffers buf = BUFFERS.get();
        buf.ensure(n);
        for (int r0 = 0; r0 < rows; r0 += ROWS) {
            int height = Math.min(ROWS, rows - r0);
            for (int i = 0; i < height; i++) {
                weights.decode(w, wOffset + (r0 + i) * wRowBytes, buf.rows, i * rowStride(n), n);
            }
            // missing rows: sums of zero, never stored
            Arrays.fill(buf.rows, height * rowStride(n), ROWS * rowStride(n), 0f);
            pack(buf.rows, n, buf.panel);
            for (int t0 = 0; t0 < act.count(); t0 += TOKENS) {
                tile(buf.panel, groups, t0 * n, n, buf.partials);
                store(buf.partials, Math.min(TOKENS, act.count() - t0), height, out,
                        outOffset + t0 * outStride + r0, outStride, buf.sums);
            }
        }
    }

    /**
     * {@code rows} (32 rows of {@code n}, row-major) into {@code panel} in the kernel's reading order: column
     * {@code k = 16·step + j} of row r at {@code j·passStride + step·32 + r}. That is a transpose of every 16×16
     * block (rows × the 16 columns of one step): the block's column j becomes 16 consecutive floats.
     */
    private static void pack(float[] rows, int n, MemorySegment panel) {
        int steps = n / LANES;
        for (int step = 0; step < steps; step++) {
            for (int half = 0; half < ROWS; half += LANES) {
                transpose(rows, half * rowStride(n) + step * LANES, rowStride(n), panel, step * ROWS + half,
                        passStride(n));
            }
        }
    }

    /**
     * The 16×16 block whose row i starts at {@code src[from + i·stride]}, transposed: its column j goes to
     * {@code dst[to + j·dstStride ..]}. Four rounds, b = 8, 4, 2, 1, each swap the off-diagonal b×b quarters of every
     * 2b×2b sub-block — rows i and i + b exchange the lanes whose bit b differs from the row's ({@link #swapLanes})
     * — which moves element (i, j) to (j, i). All in registers, 64 two-vector lane selections for 256 floats: a
     * gather per output vector, or rounds stored between steps, made packing cost half as much as the multiply.
     * Written out by hand, as the tile below, so that the sixteen rows stay in registers.
     */
    private static void transpose(float[] src, int from, int stride, MemorySegment dst, int to, int dstStride) {
        FloatVector r0 = FloatVector.fromArray(F512, src, from);
        FloatVector r1 = FloatVector.fromArray(F512, src, from + 1 * stride);
        FloatVector r2 = FloatVector.fromArray(F512, src, from + 2 * stride);
        FloatVector r3 = FloatVector.fromArray(F512, src, from + 3 * stride);
        FloatVector r4 = FloatVector.fromArray(F512, src, from + 4 * stride);
        FloatVector r5 = FloatVector.fromArray(F512, src, from + 5 * stride);
        FloatVector r6 = FloatVector.fromArray(F512, src, from + 6 * stride);
        FloatVector r7 = FloatVector.fromArray(F512, src, from + 7 * stride);
        FloatVector r8 = FloatVector.fromArray(F512, src, from + 8 * stride);
        FloatVector r9 = FloatVector.fromArray(F512, src, from + 9 * stride);
        FloatVector r10 = FloatVector.fromArray(F512, src, from + 10 * stride);
        FloatVector r11 = FloatVector.fromArray(F512, src, from + 11 * stride);
        FloatVector r12 = FloatVector.fromArray(F512, src, from + 12 * stride);
        FloatVector r13 = FloatVector.fromArray(F512, src, from + 13 * stride);
        FloatVector r14 = FloatVector.fromArray(F512, src, from + 14 * stride);
        FloatVector r15 = FloatVector.fromArray(F512, src, from + 15 * stride);
        FloatVector kept;
        // b = 8
        kept = r0.rearrange(KEEP_8, r8);
        r8 = r0.rearrange(TAKE_8, r8);
        r0 = kept;
        kept = r1.rearrange(KEEP_8, r9);
        r9 = r1.rearrange(TAKE_8, r9);
        r1 = kept;
        kept = r2.rearrange(KEEP_8, r10);
        r10 = r2.rearrange(TAKE_8, r10);
        r2 = kept;
        kept = r3.rearrange(KEEP_8, r11);
        r11 = r3.rearrange(TAKE_8, r11);
        r3 = kept;
        kept = r4.rearrange(KEEP_8, r12);
        r12 = r4.rearrange(TAKE_8, r12);
        r4 = kept;
        kept = r5.rearrange(KEEP_8, r13);
        r13 = r5.rearrange(TAKE_8, r13);
        r5 = kept;
        kept = r6.rearrange(KEEP_8, r14);
        r14 = r6.rearrange(TAKE_8, r14);
        r6 = kept;
        kept = r7.rearrange(KEEP_8, r15);
        r15 = r7.rearrange(TAKE_8, r15);
        r7 = kept;
        // b = 4
        kept = r0.rearrange(KEEP_4, r4);
        r4 = r0.rearrange(TAKE_4, r4);
        r0 = kept;
        kept = r1.rearrange(KEEP_4, r5);
        r5 = r1.rearrange(TAKE_4, r5);
        r1 = kept;
        kept = r2.rearrange(KEEP_4, r6);
        r6 = r2.rearrange(TAKE_4, r6);
        r2 = kept;
        kept = r3.rearrange(KEEP_4, r7);
        r7 = r3.rearrange(TAKE_4, r7);
        r3 = kept;
        kept = r8.rearrange(KEEP_4, r12);
        r12 = r8.rearrange(TAKE_4, r12);
        r8 = kept;
        kept = r9.rearrange(KEEP_4, r13);
        r13 = r9.rearrange(TAKE_4, r13);
        r9 = kept;
        kept = r10.rearrange(KEEP_4, r14);
        r14 = r10.rearrange(TAKE_4, r14);
        r10 = kept;
        kept = r11.rearrange(KEEP_4, r15);
        r15 = r11.rearrange(TAKE_4, r15);
        r11 = kept;
        // b = 2
        kept = r0.rearrange(KEEP_2, r2);
        r2 = r0.rearrange(TAKE_2, r2);
        r0 = kept;
        kept = r1.rearrange(KEEP_2, r3);
        r3 = r1.rearrange(TAKE_2, r3);
        r1 = kept;
        kept = r4.rearrange(KEEP_2, r6);
        r6 = r4.rearrange(TAKE_2, r6);
        r4 = kept;
        kept = r5.rearrange(KEEP_2, r7);
        r7 = r5.rearrange(TAKE_2, r7);
        r5 = kept;
        kept = r8.rearrange(KEEP_2, r10);
        r10 = r8.rearrange(TAKE_2, r10);
        r8 = kept;
        kept = r9.rearrange(KEEP_2, r11);
        r11 = r9.rearrange(TAKE_2, r11);
        r9 = kept;
        kept = r12.rearrange(KEEP_2, r14);
        r14 = r12.rearrange(TAKE_2, r14);
        r12 = kept;
        kept = r13.rearrange(KEEP_2, r15);
        r15 = r13.rearrange(TAKE_2, r15);
        r13 = kept;
        // b = 1
        kept = r0.rearrange(KEEP_1, r1);
        r1 = r0.rearrange(TAKE_1, r1);
        r0 = kept;
        kept = r2.rearrange(KEEP_1, r3);
        r3 = r2.rearrange(TAKE_1, r3);
        r2 = kept;
        kept = r4.rearrange(KEEP_1, r5);
        r5 = r4.rearrange(TAKE_1, r5);
        r4 = kept;
        kept = r6.rearrange(KEEP_1, r7);
        r7 = r6.rearrange(TAKE_1, r7);
        r6 = kept;
        kept = r8.rearrange(KEEP_1, r9);
        r9 = r8.rearrange(TAKE_1, r9);
        r8 = kept;
        kept = r10.rearrange(KEEP_1, r11);
        r11 = r10.rearrange(TAKE_1, r11);
        r10 = kept;
        kept = r12.rearrange(KEEP_1, r13);
        r13 = r12.rearrange(TAKE_1, r13);
        r12 = kept;
        kept = r14.rearrange(KEEP_1, r15);
        r15 = r14.rearrange(TAKE_1, r15);
        r14 = kept;
        r0.intoMemorySegment(dst, 4L * to, NATIVE);
        r1.intoMemorySegment(dst, 4L * (to + 1 * dstStride), NATIVE);
        r2.intoMemorySegment(dst, 4L * (to + 2 * dstStride), NATIVE);
        r3.intoMemorySegment(dst, 4L * (to + 3 * dstStride), NATIVE);
        r4.intoMemorySegment(dst, 4L * (to + 4 * dstStride), NATIVE);
        r5.intoMemorySegment(dst, 4L * (to + 5 * dstStride), NATIVE);
        r6.intoMemorySegment(dst, 4L * (to + 6 * dstStride), NATIVE);
        r7.intoMemorySegment(dst, 4L * (to + 7 * dstStride), NATIVE);
        r8.intoMemorySegment(dst, 4L * (to + 8 * dstStride), NATIVE);
        r9.intoMemorySegment(dst, 4L * (to + 9 * dstStride), NATIVE);
        r10.intoMemorySegment(dst, 4L * (to + 10 * dstStride), NATIVE);
        r11.intoMemorySegment(dst, 4L * (to + 11 * dstStride), NATIVE);
        r12.intoMemorySegment(dst, 4L * (to + 12 * dstStride), NATIVE);
        r13.intoMemorySegment(dst, 4L * (to + 13 * dstStride), NATIVE);
        r14.intoMemorySegment(dst, 4L * (to + 14 * dstStride), NATIVE);
        r15.intoMemorySegment(dst, 4L * (to + 15 * dstStride), NATIVE);
    }

    /**
     * The lane selection of one round for rows x and y = x + b (lanes 0..15 of x, then 16..31 of y): the new row x
     * keeps its lanes c with bit b clear and takes y's lane c − b for the others ({@code keep}); the new row y takes
     * x's lane c + b where bit b is clear and keeps its own lanes elsewhere ({@code !keep}).
     */
    private static VectorShuffle<Float> swapLanes(int b, boolean keep) {
        return VectorShuffle.fromOp(F512, c -> (c & b) == 0 ? (keep ? c : c + b) : (keep ? LANES + c - b : LANES + c));
    }

    private static final VectorShuffle<Float> KEEP_8 = swapLanes(8, true), TAKE_8 = swapLanes(8, false);
    private static final VectorShuffle<Float> KEEP_4 = swapLanes(4, true), TAKE_4 = swapLanes(4, false);
    private static final VectorShuffle<Float> KEEP_2 = swapLanes(2, true), TAKE_2 = swapLanes(2, false);
    private static final VectorShuffle<Float> KEEP_1 = swapLanes(1, true), TAKE_1 = swapLanes(1, false);

    /**
     * The register tile: the panel's 32 rows times the eight tokens of the group at {@code g0} in {@code groups}.
     * For each j, one pass over the steps leaves the partial sums of the columns {@code k ≡ j (mod 16)} at
     * {@code partials[(j·8 + t)·32 + r]}. Written out by hand: sixteen named accumulators are what keeps them in
     * registers.
     */
    private static void tile(MemorySegment panel, float[] groups, int g0, int n, float[] partials) {
        int steps = n / LANES;
        for (int j = 0; j < LANES; j++) {
            FloatVector a0 = FloatVector.zero(F512), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
            FloatVector b0 = a0, b1 = a0, b2 = a0, b3 = a0, b4 = a0, b5 = a0, b6 = a0, b7 = a0;
            int pw = j * passStride(n);
            int px = g0 + j * steps * TOKENS;
            for (int step = 0; step < steps; step++, pw += ROWS, px += TOKENS) {
                FloatVector lo = FloatVector.fromMemorySegment(F512, panel, 4L * pw, NATIVE);
                FloatVector hi = FloatVector.fromMemorySegment(F512, panel, 4L * (pw + LANES), NATIVE);
                FloatVector x = FloatVector.broadcast(F512, groups[px]);
                a0 = lo.fma(x, a0);
                b0 = hi.fma(x, b0);
                x = FloatVector.broadcast(F512, groups[px + 1]);
                a1 = lo.fma(x, a1);
                b1 = hi.fma(x, b1);
                x = FloatVector.broadcast(F512, groups[px + 2]);
                a2 = lo.fma(x, a2);
                b2 = hi.fma(x, b2);
                x = FloatVector.broadcast(F512, groups[px + 3]);
                a3 = lo.fma(x, a3);
                b3 = hi.fma(x, b3);
                x = FloatVector.broadcast(F512, groups[px + 4]);
                a4 = lo.fma(x, a4);
                b4 = hi.fma(x, b4);
                x = FloatVector.broadcast(F512, groups[px + 5]);
                a5 = lo.fma(x, a5);
                b5 = hi.fma(x, b5);
                x = FloatVector.broadcast(F512, groups[px + 6]);
                a6 = lo.fma(x, a6);
                b6 = hi.fma(x, b6);
                x = FloatVector.broadcast(F512, groups[px + 7]);
                a7 = lo.fma(x, a7);
                b7 = hi.fma(x, b7);
            }
            int at = j * TOKENS * ROWS;
            a0.intoArray(partials, at);
            b0.intoArray(partials, at + LANES);
            a1.intoArray(partials, at + ROWS);
            b1.intoArray(partials, at + ROWS + LANES);
            a2.intoArray(partials, at + 2 * ROWS);
            b2.intoArray(partials, at + 2 * ROWS + LANES);
            a3.intoArray(partials, at + 3 * ROWS);
            b3.intoArray(partials, at + 3 * ROWS + LANES);
            a4.intoArray(partials, at + 4 * ROWS);
            b4.intoArray(partials, at + 4 * ROWS + LANES);
            a5.intoArray(partials, at + 5 * ROWS);
            b5.intoArray(partials, at + 5 * ROWS + LANES);
            a6.intoArray(partials, at + 6 * ROWS);
            b6.intoArray(partials, at + 6 * ROWS + LANES);
            a7.intoArray(partials, at + 7 * ROWS);
            b7.intoArray(partials, at + 7 * ROWS + LANES);
        }
    }

    /**
     * The 16 partial vectors of each (token, 16 rows) added in {@link GgmlSum#reduce16}'s tree — lane by lane the
     * same additions as a horizontal reduction of one tinyBLAS accumulator — and stored for the rows and tokens
     * that exist: {@code out[at + t·stride + r]}.
     */
    private static void store(float[] partials, int tokens, int height, float[] out, int at, int stride,
                              float[] sums) {
        for (int t = 0; t < tokens; t++) {
            for (int half = 0; half < ROWS && half < height; half += LANES) {
                int p = t * ROWS + half;
                FloatVector q0 = quad(partials, p, 0);
                FloatVector q1 = quad(partials, p, 1);
                FloatVector q2 = quad(partials, p, 2);
                FloatVector q3 = quad(partials, p, 3);
                FloatVector sum = q0.add(q2).add(q1.add(q3));
                int dst = at + t * stride + half;
                if (height - half >= LANES) {
                    sum.intoArray(out, dst);
                } else {
                    sum.intoArray(sums, 0);
                    System.arraycopy(sums, 0, out, dst, height - half);
                }
            }
        }
    }

    /** {@code (P_i + P_{i+8}) + (P_{i+4} + P_{i+12})}: one quarter of the tree, partial j at {@code p + j·8·32}. */
    private static FloatVector quad(float[] partials, int p, int i) {
        int stride = TOKENS * ROWS;
        return FloatVector.fromArray(F512, partials, p + i * stride)
                .add(FloatVector.fromArray(F512, partials, p + (i + 8) * stride))
                .add(FloatVector.fromArray(F512, partials, p + (i + 4) * stride)
                        .add(FloatVector.fromArray(F512, partials, p + (i + 12) * stride)));
    }
}
