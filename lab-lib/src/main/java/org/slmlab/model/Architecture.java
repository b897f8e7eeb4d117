package org.slmlab.model;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The model families the engine runs, and — in this one file — every way each of them departs from plain Llama.
 *
 * <p>"Plain Llama" is: embed; per layer RMSNorm → grouped-query attention with RoPE → residual add →
 * RMSNorm → SwiGLU feed-forward → residual add; a final RMSNorm and the output projection. Each method below
 * answers one question about a family, so reading the file top to bottom is a tour of the differences. They
 * follow llama.cpp's graphs ({@code src/models/*.cpp}), which the golden logits come from.
 *
 * <p>Differences that a GGUF file states itself (head_dim, partial rotary, rope scaling, tied output, fused
 * tensors, biases) are read from the file by {@link ModelConfig} and {@link ModelWeights}; what a file cannot
 * say is decided here.
 */
public enum Architecture {
    LLAMA("llama"),
    QWEN2("qwen2"),
    QWEN3("qwen3"),
    GEMMA3("gemma3"),
    PHI3("phi3"),
    /** Upstream llama.cpp calls it {@code bitnet}; Microsoft's bitnet.cpp fork writes {@code bitnet-b1.58}. */
    BITNET("bitnet", "bitnet-b1.58");

    private final List<String> ggufNames;

    Architecture(String... ggufNames) {
        this.ggufNames = List.of(ggufNames);
    }

    /** The {@code general.architecture} value(s) of this family. */
    public List<String> ggufNames() {
        return ggufNames;
    }

    /** The key prefix of this family's metadata ({@code llama.block_count}, …): the name in the file. */
    public static Architecture fromGgufName(String name) {
        for (Architecture a : values()) {
            if (a.ggufNames.contains(name)) {
                return a;
            }
        }
        throw new IllegalArgumentException("unsupported architecture '" + name + "' (general.architecture); "
                + "SLM Lab runs: " + supportedNames());
    }

    public static String supportedNames() {
        return Arrays.stream(values()).flatMap(a -> a.ggufNames.stream()).collect(Collectors.joining(", "));
    }

    /** Adjacent-pair RoPE only for {@code llama} (its converter permutes Q/K); NEOX halves for the rest. */
    public RopeStyle ropeStyle() {
        return this == LLAMA ? RopeStyle.NORM : RopeStyle.NEOX;
    }

    /** Gemma multiplies token embeddings by sqrt(n_embd) before the first layer. */
    public boolean scalesEmbeddings() {
        return this == GEMMA3;
    }

    /**
     * Qwen3 and Gemma 3 RMS-normalise each head of Q and of K (weights {@code attn_q_norm}/{@code attn_k_norm}
     * of size head_dim, shared by all heads) before RoPE.
     */
    public boolean normalizesQueryKeyHeads() {
        return this == QWEN3 || this == GEMMA3;
    }

    /**
     * Gemma 3 norms the output of each branch before adding it to the residual stream
     * ({@code post_attention_norm}, {@code post_ffw_norm}), on top of the usual pre-norms.
     */
    public boolean hasPostNorms() {
        return this == GEMMA3;
    }

    /**
     * BitNet adds "sub-norms" inside each branch: {@code attn_sub_norm} on the attention output before
     * {@code attn_output}, {@code ffn_sub_norm} on the gated activation before {@code ffn_down}.
     */
    public boolean hasSubNorms() {
        return this == BITNET;
    }

    /**
     * The gate non-linearity unless the file names one ({@code {arch}.hidden_activation}). Gemma uses GeGLU
     * (tanh GELU). BitNet b1.58 was trained with relu², but llama.cpp's {@code bitnet} graph builds a SiLU-gated
     * FFN for files that do not say otherwise — the reference logits come from that graph, so SiLU is the
     * default here too, and {@code hidden_activation = relu2} switches to the paper's relu².
     */
    public FfnActivation defaultActivation() {
        return this == GEMMA3 ? FfnActivation.GELU_TANH : FfnActivation.SILU;
    }

    /**
     * Gemma 3 and Phi-3 multiply Q by the attention scale before Q·K (llama.cpp's {@code ggml_scale} on Qcur,
     * then a softmax scale of 1); the others scale the scores inside the softmax. The same number either way,
     * but a different rounding, so we do what the reference does.
     */
    public boolean scalesQueryBeforeAttention() {
        return this == GEMMA3 || this == PHI3;
    }

    /** BitNet always projects to the vocabulary with {@code token_embd}, even if a file had an output matrix. */
    public boolean alwaysTiesOutput() {
        return this == BITNET;
    }

    /**
     * Gemma 3 interleaves sliding-window (local) layers with global ones: every {@code pattern}-th layer is
     * global (pattern 6 unless {@code gemma3.attention.sliding_window_pattern} says otherwise), and local layers
     * use their own RoPE base (10000 unless {@code rope.freq_base_swa} is given) with no rope scaling.
     * Phi-3 files carry a {@code sliding_window} too, but llama.cpp ignores it (its Phi SWA is disabled), and
     * so do we.
     */
    public boolean usesSlidingWindowLayers() {
        return this == GEMMA3;
    }

    /** Gemma 3's default interleave: layers with (i+1) % 6 == 0 are global. */
    public int defaultSlidingWindowPattern() {
        return this == GEMMA3 ? 6 : 1;
    }

    /** RoPE base of sliding-window layers when the file does not give {@code rope.freq_base_swa}. */
    public float defaultSlidingWindowRopeBase() {
        return 10_000f;
    }
}
