package org.slmlab.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.slmlab.quant.TestData.Kind;

/**
 * Differential tests: every fast path of every registered codec ({@link Codecs#all()}) against its scalar
 * reference, on quantized rows of every {@link Kind}, on random bytes and on blocks of one repeated byte (all
 * quants at their extremes, scales at their largest, infinity or NaN). A codec is covered as soon as it is
 * registered; nothing here names a type.
 *
 * <p>Dequantization must match bit for bit (NaN only as NaN: the hardware fp16 conversion behind the scalar
 * path quiets signalling NaNs, the vector path keeps their bits). Dot products may differ only by float
 * summation order: within 1e-5 of Σ|wᵢ·aᵢ|, the same bound the reference data is held to — block sums are
 * exact integers on both paths, so only the float accumulation of ≤ n/32 block results differs, far below it.
 */
class FastPathTest {

    private static final int[] FILLS = {0x00, 0xFF, 0x80, 0x7F, 0x55, 0xAA, 0x01};

    static Stream<Named<QuantCodec>> codecs() {
        return Codecs.all().stream().map(c -> Named.of(c.type().name(), c));
    }

    /** The codecs that have a dot product: all but the activation-only ones (Q8_1, Q8_K). */
    static Stream<Named<QuantCodec>> weightCodecs() {
        return codecs().filter(c -> !c.getPayload().activationOnly());
    }

    @ParameterizedTest
    @MethodSource("codecs")
    void dequantizeFastMatchesScalarBitForBit(QuantCodec codec) {
        try (Arena arena = Arena.ofConfined()) {
            for (int blocks : new int[] {1, 2, 9}) {
                int n = TestData.length(codec.type(), blocks);
                for (MemorySegment row : rows(arena, codec, n, blocks)) {
                    float[] scalar = new float[n + 3];
                    float[] fast = new float[n + 3];
                    codec.dequantizeScalar(row, 0, scalar, 3, n);
                    codec.dequantizeFast(row, 0, fast, 3, n);
                    for (int i = 0; i < scalar.length; i++) {
                        if (Float.isNaN(scalar[i])) {
                            assertTrue(Float.isNaN(fast[i]), codec.type() + " element " + i + " of " + n);
                        } else {
                            assertEquals(Float.floatToRawIntBits(scalar[i]), Float.floatToRawIntBits(fast[i]),
                                    codec.type() + " element " + i + " of " + n + ": " + scalar[i] + " vs "
                                            + fast[i]);
                        }
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("weightCodecs")
    void dotFastMatchesScalarWithinSummationRounding(QuantCodec codec) {
        QuantCodec actCodec = Codecs.of(codec.vecDotType());
        try (Arena arena = Arena.ofConfined()) {
            for (int blocks : new int[] {1, 2, 9}) {
                int n = TestData.length(codec.type(), blocks);
                int seed = 0;
                for (MemorySegment w : rows(arena, codec, n, blocks)) {
                    for (Kind kind : new Kind[] {Kind.NORMAL, Kind.OUTLIERS, Kind.ZEROS}) {
                        float[] x = TestData.floats(kind, n, 1000 + seed++);
                        MemorySegment act = TestData.quantized(arena, actCodec, x);
                        double bound = sumOfAbsProducts(codec, w, actCodec, act, n);
                        if (!(bound < Float.MAX_VALUE / 4)) {
                            continue; // overflowing or NaN weights: the order of the sum decides inf vs NaN
                        }
                        float scalar = codec.dotScalar(w, 0, act, 0, n);
                        float fast = codec.dotFast(w, 0, act, 0, n);
                        assertTrue(Math.abs(scalar - fast) <= 1e-5 * bound, codec.type() + " n=" + n + " " + kind
                                + ": scalar " + scalar + " fast " + fast + " (Σ|w·a| = " + bound + ")");
                    }
                }
            }
        }
    }

    /**
     * {@link QuantCodec#dotTile} against {@link QuantCodec#dot} pair by pair, for tile shapes that leave
     * remainders in both directions (a kernel blocking 4 rows × 4 activations meets 1, 5 and 9 rows), with the
     * output placed at an offset and stride as {@code MatMul} places a thread's slice.
     */
    @ParameterizedTest
    @MethodSource("weightCodecs")
    void dotTileMatchesDotPerPair(QuantCodec codec) {
        QuantCodec actCodec = Codecs.of(codec.vecDotType());
        int n = TestData.length(codec.type(), 3);
        long wRowBytes = codec.type().bytesFor(n);
        long aRowBytes = actCodec.type().bytesFor(n);
        try (Arena arena = Arena.ofConfined()) {
            for (int rows : new int[] {1, 5, 9}) {
                for (int acts : new int[] {1, 3, 7}) {
                    MemorySegment w = arena.allocate(wRowBytes * rows, 64);
                    for (int r = 0; r < rows; r++) {
                        w.asSlice(r * wRowBytes, wRowBytes).copyFrom(TestData.quantized(arena, codec,
                                TestData.floats(Kind.NORMAL, n, 7L * r + rows)));
                    }
                    MemorySegment a = arena.allocate(aRowBytes * acts, 64);
                    for (int t = 0; t < acts; t++) {
                        a.asSlice(t * aRowBytes, aRowBytes).copyFrom(TestData.quantized(arena, actCodec,
                                TestData.floats(Kind.OUTLIERS, n, 100L + 13 * t + acts)));
                    }
                    int outOffset = 2;
                    int outStride = rows + 3;
                    float[] out = new float[outOffset + acts * outStride];
                    codec.dotTile(w, 0, wRowBytes, rows, a, 0, aRowBytes, acts, n, out, outOffset, outStride);
                    for (int r = 0; r < rows; r++) {
                        MemorySegment wr = w.asSlice(r * wRowBytes, wRowBytes);
                        for (int t = 0; t < acts; t++) {
                            MemorySegment at = a.asSlice(t * aRowBytes, aRowBytes);
                            float expected = codec.dot(wr, 0, at, 0, n);
                            float got = out[outOffset + t * outStride + r];
                            double bound = sumOfAbsProducts(codec, wr, actCodec, at, n);
                            assertTrue(Math.abs(expected - got) <= 1e-5 * bound, codec.type() + " tile " + rows
                                    + "x" + acts + " row " + r + " act " + t + ": dot " + expected + " tile " + got);
                        }
                    }
                }
            }
        }
    }

    /** Σ|wᵢ·aᵢ| over the dequantized weights and activations, in double. */
    static double sumOfAbsProducts(QuantCodec codec, MemorySegment w, QuantCodec actCodec, MemorySegment act, int n) {
        float[] wf = new float[n];
        float[] af = new float[n];
        codec.dequantizeScalar(w, 0, wf, 0, n);
        actCodec.dequantizeScalar(act, 0, af, 0, n);
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += Math.abs((double) wf[i] * af[i]);
        }
        return s;
    }

    /** Rows of {@code n} weights: quantized from every kind of data, random bytes, and repeated bytes. */
    private static List<MemorySegment> rows(Arena arena, QuantCodec codec, int n, int seed) {
        List<MemorySegment> rows = new ArrayList<>();
        for (Kind kind : Kind.values()) {
            rows.add(TestData.quantized(arena, codec, TestData.floats(kind, n, seed * 31L + kind.ordinal())));
        }
        long bytes = codec.type().bytesFor(n);
        rows.add(TestData.bytes(arena, bytes, null, seed));
        rows.add(TestData.bytes(arena, bytes, null, seed + 17));
        for (int fill : FILLS) {
            rows.add(TestData.bytes(arena, bytes, fill, 0));
        }
        return rows;
    }
}
