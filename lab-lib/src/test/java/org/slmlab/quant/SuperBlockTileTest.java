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
 * The k-quant kernels ({@link SuperBlockTile}) promise more than {@link FastPathTest} asks: their super-block sums
 * are exact integers scaled in the scalar reference's order, so every output equals {@link QuantCodec#dotScalar}
 * bit for bit — both the single-token kernel ({@code dotRow}, below {@link SuperBlockTile#MIN_ACTS} tokens) and
 * the decoded tile. A one-ulp difference here is what flipped a Q8_K rounding in GoldenParityTest once.
 */
class SuperBlockTileTest {

    @ParameterizedTest
    @ValueSource(strings = {"Q4_K", "Q5_K", "Q6_K"})
    void everyTileShapeEqualsTheScalarReferenceBitForBit(String name) {
        assumeTrue(Simd.FAST, "no 512-bit vectors: the fast paths are off");
        QuantCodec codec = Codecs.of(GgmlType.valueOf(name));
        QuantCodec actCodec = Codecs.of(codec.vecDotType());
        int n = TestData.length(codec.type(), 3);
        long wRowBytes = codec.type().bytesFor(n);
        long aRowBytes = actCodec.type().bytesFor(n);
        Kind[] kinds = Kind.values();
        try (Arena arena = Arena.ofConfined()) {
            int rows = kinds.length + 3;
            MemorySegment w = TestData.weightRows(arena, codec, n, rows);
            for (int acts : new int[] {1, SuperBlockTile.MIN_ACTS - 1, SuperBlockTile.MIN_ACTS, 9, 33}) {
                MemorySegment a = arena.allocate(aRowBytes * acts, 64);
                for (int t = 0; t < acts; t++) {
                    a.asSlice(t * aRowBytes, aRowBytes).copyFrom(TestData.quantized(arena, actCodec,
                            TestData.floats(kinds[(t + 3) % kinds.length], n, 100L + t)));
                }
                float[] out = new float[acts * rows];
                codec.dotTile(w, 0, wRowBytes, rows, a, 0, aRowBytes, acts, n, out, 0, rows);
                for (int t = 0; t < acts; t++) {
                    for (int r = 0; r < rows; r++) {
                        float expected = codec.dotScalar(w, r * wRowBytes, a, t * aRowBytes, n);
                        assertEquals(Float.floatToIntBits(expected), Float.floatToIntBits(out[t * rows + r]),
                                name + " tile of " + acts + ", row " + r + ", act " + t + ": " + expected
                                        + " vs " + out[t * rows + r]);
                        if (acts == 1) {
                            float fast = codec.dotFast(w, r * wRowBytes, a, 0, n);
                            assertEquals(Float.floatToIntBits(expected), Float.floatToIntBits(fast),
                                    name + " dotFast, row " + r + ": " + expected + " vs " + fast);
                        }
                    }
                }
            }
        }
    }
}
