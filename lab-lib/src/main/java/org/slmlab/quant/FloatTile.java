package org.slmlab.quant;

import static org.slmlab.quant.Simd.F512;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;

/**
 * Prompt processing for block types: a slice of weight rows times many activation rows as a float matrix
 * product on decoded blocks, instead of one integer dot product per (row, token) pair.
 *
 * <p>Why: a block dot product spends most of its instructions unpacking the weight block (nibbles, fifth bits,
 * widening) and converting its integer sum to float. In a batch every weight row meets every token, so this
 * decodes each weight row once into floats (the activation rows come decoded, once per matrix product, from
 * {@link ActivationBatch#alignedFloats}), then runs a register-tiled multiply: 4 weight rows × 4 tokens, 16
 * accumulators of 16 float lanes, two loads per four fused multiply-adds. The decoded values are exactly the
 * stored ones ({@code q·d} of the weight, {@code q_a·d_a} of the activation: small integers times an fp16 scale
 * fit a float's mantissa), so the result equals ggml's integer dot up to float summation order — the same
 * tolerance as the fast block dots. The float weight types (F32, F16, BF16: {@link DequantizingDot}) use the
 * same tile, and there the order is llamafile's tinyBLAS's own, bit for bit.
 *
 * <p>Below {@link #MIN_ACTS} tokens (generation is one) decoding every weight into floats would cost more than
 * it saves, and the codec's block dot runs per pair.
 */
final class FloatTile {

    /** Fewer activation rows than this: per-pair block dots. */
    static final int MIN_ACTS = 4;

    private static final int TILE = 4;

    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();

    /** Per-thread buffer for the decoded 4-row weight panel, grown as needed. */
    private static final ThreadLocal<float[]> PANEL = ThreadLocal.withInitial(() -> new float[0]);

    /** Decodes {@code n} values of one stored row at {@code offset} into {@code dst[dstOffset..]}. */
    @FunctionalInterface
    interface RowDecoder {
        void decode(MemorySegment src, long offset, float[] dst, int dstOffset, int n);
    }

    private FloatTile() {
    }

    /** True when {@link #multiply} pays off for {@code acts} activation rows (and the fast paths are on). */
    static boolean worthIt(int acts) {
        return Simd.FAST && acts >= MIN_ACTS;
    }

    /**
     * {@link QuantCodec#dotTile}'s contract with the weights decoded by {@code weights} and the activations
     * read decoded ({@link ActivationBatch#alignedFloats}):
     * {@code out[outOffset + t·outStride + r] = Σ_j w_r[j]·a_t[j]}.
     */
    static void multiply(RowDecoder weights, MemorySegment w, long wOffset, long wRowBytes, int rows,
                         ActivationBatch act, float[] out, int outOffset, int outStride) {
        MemorySegment a = act.alignedFloats();
        int acts = act.count();
        int n = act.n();
        float[] panel = PANEL.get();
        if (panel.length < TILE * n) {
            panel = new float[TILE * n];
            PANEL.set(panel);
        }
        float[] sums = new float[TILE * TILE];
        float[] lanes = new float[TILE * TILE * GgmlSum.LANES];
        for (int r0 = 0; r0 < rows; r0 += TILE) {
            int height = Math.min(TILE, rows - r0);
            for (int i = 0; i < TILE; i++) {
                if (i < height) {
                    weights.decode(w, wOffset + (r0 + i) * wRowBytes, panel, i * n, n);
                } else {
                    Arrays.fill(panel, i * n, (i + 1) * n, 0f);  // a missing row: sums of zero, unused
                }
            }
            int t0 = 0;
            for (; t0 + TILE <= acts; t0 += TILE) {
                tile4x4(panel, a, 4L * t0 * n, n, lanes);
                for (int i = 0; i < TILE * TILE; i++) {
                    sums[i] = GgmlSum.reduce16(lanes, i * GgmlSum.LANES);
                }
                store(sums, TILE, height, out, outOffset + t0 * outStride + r0, outStride);
            }
            for (; t0 < acts; t0++) {
                tile4x1(panel, a, 4L * t0 * n, n, sums);
                store(sums, 1, height, out, outOffset + t0 * outStride + r0, outStride);
            }
        }
    }

    /** {@code sums[t·4 + r]} → {@code out[at + t·stride + r]} for the rows that exist. */
    private static void store(float[] sums, int tokens, int height, float[] out, int at, int stride) {
        for (int t = 0; t < tokens; t++) {
            for (int r = 0; r < height; r++) {
                out[at + t * stride + r] = sums[t * TILE + r];
            }
        }
    }

    /**
     * The register tile: panel rows 0..3 (each {@code n} long) times the activation rows at byte {@code a0} of
     * {@code a}, {@code a0 + 4n}, … Written out by hand — sixteen named accumulators are what keeps them in
     * registers.
     *
     * <p>Half of the loop's loads are activations, from native memory aligned to 64 bytes: a 64-byte load that
     * starts elsewhere spans two cache lines and costs about two loads, and with eight loads per sixteen FMAs
     * that showed (a {@code float[]} starts wherever the heap put it: the same loop ran 1.5× faster in one JVM
     * than in another). The panel stays a {@code float[]}: read from a segment as well, C2 kept a bounds check per
     * load inside the loop, and the whole was no faster.
     *
     * <p>The accumulators leave as they are, 16 lanes each, accumulator {@code t·4 + r} (token t, row r) at
     * {@code lanes[(t·4 + r)·16]}; the caller reduces them with {@link GgmlSum#reduce16}, the same tree as
     * {@link Simd#sum}. Why not {@code Simd.sum} here: C2 compiles its halving steps ({@code reinterpretShape})
     * into general lane permutations with index arithmetic and blends, some 40 instructions per accumulator, and
     * sixteen of them per tile weigh on a Qwen3-0.6B row of 1024 columns (64 steps of the loop below). Sixteen
     * vector stores and fifteen scalar adds per accumulator from the L1 cache cost less: in a standalone test at
     * n = 1024 the tile ran about 1.4× faster, with the same bits.
     */
    private static void tile4x4(float[] panel, MemorySegment a, long a0, int n, float[] lanes) {
        long row = 4L * n;
        FloatVector s00 = FloatVector.zero(F512), s01 = s00, s02 = s00, s03 = s00;
        FloatVector s10 = s00, s11 = s00, s12 = s00, s13 = s00;
        FloatVector s20 = s00, s21 = s00, s22 = s00, s23 = s00;
        FloatVector s30 = s00, s31 = s00, s32 = s00, s33 = s00;
        for (int j = 0; j < n; j += F512.length()) {
            FloatVector w0 = FloatVector.fromArray(F512, panel, j);
            FloatVector w1 = FloatVector.fromArray(F512, panel, n + j);
            FloatVector w2 = FloatVector.fromArray(F512, panel, 2 * n + j);
            FloatVector w3 = FloatVector.fromArray(F512, panel, 3 * n + j);
            long at = a0 + 4L * j;
            FloatVector x = FloatVector.fromMemorySegment(F512, a, at, NATIVE);
            s00 = w0.fma(x, s00);
            s01 = w1.fma(x, s01);
            s02 = w2.fma(x, s02);
            s03 = w3.fma(x, s03);
            x = FloatVector.fromMemorySegment(F512, a, at + row, NATIVE);
            s10 = w0.fma(x, s10);
            s11 = w1.fma(x, s11);
            s12 = w2.fma(x, s12);
            s13 = w3.fma(x, s13);
            x = FloatVector.fromMemorySegment(F512, a, at + 2 * row, NATIVE);
            s20 = w0.fma(x, s20);
            s21 = w1.fma(x, s21);
            s22 = w2.fma(x, s22);
            s23 = w3.fma(x, s23);
            x = FloatVector.fromMemorySegment(F512, a, at + 3 * row, NATIVE);
            s30 = w0.fma(x, s30);
            s31 = w1.fma(x, s31);
            s32 = w2.fma(x, s32);
            s33 = w3.fma(x, s33);
        }
        s00.intoArray(lanes, 0);
        s01.intoArray(lanes, 16);
        s02.intoArray(lanes, 32);
        s03.intoArray(lanes, 48);
        s10.intoArray(lanes, 64);
        s11.intoArray(lanes, 80);
        s12.intoArray(lanes, 96);
        s13.intoArray(lanes, 112);
        s20.intoArray(lanes, 128);
        s21.intoArray(lanes, 144);
        s22.intoArray(lanes, 160);
        s23.intoArray(lanes, 176);
        s30.intoArray(lanes, 192);
        s31.intoArray(lanes, 208);
        s32.intoArray(lanes, 224);
        s33.intoArray(lanes, 240);
    }

    /** Panel rows 0..3 times one activation row: the tokens left over after the 4×4 tiles. */
    private static void tile4x1(float[] panel, MemorySegment a, long a0, int n, float[] sums) {
        FloatVector s0 = FloatVector.zero(F512), s1 = s0, s2 = s0, s3 = s0;
        for (int j = 0; j < n; j += F512.length()) {
            FloatVector x = FloatVector.fromMemorySegment(F512, a, a0 + 4L * j, NATIVE);
            s0 = FloatVector.fromArray(F512, panel, j).fma(x, s0);
            s1 = FloatVector.fromArray(F512, panel, n + j).fma(x, s1);
            s2 = FloatVector.fromArray(F512, panel, 2 * n + j).fma(x, s2);
            s3 = FloatVector.fromArray(F512, panel, 3 * n + j).fma(x, s3);
        }
        sums[0] = Simd.sum(s0);
        sums[1] = Simd.sum(s1);
        sums[2] = Simd.sum(s2);
        sums[3] = Simd.sum(s3);
    }
}
