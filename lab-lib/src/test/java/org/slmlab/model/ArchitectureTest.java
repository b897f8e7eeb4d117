package org.slmlab.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.slmlab.gguf.GGUFFile;
import org.slmlab.testing.SharedReference;

class ArchitectureTest {

    @Test
    void unknownArchitectureListsTheSupportedOnes() {
        var e = assertThrows(IllegalArgumentException.class, () -> Architecture.fromGgufName("mamba"));
        assertTrue(e.getMessage().contains("'mamba'"));
        for (String name : new String[] {"llama", "qwen2", "qwen3", "gemma3", "phi3", "bitnet", "bitnet-b1.58"}) {
            assertTrue(e.getMessage().contains(name), e.getMessage());
        }
    }

    @Test
    void ropeStyleIsNormOnlyForLlama() {
        for (Architecture a : Architecture.values()) {
            assertEquals(a == Architecture.LLAMA ? RopeStyle.NORM : RopeStyle.NEOX, a.ropeStyle());
        }
    }

    @Test
    void configsOfTheReferenceModels() throws Exception {
        try (GGUFFile f = GGUFFile.open(SharedReference.path("models/mini-gemma3-F32.gguf"))) {
            ModelConfig c = ModelConfigReader.read(f);
            assertEquals(Architecture.GEMMA3, c.architecture());
            assertEquals(8, c.slidingWindow());
            // sliding_window_pattern = 2: layer 0 local (rope base 10000), layer 1 global (1e6).
            assertTrue(c.isSlidingLayer(0));
            assertEquals(10_000f, c.ropeBase(0));
            assertEquals(1e6f, c.ropeBase(1));
            assertEquals(FfnActivation.GELU_TANH, c.activation());
        }
        try (GGUFFile f = GGUFFile.open(SharedReference.path("models/mini-gemma3-6L-F32.gguf"))) {
            ModelConfig c = ModelConfigReader.read(f);
            for (int l = 0; l < 6; l++) {
                assertEquals(l != 5, c.isSlidingLayer(l), "layer " + l); // llama.cpp's default pattern of 6
            }
        }
        try (GGUFFile f = GGUFFile.open(SharedReference.path("models/mini-phi3-F32.gguf"))) {
            ModelConfig c = ModelConfigReader.read(f);
            assertEquals(32, c.ropeDims()); // partial rotary: 32 of 64
            assertEquals(64, c.headDim());
        }
    }
}
