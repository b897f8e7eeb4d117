package org.slmlab.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.slmlab.gguf.GGUFFile;
import org.slmlab.gguf.GgmlType;
import org.slmlab.gguf.LittleEndian;
import org.slmlab.testing.SharedReference;

/**
 * Every codec against llama.cpp's own output: {@code shared/reference/quant/quant-<TYPE>.gguf} holds 8 rows of
 * 1024 floats of different kinds (normal, small, uniform, heavy-tailed, zero blocks, constant, tiny, ternary),
 * ggml's quantization of them, its dequantization, an activation, its quantization to the type's vec_dot type,
 * and the 8 dot products ggml's CPU backend computed (see MANIFEST.md).
 *
 * <p><b>Adding a type</b> (other quant helpers): register its codec in {@link Codecs} and add one line to
 * {@link #types()}. If its dot products cannot meet the default tolerance, add a case to
 * {@link #dotTolerance} with a comment saying why. Nothing else here names a type.
 *
 * <p>The build also runs this class a second time with {@code -Dslmlab.scalar=true} (lab-lib/pom.xml,
 * execution {@code scalar-references}), so the public entry points are checked on both paths.
 */
class QuantGoldenTest {

    private static final int ROWS = 8;
    private static final Arena ARENA = Arena.ofShared();

    /** The types checked against the reference files. One line per type. */
    static Stream<GgmlType> types() {
        return Stream.of(
                GgmlType.F16,
                GgmlType.BF16,
                GgmlType.Q4_0,
                GgmlType.Q4_1,
                GgmlType.Q5_0,
                GgmlType.Q5_1,
                GgmlType.Q8_0,
                GgmlType.Q2_K,
                GgmlType.Q3_K,
                GgmlType.Q4_K,
                GgmlType.Q5_K,
                GgmlType.Q6_K,
                GgmlType.Q8_K,
                GgmlType.TQ1_0,
                GgmlType.TQ2_0,
                GgmlType.MXFP4,
                GgmlType.NVFP4,
                GgmlType.Q1_0,
                GgmlType.Q2_0,
                GgmlType.IQ4_NL,
                GgmlType.IQ4_XS,
                GgmlType.IQ3_S,
                GgmlType.IQ3_XXS,
                GgmlType.IQ2_S,
                GgmlType.IQ2_XS,
                GgmlType.IQ2_XXS,
                GgmlType.IQ1_S,
                GgmlType.IQ1_M);
    }

    /**
     * How far a dot product may be from ggml's, relative to Σ|wᵢ·aᵢ|. ggml sums the integer block results in
     * float with AVX-512 in an order of its own, so only float rounding separates us: 1e-5 leaves two orders of
     * magnitude to spare (the quantized types reach ≤ 1.4e-7).
     */
    static double dotTolerance(GgmlType type) {
        return switch (type) {
            // ggml's F16 dot on this AVX512-FP16 machine accumulates in fp16 — every expected value is an fp16
            // number (f16ReferenceDotIsRoundedToHalfPrecision checks it) — so it is itself off from the exact
            // sum by several fp16 roundings (2^-11 each); observed up to 4.6e-4 on the tiny-values row.
            case F16 -> 1e-3;
            default -> 1e-5;
        };
    }

    /** One reference file, read once per test. */
    record Golden(GgmlType type, QuantCodec codec, int n, float[] input, MemorySegment quantized,
            float[] dequantized, float[] importance, GGUFFile file) implements AutoCloseable {

        static Golden load(GgmlType type) {
            try {
                GGUFFile f = GGUFFile.open(SharedReference.path("quant/quant-" + type.name() + ".gguf"));
                assertEquals(type.name(), f.getString("golden.type"));
                int n = (int) f.tensor("input").rowLength();
                assertEquals(ROWS, f.tensor("input").rows());
                float[] importance = null;
                if (f.getString("golden.imatrix").equals("ones")) {
                    importance = new float[n];
                    Arrays.fill(importance, 1f);
                }
                return new Golden(type, Codecs.of(type), n, floats(f.tensorData("input")), f.tensorData("quantized"),
                        floats(f.tensorData("dequantized")), importance, f);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        long rowBytes() {
            return type.bytesFor(n);
        }

        @Override
        public void close() {
            file.close();
        }
    }

    @AfterAll
    static void closeArena() {
        ARENA.close();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("types")
    void quantizeIsByteIdenticalWithGgml(GgmlType type) {
        try (Golden g = Golden.load(type)) {
            MemorySegment mine = ARENA.allocate(ROWS * g.rowBytes());
            for (int r = 0; r < ROWS; r++) {
                g.codec().quantize(g.input(), r * g.n(), mine, r * g.rowBytes(), g.n(), g.importance());
            }
            for (int r = 0; r < ROWS; r++) {
                long from = r * g.rowBytes();
                long to = from + g.rowBytes();
                long at = MemorySegment.mismatch(mine, from, to, g.quantized(), from, to);
                assertEquals(-1, at, type + " row " + r + ": first differing byte at row offset " + at
                        + " (block " + (at / type.typeSize()) + ")");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("types")
    void dequantizeIsBitExactOnBothPaths(GgmlType type) {
        try (Golden g = Golden.load(type)) {
            float[] scalar = new float[ROWS * g.n()];
            float[] entry = new float[ROWS * g.n()];
            for (int r = 0; r < ROWS; r++) {
                g.codec().dequantizeScalar(g.quantized(), r * g.rowBytes(), scalar, r * g.n(), g.n());
                g.codec().dequantize(g.quantized(), r * g.rowBytes(), entry, r * g.n(), g.n());
            }
            assertBitsEqual(g.dequantized(), scalar, type + " scalar");
            assertBitsEqual(g.dequantized(), entry, type + (Simd.FAST ? " fast" : " dispatched (scalar)"));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("types")
    void activationQuantizerIsByteIdenticalWithGgml(GgmlType type) {
        try (Golden g = Golden.load(type)) {
            if (!g.file().hasTensor("activation")) {
                return; // an activation-only format (Q8_K): no vec_dot in ggml, nothing to compare
            }
            assertEquals(g.codec().vecDotType().name(), g.file().getString("golden.vec_dot_type"));
            MemorySegment expected = g.file().tensorData("activation_q");
            MemorySegment mine = ActivationQuantizer.allocate(g.codec(), g.n(), ARENA);
            ActivationQuantizer.quantize(g.codec(), floats(g.file().tensorData("activation")), 0, g.n(), mine);
            assertEquals(expected.byteSize(), ActivationQuantizer.bytes(g.codec(), g.n()));
            assertEquals(-1, MemorySegment.mismatch(mine, 0, expected.byteSize(), expected, 0, expected.byteSize()),
                    type + " activation_q differs");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("types")
    void dotMatchesGgmlMatvecOnBothPaths(GgmlType type) {
        try (Golden g = Golden.load(type)) {
            if (!g.file().hasTensor("matvec")) {
                return;
            }
            MemorySegment act = g.file().tensorData("activation_q");
            float[] matvec = floats(g.file().tensorData("matvec"));
            QuantCodec actCodec = Codecs.of(g.codec().vecDotType());
            double worst = 0;
            for (int r = 0; r < ROWS; r++) {
                long row = r * g.rowBytes();
                double bound = sumOfAbsProducts(g, row, actCodec, act);
                float scalar = g.codec().dotScalar(g.quantized(), row, act, 0, g.n());
                float fast = g.codec().dotFast(g.quantized(), row, act, 0, g.n());
                float dispatched = g.codec().dot(g.quantized(), row, act, 0, g.n());
                for (float mine : new float[] {scalar, fast}) {
                    // a row whose weights all quantize to zero (NVFP4's, IQ4_XS's, IQ3_S's tiny row) must give ggml's 0
                    double rel = bound == 0 ? (mine == matvec[r] ? 0 : Double.POSITIVE_INFINITY)
                            : Math.abs(mine - matvec[r]) / bound;
                    worst = Math.max(worst, rel);
                    assertTrue(rel <= dotTolerance(type), type + " row " + r + ": " + mine + " vs ggml " + matvec[r]
                            + ", " + rel + " of Σ|w·a| = " + bound);
                }
                assertEquals(Float.floatToRawIntBits(Simd.FAST ? fast : scalar), Float.floatToRawIntBits(dispatched),
                        type + " dot() must run the " + (Simd.FAST ? "fast path" : "scalar reference"));
            }
            System.out.printf("%s: worst dot error %.2e of Σ|w·a| (tolerance %.0e)%n", type, worst,
                    dotTolerance(type));
        }
    }

    @Test
    void scalarSwitchTurnsTheFastPathsOff() {
        if (Boolean.getBoolean("slmlab.scalar")) {
            assertEquals(false, Simd.FAST, "-Dslmlab.scalar=true must force the scalar references");
        } else {
            assertEquals(Simd.HAS_512_BIT, Simd.FAST);
        }
    }

    @Test
    void f16ReferenceDotIsRoundedToHalfPrecision() {
        try (Golden g = Golden.load(GgmlType.F16)) {
            for (float v : floats(g.file().tensorData("matvec"))) {
                assertEquals(v, Fp16.round(v), "ggml's F16 matvec value " + v + " is not an fp16 number");
            }
        }
    }

    private static double sumOfAbsProducts(Golden g, long row, QuantCodec actCodec, MemorySegment act) {
        float[] a = new float[g.n()];
        actCodec.dequantizeScalar(act, 0, a, 0, g.n());
        double s = 0;
        for (int i = 0; i < g.n(); i++) {
            // The reference's own dequantized rows, so the bound does not depend on the code under test.
            s += Math.abs((double) g.dequantized()[(int) (row / g.rowBytes()) * g.n() + i] * a[i]);
        }
        return s;
    }

    private static void assertBitsEqual(float[] expected, float[] actual, String what) {
        for (int i = 0; i < expected.length; i++) {
            if (Float.floatToRawIntBits(expected[i]) != Float.floatToRawIntBits(actual[i])) {
                throw new AssertionError(what + ": row " + i / 1024 + " element " + i % 1024 + " is " + actual[i]
                        + ", ggml has " + expected[i]);
            }
        }
    }

    private static float[] floats(MemorySegment s) {
        float[] f = new float[(int) (s.byteSize() / Float.BYTES)];
        MemorySegment.copy(s, LittleEndian.FLOAT, 0, f, 0, f.length);
        return f;
    }
}
