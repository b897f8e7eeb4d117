package org.slmlab.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.Test;
import org.slmlab.gguf.GGUFFile;
import org.slmlab.model.Model;
import org.slmlab.sampling.SamplerSettings;
import org.slmlab.testing.SharedReference;

/** stories260K (a real trained model) tells llama.cpp's story, through the whole library API. */
class StoriesGenerationTest {

    @Test
    void greedyStoryMatchesLlamaCppTextExactly() throws Exception {
        var modelPath = SharedReference.path("models/stories260K-F32.gguf");
        try (GGUFFile golden = GGUFFile.open(SharedReference.path("models/stories260K-F32.golden.gguf"));
                Model model = Model.load(modelPath);
                Session session = new Session(model, new Session.Options(128, 1))) {
            String prompt = golden.getString("golden.prompt_text");
            String expected = golden.getString("golden.greedy_text");
            int[] tokens = session.tokenizer().encode(prompt, true, false);
            int[] goldenTokens = GoldenData.ints(golden, "tokens");
            assertArrayEquals(goldenTokens, tokens, "prompt tokens");

            List<String> streamed = new ArrayList<>();
            GenerationResult r = session.generate(tokens, 32, SamplerSettings.greedy(), (id, text) -> {
                streamed.add(text);
                return true;
            });
            assertEquals(expected, r.text());
            assertEquals(expected, String.join("", streamed));
            assertEquals(GenerationResult.StopReason.MAX_TOKENS, r.stoppedBy());
            assertEquals(24, r.stats().promptTokens());
            assertTrue(r.stats().promptTokensPerSecond() > 0 && r.stats().kvCacheBytes() > 0);
        }
    }

    @Test
    void anInterruptStopsTheForwardPassAndLeavesTheSessionUsable() throws Exception {
        try (Model model = Model.load(SharedReference.path("models/stories260K-F32.gguf"));
                Session session = new Session(model, new Session.Options(64, 1));
                Session fresh = new Session(model, new Session.Options(64, 1))) {
            int[] prompt = session.tokenizer().encode("Once upon a time", true, false);
            Thread.currentThread().interrupt(); // what the kernel's Interrupt does to a cell's thread
            try {
                CancellationException e = assertThrows(CancellationException.class, () -> session.evaluate(prompt));
                assertTrue(e.getMessage().contains("interrupted before layer 0"), e.getMessage());
            } finally {
                assertTrue(Thread.interrupted(), "the interrupt stays visible to the caller");
            }
            assertArrayEquals(fresh.evaluate(prompt), session.evaluate(prompt), "nothing of the stopped pass remains");
        }
    }

    @Test
    void observerSeesEmbeddingsAttentionAndLayers() throws Exception {
        try (Model model = Model.load(SharedReference.path("models/stories260K-F32.gguf"));
                Session session = new Session(model, new Session.Options(64, 1))) {
            List<float[]> attention = new ArrayList<>();
            int[] layers = new int[1];
            List<float[]> lastResidual = new ArrayList<>();
            session.setObserver(new ForwardObserver() {
                @Override
                public void attention(int layer, int head, int pos, float[] weights) {
                    if (layer == 0 && head == 0) {
                        attention.add(weights);
                    }
                }

                @Override
                public void layerOutput(int layer, int pos, float[] residual) {
                    layers[0]++;
                    if (layer == model.config().blockCount() - 1 && pos == 2) {
                        lastResidual.add(residual);
                    }
                }
            });
            float[] logits = session.evaluate(new int[] {1, 403, 407});
            assertEquals(3, attention.size());
            assertEquals(3, attention.get(2).length);
            double sum = 0;
            for (float w : attention.get(2)) {
                sum += w;
            }
            assertEquals(1.0, sum, 1e-5);
            assertEquals(3 * model.config().blockCount(), layers[0]);
            // The logit lens on the last layer's output is the model's own output.
            float[] lens = session.transformer().logitsOf(lastResidual.get(0), 1);
            int vocab = model.config().vocabSize();
            for (int i = 0; i < vocab; i++) {
                assertEquals(logits[2 * vocab + i], lens[i], 1e-5);
            }
        }
    }
}
