package org.slmlab.engine;

/**
 * What one generation cost.
 *
 * @param promptTokens     tokens processed in the prompt batch
 * @param generatedTokens  tokens sampled (the stop token included if one ended the run)
 * @param promptSeconds    wall time of prompt processing (one batched forward pass)
 * @param generationSeconds wall time of the token-by-token phase
 * @param firstTokenSeconds time from the start until the first generated token was known
 * @param modelBytes       size of the memory-mapped model file
 * @param kvCacheBytes     memory held by the KV cache
 * @param heapBytes        Java heap in use at the end of the run
 */
public record RunStats(int promptTokens, int generatedTokens, double promptSeconds, double generationSeconds,
        double firstTokenSeconds, long modelBytes, long kvCacheBytes, long heapBytes) {

    /** Prompt processing speed ("pp" in llama-bench). */
    public double promptTokensPerSecond() {
        return promptSeconds > 0 ? promptTokens / promptSeconds : 0;
    }

    /**
     * Generation speed ("tg" in llama-bench): the first token comes out of the prompt pass, so the timed phase
     * made {@code generatedTokens - 1} forward passes.
     */
    public double generationTokensPerSecond() {
        return generationSeconds > 0 ? (generatedTokens - 1) / generationSeconds : 0;
    }

    @Override
    public String toString() {
        return String.format("prompt %d tokens in %.3f s (%.1f t/s), generated %d tokens in %.3f s (%.1f t/s), "
                + "first token after %.3f s, model %d MiB mapped, KV cache %d MiB, heap %d MiB",
                promptTokens, promptSeconds, promptTokensPerSecond(), generatedTokens, generationSeconds,
                generationTokensPerSecond(), firstTokenSeconds, modelBytes >> 20, kvCacheBytes >> 20, heapBytes >> 20);
    }
}
