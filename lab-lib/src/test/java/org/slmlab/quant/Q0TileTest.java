package org.slmlab.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slmlab.gguf.GgmlType;
import org.slmlab.quant.TestData.Kind;

/**
 * {@link Q0Tile} promises more than {@link FastPathTest} asks: the fast kernel sums every (row, token) pair in
 * llamafile's {@code tinyBLAS_Q0} order, so each output equals {@link Q0Tile#dotScalar} bit for bit — for every
 * batch of two tokens or more, partial token blocks and partial row groups included, and for weights of every bit
 * pattern (scales at their extremes, infinity, NaN). Q4_1 and Q5_1 use the same kernel for
 * {@code ggml_vec_dot_q4_1_q8_1}'s / {@code q5_1}'s order and add their min terms: there the reference is the
 * codec's own {@code dotScalar}, which the single-token kernel ({@code dotFast}) must equal too.
 */
class Q0TileTest {

    @ParameterizedTest
    @ValueSource(strings = {"Q8_0", "Q4_0", "Q5_0", "IQ4_NL", "Q4_1", "Q5_1"})
    void everyTileShapeEqualsTheScalarReferenceBitForBit(String name) {
        assumeTrue(Simd.FAST, "no 512-bit vectors: the fast paths are off");
        Q0Tile.Decoder codec = (Q0Tile.Decoder) Codecs.of(GgmlType.valueOf(name));
        boolean withMin = codec instanceof ScaleMinBlockCodec;
        QuantCodec actCodec = Codecs.of(codec.vecDotType());
        int n = TestData.length(codec.type(), 5);
        long wRowBytes = codec.type().bytesFor(n);
        long aRowBytes = actCodec.type().bytesFor(n);
        Kind[] kinds = Kind.values();
        try (Arena arena = Arena.ofConfined()) {
            int rows = kinds.length + 2; // 11: two groups of four and a partial one
            MemorySegment w = TestData.weightRows(arena, codec, n, rows);
            for (int acts : new int[] {Q0Tile.MIN_ACTS, 3, 16, 17, 33}) {
                MemorySegment a = arena.allocate(aRowBytes * acts, 64);
                for (int t = 0; t < acts; t++) {
                    float[] x = TestData.floats(kinds[(t + 3) % kinds.length], n, 100L + t);
                    actCodec.quantizeActivation(x, 0, a, t * aRowBytes, n);
                }
                int outOffset = 1;
                int outStride = rows + 2;
                float[] out = new float[outOffset + acts * outStride];
                codec.dotTile(w, 0, wRowBytes, rows, a, 0, aRowBytes, acts, n, out, outOffset, outStride);
                for (int t = 0; t < acts; t++) {
                    for (int r = 0; r < rows; r++) {
                        float expected = withMin ? codec.dotScalar(w, r * wRowBytes, a, t * aRowBytes, n)
                                : Q0Tile.dotScalar(codec, w, r * wRowBytes, a, t * aRowBytes, n);
                        float got = out[outOffset + t * outStride + r];
                        String where = name + " tile of " + acts + ", row " + r + ", act " + t + ": " + expected;
                        assertEquals(Float.floatToIntBits(expected), Float.floatToIntBits(got), where + " vs " + got);
                        if (withMin) {
                            float one = codec.dotFast(w, r * wRowBytes, a, t * aRowBytes, n);
                            assertEquals(Float.floatToIntBits(expected), Float.floatToIntBits(one),
                                    where + " vs one token's " + one);
                        }
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"Q8_0", "Q4_0", "Q5_0", "IQ4_NL", "Q4_1", "Q5_1"})
    void vectorCodesEqualTheScalarCodes(String name) {
        assumeTrue(Simd.FAST, "no 512-bit vectors: the fast paths are off");
        Q0Tile.Decoder codec = (Q0Tile.Decoder) Codecs.of(GgmlType.valueOf(name));
        int bytes = codec.type().typeSize();
        try (Arena arena = Arena.ofConfined()) {
            for (int seed = 0; seed < 8; seed++) {
                MemorySegment block = TestData.bytes(arena, bytes, null, seed);
                int[] scalar = new int[32];
                float[] fast = new float[33];
                codec.codesScalar(block, 0, scalar);
                codec.codes(block, 0, fast, 1);
                for (int j = 0; j < 32; j++) {
                    assertEquals(scalar[j], fast[1 + j], name + " code " + j + " of random block " + seed);
                }
            }
        }
    }
}
