package org.slmlab.model;

import java.util.List;
import org.slmlab.tensor.Matrix;

/**
 * All tensors of a model. Matrices stay memory-mapped in their stored type; only the small 1-D tensors (norm
 * weights, biases, rope factors) are copied into float arrays.
 *
 * @param tokenEmbedding   {@code token_embd}: one row per vocabulary entry
 * @param outputNorm       the final RMSNorm
 * @param output           the vocabulary projection: {@code output}, or {@code token_embd} again when tied
 * @param ropeFreqFactors  Llama 3's {@code rope_freqs} (per-pair frequency divisors), or null
 * @param ropeFactorsShort Phi-3 LongRoPE divisors for contexts up to the original length, or null
 * @param ropeFactorsLong  Phi-3 LongRoPE divisors beyond it, or null
 */
public record ModelWeights(
        Matrix tokenEmbedding,
        float[] outputNorm,
        Linear output,
        float[] ropeFreqFactors,
        float[] ropeFactorsShort,
        float[] ropeFactorsLong,
        List<LayerWeights> layers) {

    public boolean tiedOutput() {
        return output.weight() == tokenEmbedding;
    }
}
