package org.slmlab.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.slmlab.gguf.GGUFFile;
import org.slmlab.gguf.GgmlType;
import org.slmlab.testing.SharedReference;

/**
 * The I-quant codecs against llama.cpp's reference data ({@code shared/reference/quant/quant-<TYPE>.gguf}: 8 rows
 * of 1024 weights, one row per kind of data — normal, small, uniform, heavy-tailed, with zero blocks, constant,
 * tiny, ternary).
 *
 * <p>Dequantization (both paths) and quantization must be bit-identical with ggml on every row. The dot product
 * is held to the file's {@code matvec}, computed by ggml's AVX2/AVX-512 kernels: the per-block sums are exact
 * integers on both sides, only the float accumulation across blocks runs in a different order, so the bound is
 * the one the reference data states: 1e-5 of Σ|w·a|.
 */
class IQuantGoldenTest {

    /** Relative to Σ|w·a| (see the class comment). */
    private static final double DOT_TOLERANCE = 1e-5;

    record Golden(GgmlType type, int rows, int n, float[] input, MemorySegment quantized, float[] dequantized,
            MemorySegment activationQ, float[] matvec, boolean onesImportance) {
    }

    private static Golden load(GgmlType type) throws IOException {
        try (GGUFFile f = GGUFFile.open(SharedReference.path("quant/quant-" + type.name() + ".gguf"))) {
            int n = (int) f.tensor("input").rowLength();
            int rows = (int) f.tensor("input").rows();
            return new Golden(type, rows, n, floats(f.tensorData("input")), copy(f.tensorData("quantized")),
                    floats(f.tensorData("dequantized")), copy(f.tensorData("activation_q")),
                    floats(f.tensorData("matvec")),
                    f.getString("golden.imatrix").equals("ones"));
        }
    }

    /** A heap copy: the file's mapping ends when it is closed. */
    private static MemorySegment copy(MemorySegment s) {
        return MemorySegment.ofArray(s.toArray(ValueLayout.JAVA_BYTE));
    }

    private static float[] floats(MemorySegment s) {
        return s.toArray(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN));
    }

    @ParameterizedTest
    @EnumSource(names = {"IQ4_NL", "IQ4_XS", "IQ3_S"})
    void dequantizeIsBitExact(GgmlType type) throws IOException {
        Golden g = load(type);
        QuantCodec codec = Codecs.of(type);
        float[] scalar = new float[g.n * g.rows];
        float[] fast = new float[g.n * g.rows];
        codec.dequantizeScalar(g.quantized, 0, scalar, 0, g.n * g.rows);
        codec.dequantizeFast(g.quantized, 0, fast, 0, g.n * g.rows);
        for (int i = 0; i < scalar.length; i++) {
            int expected = Float.floatToRawIntBits(g.dequantized[i]);
            assertEquals(expected, Float.floatToRawIntBits(scalar[i]), type + " scalar, row " + i / g.n + " element "
                    + i % g.n + ": " + scalar[i] + " expected " + g.dequantized[i]);
            assertEquals(expected, Float.floatToRawIntBits(fast[i]), type + " fast, row " + i / g.n + " element "
                    + i % g.n + ": " + fast[i] + " expected " + g.dequantized[i]);
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"IQ4_NL", "IQ4_XS", "IQ3_S"})
    void quantizeIsByteIdentical(GgmlType type) throws IOException {
        Golden g = load(type);
        QuantCodec codec = Codecs.of(type);
        float[] importance = null;
        if (g.onesImportance) {
            importance = new float[g.n];
            Arrays.fill(importance, 1f);
        }
        long rowBytes = type.bytesFor(g.n);
        for (int r = 0; r < g.rows; r++) {
            byte[] mine = new byte[(int) rowBytes];
            codec.quantize(g.input, r * g.n, MemorySegment.ofArray(mine), 0, g.n, importance);
            byte[] expected = g.quantized.asSlice(r * rowBytes, rowBytes).toArray(ValueLayout.JAVA_BYTE);
            int first = Arrays.mismatch(mine, expected);
            assertEquals(-1, first, type + " row " + r + " differs first at byte " + first + " (block "
                    + first / type.typeSize() + ", byte " + first % type.typeSize() + " of it)");
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"IQ4_NL", "IQ4_XS", "IQ3_S"})
    void dotMatchesGgml(GgmlType type) throws IOException {
        Golden g = load(type);
        QuantCodec codec = Codecs.of(type);
        long rowBytes = type.bytesFor(g.n);
        float[] act = new float[g.n];
        Codecs.of(codec.vecDotType()).dequantizeScalar(g.activationQ, 0, act, 0, g.n);
        for (int r = 0; r < g.rows; r++) {
            double bound = 0;
            for (int i = 0; i < g.n; i++) {
                bound += Math.abs((double) g.dequantized[r * g.n + i] * act[i]);
            }
            float scalar = codec.dotScalar(g.quantized, r * rowBytes, g.activationQ, 0, g.n);
            float fast = codec.dotFast(g.quantized, r * rowBytes, g.activationQ, 0, g.n);
            assertTrue(Math.abs(scalar - g.matvec[r]) <= DOT_TOLERANCE * bound,
                    type + " row " + r + " scalar " + scalar + " vs ggml " + g.matvec[r] + " (Σ|w·a| " + bound + ")");
            assertTrue(Math.abs(fast - g.matvec[r]) <= DOT_TOLERANCE * bound,
                    type + " row " + r + " fast " + fast + " vs ggml " + g.matvec[r] + " (Σ|w·a| " + bound + ")");
        }
    }
}
