package org.slmlab.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.slmlab.testing.SharedReference;

class CatalogTest {

    static Iterable<ModelSpec> models() {
        return Catalog.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void parameterCountComputedFromTheConfigEqualsTheCatalog(ModelSpec m) {
        assertEquals(m.params(), m.parameterCount(), m.id());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void tensorListHasAsManyTensorsAsTheRealGguf(ModelSpec m) {
        if (m.ggufTensorCount() != null) {
            assertEquals(m.ggufTensorCount().intValue(), m.tensors().size(), m.id());
        }
        Set<String> names = new HashSet<>();
        m.tensors().forEach(t -> assertTrue(names.add(t.name()), "duplicate tensor " + t.name()));
    }

    /** The catalog against the independently collected facts in ../shared/docs/catalog-facts.json. */
    @Test
    void countsAgreeWithTheCollectedFacts() throws IOException {
        JsonNode facts = new ObjectMapper().readTree(SharedReference.reference().resolveSibling("docs")
                .resolve("catalog-facts.json").toFile());
        int checked = 0;
        for (JsonNode f : facts) {
            JsonNode computed = f.has("params_computed") ? f.get("params_computed") : f.get("params_computed_text_gguf");
            ModelSpec m = Catalog.all().stream()
                    .filter(s -> f.get("model").asText().startsWith(s.hfRepo()))
                    .findFirst().orElseThrow(() -> new AssertionError("not in the catalog: " + f.get("model")));
            assertEquals(computed.get("value").asLong(), m.parameterCount(), m.id());
            JsonNode kv = f.get("kv_cache_bytes_per_token_f16");
            if (kv != null && m.slidingWindow() == null) {
                assertEquals(kv.get("value").asLong(), m.kvCacheBytes(1, 2), m.id() + " KV bytes per token");
            }
            checked++;
        }
        assertEquals(Catalog.all().size(), checked);
    }

    @Test
    void gemmaLocalLayersKeepOnlyTheirWindow() {
        ModelSpec g = Catalog.get("gemma-3-1b");
        // 26 layers, (i+1)%6==0 global: 5, 11, 17, 23.
        long perTokenPerLayer = 2L * 1 * 256 * 2;
        long ctx = 8192;
        long expected = perTokenPerLayer * (4 * ctx + 22 * 512);
        assertEquals(expected, g.kvCacheBytes(ctx, 2));
        assertEquals(perTokenPerLayer * 26 * 100, g.kvCacheBytes(100, 2), "below the window every layer holds all");
    }

    @Test
    void sizeClassesFollowTheCourse() {
        assertEquals(SizeClass.MICRO, Catalog.get("qwen3-0.6b").sizeClass());
        assertEquals(SizeClass.SMALL, Catalog.get("Qwen3-1.7B").sizeClass());
        assertEquals(SizeClass.SMALL, Catalog.get("gemma-3-12b").sizeClass());
        assertEquals(SizeClass.MEDIUM, Catalog.get("gemma-3-27b").sizeClass());
        assertEquals(SizeClass.MEDIUM, SizeClass.classify(Catalog.get("gemma-3-12b").parameterCount(),
                SizeClass.SMALL_TO_ALTERNATIVE), "with the 10B boundary Gemma 3 12B is medium");
        assertEquals(SizeClass.TINY, SizeClass.classify(260_000));
        assertEquals(SizeClass.LARGE, SizeClass.classify(70_000_000_000L));
    }

    @Test
    void unknownModelErrorListsTheCatalog() {
        var e = assertThrows(IllegalArgumentException.class, () -> Catalog.get("gpt-5"));
        assertTrue(e.getMessage().contains("qwen3-0.6b"), e.getMessage());
        assertNotNull(Catalog.get("  LLAMA-3.2-1B "));
    }
}
