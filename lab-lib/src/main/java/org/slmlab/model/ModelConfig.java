package org.slmlab.model;

import java.util.Arrays;

/**
 * The hyper-parameters of a model, read from its GGUF metadata (see {@link ModelConfigReader}).
 *
 * @param architecture     the family; its fixed quirks live in {@link Architecture}
 * @param embeddingLength  width of the residual stream (n_embd)
 * @param blockCount       number of transformer layers
 * @param headCount        query heads
 * @param headCountKv      key/value heads (fewer than query heads = grouped-query attention)
 * @param headDim          width of a query/key head; explicit in the file when it is not n_embd / heads
 * @param valueHeadDim     width of a value head (equal to headDim for every family here)
 * @param feedForwardLength width of the FFN hidden layer (n_ff)
 * @param vocabSize        rows of the embedding matrix
 * @param contextLength    the context the model was trained for
 * @param rmsEps           epsilon of every RMSNorm
 * @param ropeDims         how many of a head's dimensions RoPE rotates (partial rotary when &lt; headDim)
 * @param ropeBase         RoPE base (theta) of global layers
 * @param ropeFreqScale    1 / linear rope scaling factor of global layers (1 = none)
 * @param ropeAttnFactor   multiplies RoPE's cos/sin (Phi-3 LongRoPE's attention factor; 1 otherwise)
 * @param ropeOriginalContext context length before rope scaling (picks Phi-3's short or long factors)
 * @param swaRopeBase      RoPE base of sliding-window layers
 * @param slidingWindow    how many most recent tokens a sliding-window layer sees (its own included)
 * @param slidingLayers    per layer: true if it is a sliding-window (local) layer
 * @param attentionScale   multiplies Q·K (either in the softmax or on Q, see {@link Architecture})
 * @param activation       the FFN gate non-linearity
 * @param finalLogitSoftcap if &gt; 0, logits become cap·tanh(logits/cap)
 */
public record ModelConfig(
        Architecture architecture,
        int embeddingLength,
        int blockCount,
        int headCount,
        int headCountKv,
        int headDim,
        int valueHeadDim,
        int feedForwardLength,
        int vocabSize,
        int contextLength,
        float rmsEps,
        int ropeDims,
        float ropeBase,
        float ropeFreqScale,
        float ropeAttnFactor,
        int ropeOriginalContext,
        float swaRopeBase,
        int slidingWindow,
        boolean[] slidingLayers,
        float attentionScale,
        FfnActivation activation,
        float finalLogitSoftcap) {

    public ModelConfig {
        if (headCount <= 0 || headCountKv <= 0 || headCount % headCountKv != 0) {
            throw new IllegalArgumentException("head_count " + headCount + " must be a positive multiple of "
                    + "head_count_kv " + headCountKv);
        }
        if (ropeDims > headDim || ropeDims % 2 != 0) {
            throw new IllegalArgumentException("rope.dimension_count " + ropeDims + " must be even and at most the "
                    + "head size " + headDim);
        }
        if (slidingLayers.length != blockCount) {
            throw new IllegalArgumentException("sliding-window pattern has " + slidingLayers.length
                    + " entries for " + blockCount + " layers");
        }
        slidingLayers = slidingLayers.clone();
    }

    /** Query heads that share one key/value head. */
    public int groupSize() {
        return headCount / headCountKv;
    }

    /** Width of all query heads together (the input of {@code attn_output}). */
    public int queryWidth() {
        return headCount * headDim;
    }

    /** Width of all key heads together: one token's row of the K cache. */
    public int keyWidth() {
        return headCountKv * headDim;
    }

    /** Width of all value heads together: one token's row of the V cache. */
    public int valueWidth() {
        return headCountKv * valueHeadDim;
    }

    public boolean isSlidingLayer(int layer) {
        return slidingLayers[layer];
    }

    /** The RoPE base of one layer: sliding-window layers have their own. */
    public float ropeBase(int layer) {
        return slidingLayers[layer] ? swaRopeBase : ropeBase;
    }

    /** Rope scaling applies to global layers only; local layers are never scaled. */
    public float ropeFreqScale(int layer) {
        return slidingLayers[layer] ? 1f : ropeFreqScale;
    }

    @Override
    public boolean[] slidingLayers() {
        return slidingLayers.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelConfig c && toString().equals(c.toString());
    }

    @Override
    public int hashCode() {
        return toString().hashCode();
    }

    @Override
    public String toString() {
        return "ModelConfig[" + architecture + " n_embd=" + embeddingLength + " layers=" + blockCount
                + " heads=" + headCount + "/" + headCountKv + " head_dim=" + headDim + "/" + valueHeadDim
                + " n_ff=" + feedForwardLength + " vocab=" + vocabSize + " ctx=" + contextLength
                + " eps=" + rmsEps + " rope_dims=" + ropeDims + " rope_base=" + ropeBase + " rope_scale="
                + ropeFreqScale + " rope_attn_factor=" + ropeAttnFactor + " swa_base=" + swaRopeBase
                + " window=" + slidingWindow + " sliding=" + Arrays.toString(slidingLayers)
                + " attn_scale=" + attentionScale + " act=" + activation + " softcap=" + finalLogitSoftcap + "]";
    }
}
