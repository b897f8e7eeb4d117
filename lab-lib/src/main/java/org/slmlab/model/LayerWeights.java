package org.slmlab.model;

/**
 * The tensors of one transformer block ({@code blk.N.*}). Optional parts are null when a family has no such
 * tensor; {@link Architecture} says which families have which.
 *
 * <p>Fused tensors are split here without copying: Phi-3's {@code attn_qkv} becomes row slices q, k, v and its
 * {@code ffn_up} (gate rows, then up rows) becomes gate and up, so the forward pass has one shape for all.
 */
public record LayerWeights(
        float[] attnNorm,
        Linear wq,
        Linear wk,
        Linear wv,
        float[] qNorm,
        float[] kNorm,
        float[] attnSubNorm,
        Linear wo,
        float[] postAttentionNorm,
        float[] ffnNorm,
        Linear gate,
        Linear up,
        float[] ffnSubNorm,
        Linear down,
        float[] postFfnNorm) {
}
