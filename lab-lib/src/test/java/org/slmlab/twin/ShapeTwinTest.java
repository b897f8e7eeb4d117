package org.slmlab.twin;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.slmlab.catalog.Catalog;
import org.slmlab.catalog.Footprint;
import org.slmlab.catalog.ModelSpec;
import org.slmlab.catalog.TensorSpec;
import org.slmlab.gguf.GGUFFile;
import org.slmlab.gguf.GgmlType;
import org.slmlab.gguf.TensorInfo;
import org.slmlab.quant.LlamaFileType;
import org.slmlab.quant.QuantRecipe;

class ShapeTwinTest {

    @TempDir
    static Path dir;
    static Path smol;

    /** SmolLM2-135M at Q8_0: the smallest catalog model, written once for the tests below (about 145 MB). */
    @BeforeAll
    static void writeSmolLm() throws IOException {
        smol = dir.resolve("smollm2-135m-Q8_0.gguf");
        ShapeTwin.write(new ShapeTwin.Options(Catalog.get("smollm2-135m"), LlamaFileType.Q8_0, false, 42, null), smol,
                (i, n, name, type, done, total) -> { });
    }

    static List<ModelSpec> models() {
        return Catalog.all();
    }

    /** Every catalog model: the twin's tensor plan has the real GGUF's tensors and exactly its parameters. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void planHasEveryTensorOfTheRealModel(ModelSpec m) {
        for (LlamaFileType t : List.of(LlamaFileType.F16, LlamaFileType.Q8_0, LlamaFileType.Q4_K_M, LlamaFileType.TQ2_0)) {
            List<QuantRecipe.Choice> plan = m.tensorTypes(t, false);
            if (m.ggufTensorCount() != null) {
                assertEquals(m.ggufTensorCount().intValue(), plan.size(), m.id());
            }
            long elements = plan.stream().mapToLong(c -> c.tensor().elementCount()).sum();
            assertEquals(m.ggufElementCount(), elements, m.id() + " " + t);
            plan.forEach(c -> assertEquals(0, c.tensor().shape()[0] % c.type().blockSize(), c.tensor().name()));
        }
    }

    @Test
    void writtenTwinHasTheCatalogsTensorsShapesAndParameters() throws IOException {
        ModelSpec m = Catalog.get("smollm2-135m");
        Map<String, TensorSpec> expected = m.tensors().stream().collect(Collectors.toMap(TensorSpec::name, Function.identity()));
        Map<String, GgmlType> types = m.tensorTypes(LlamaFileType.Q8_0, false).stream()
                .collect(Collectors.toMap(c -> c.tensor().name(), QuantRecipe.Choice::type));
        try (GGUFFile f = GGUFFile.open(smol)) {
            assertEquals(expected.size(), f.tensors().size());
            long parameters = 0;
            for (TensorInfo t : f.tensors()) {
                assertArrayEquals(expected.get(t.name()).shape(), t.shape(), t.name());
                assertEquals(types.get(t.name()), t.type(), t.name());
                parameters += t.elementCount();
            }
            assertEquals(m.params(), parameters, "SmolLM2-135M has no RoPE tables: every element is a parameter");
            assertEquals("llama", f.getString("general.architecture"));
            assertEquals(m.layers(), f.getInt("llama.block_count"));
            assertEquals(m.vocabSize(), f.getArray("tokenizer.ggml.tokens").length());
            assertEquals(LlamaFileType.Q8_0.id(), f.getInt("general.file_type"));
        }
    }

    @Test
    void aTwinSaysItIsOneAndATrainedModelDoesNot() throws IOException {
        try (GGUFFile f = GGUFFile.open(smol)) {
            assertTrue(ShapeTwin.isTwin(f));
        }
        assertFalse(TeachingModel.isTrained(smol));
        assertTrue(TeachingModel.isTrained(org.slmlab.testing.SharedReference.path("models/stories260K-F32.gguf")));
    }

    @Test
    void footprintOfTheFileEqualsItsTensorBytesAndTheCatalogsPrediction() throws IOException {
        ModelSpec m = Catalog.get("smollm2-135m");
        try (GGUFFile f = GGUFFile.open(smol)) {
            Footprint fromFile = Footprint.of(f, 2048, GgmlType.F16);
            long tensorBytes = f.tensors().stream().mapToLong(TensorInfo::byteSize).sum();
            assertEquals(tensorBytes, fromFile.weightBytes());
            Footprint predicted = Footprint.of(m, LlamaFileType.Q8_0, false, 2048, GgmlType.F16);
            assertEquals(predicted.weightBytes(), fromFile.weightBytes());
            assertEquals(predicted.kvCacheBytes(), fromFile.kvCacheBytes());
            assertEquals(m.kvCacheBytes(2048, 2), fromFile.kvCacheBytes());
        }
    }

    @Test
    void sameSeedSameFileOtherSeedOtherWeights() throws IOException {
        ModelSpec tiny = Catalog.get("smollm2-135m");
        Path again = dir.resolve("again.gguf");
        ShapeTwin.write(new ShapeTwin.Options(tiny, LlamaFileType.Q8_0, false, 42, null), again, (i, n, name, t, d, total) -> { });
        assertEquals(-1, Files.mismatch(smol, again), "the same seed must give the same bytes");
        Path other = dir.resolve("other.gguf");
        ShapeTwin.write(new ShapeTwin.Options(tiny, LlamaFileType.Q8_0, false, 43, null), other, (i, n, name, t, d, total) -> { });
        assertTrue(Files.mismatch(smol, other) >= 0);
        Files.delete(again);
        Files.delete(other);
    }

    @Test
    void weightsAreFiniteAndScaledByFanIn() throws IOException {
        try (GGUFFile f = GGUFFile.open(smol)) {
            TensorInfo q = f.tensor("blk.0.attn_q.weight");
            float[] row = new float[(int) q.shape()[0]];
            org.slmlab.quant.Codecs.of(q.type()).dequantize(f.tensorData(q), 0, row, 0, row.length);
            double sumSquares = 0;
            for (float x : row) {
                assertTrue(Float.isFinite(x));
                sumSquares += x * x;
            }
            double std = Math.sqrt(sumSquares / row.length);
            assertEquals(1 / Math.sqrt(row.length), std, 0.2 / Math.sqrt(row.length), "N(0, 1/sqrt(576))");
            MemorySegment norm = f.tensorData("blk.0.attn_norm.weight");
            float w = norm.get(java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED, 0);
            assertTrue(w >= 0.9f && w <= 1.1f, "norm weights near 1: " + w);
        }
    }

    @Test
    void llama3RopeFactorsFollowTheConverter() {
        float[] f = TwinWeights.llama3RopeFactors(Catalog.get("llama-3.2-1b"), 32);
        assertEquals(1f, f[0], "the highest frequency is not scaled");
        assertEquals(32f, f[31], "the lowest frequency is divided by the factor");
        for (int i = 1; i < f.length; i++) {
            assertTrue(f[i] >= f[i - 1], "factors grow as frequencies fall");
        }
        boolean smoothBand = false;
        for (float x : f) {
            smoothBand |= x > 1f && x < 32f;
        }
        assertTrue(smoothBand, "between the two, factors are interpolated");
    }
}
