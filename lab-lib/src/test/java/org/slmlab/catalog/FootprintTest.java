package org.slmlab.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.slmlab.gguf.GgmlType;
import org.slmlab.quant.LlamaFileType;

class FootprintTest {

    @Test
    void aTiedEmbeddingIsReadWholeAsTheOutputHead() {
        Footprint f = Footprint.of(Catalog.get("qwen3-0.6b"), LlamaFileType.Q4_0, false, 1, GgmlType.F16);
        assertEquals(f.weightBytes(), f.bytesReadPerToken());
    }

    @Test
    void anUntiedEmbeddingIsReadOneRowPerToken() {
        Footprint f = Footprint.of(Catalog.get("llama-3-8b"), LlamaFileType.Q4_0, false, 1, GgmlType.F16);
        Footprint.TensorBytes embd = f.tensors().stream().filter(t -> t.name().equals("token_embd.weight")).findFirst().orElseThrow();
        assertEquals(GgmlType.Q4_0, embd.type());
        // 128256 rows of 4096 weights in Q4_0: 128 blocks of 18 bytes a row.
        assertEquals(128256L * 128 * 18, embd.bytes());
        assertEquals(f.weightBytes() - 128256L * 128 * 18 + 128 * 18, f.bytesReadPerToken());
    }
}
