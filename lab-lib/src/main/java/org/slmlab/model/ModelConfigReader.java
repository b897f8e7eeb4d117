package org.slmlab.model;

import org.slmlab.gguf.GGUFArray;
import org.slmlab.gguf.GGUFFile;
import org.slmlab.gguf.GGUFValue;

/**
 * Builds a {@link ModelConfig} from a GGUF file's metadata ({@code {arch}.*} keys, see
 * {@code shared/docs/architectures.md} §3), with llama.cpp's defaults for keys a file may omit.
 */
public final class ModelConfigReader {

    private final GGUFFile file;
    private final String prefix;

    private ModelConfigReader(GGUFFile file, String prefix) {
        this.file = file;
        this.prefix = prefix + ".";
    }

    public static ModelConfig read(GGUFFile file) {
        String name = file.getString("general.architecture");
        Architecture arch = Architecture.fromGgufName(name);
        return new ModelConfigReader(file, name).build(arch);
    }

    private ModelConfig build(Architecture arch) {
        int nEmbd = requireInt("embedding_length");
        int layers = requireInt("block_count");
        int heads = requireInt("attention.head_count");
        int headsKv = file.getInt(prefix + "attention.head_count_kv", heads);
        // head_dim is explicit where it is not n_embd / heads (Qwen3-0.6B: 128, not 64; all of Gemma 3).
        int headDim = file.getInt(prefix + "attention.key_length", nEmbd / heads);
        int valueHeadDim = file.getInt(prefix + "attention.value_length", headDim);
        int ctx = file.getInt(prefix + "context_length", 4096);
        if (!file.hasTensor("token_embd.weight")) {
            throw new IllegalArgumentException(file.path() + ": tensor 'token_embd.weight' is missing");
        }
        int vocab = (int) file.tensor("token_embd.weight").ne(1);
        float eps = file.getFloat(prefix + "attention.layer_norm_rms_epsilon", 1e-5f);

        int ropeDims = file.getInt(prefix + "rope.dimension_count", headDim);
        float ropeBase = file.getFloat(prefix + "rope.freq_base", 10_000f);
        float freqScale = ropeFreqScale();
        float attnFactor = file.getFloat(prefix + "rope.scaling.attn_factor", 1f);
        int origCtx = file.getInt(prefix + "rope.scaling.original_context_length", ctx);

        boolean[] sliding = new boolean[layers];
        int window = 0;
        float swaBase = file.getFloat(prefix + "rope.freq_base_swa", arch.defaultSlidingWindowRopeBase());
        if (arch.usesSlidingWindowLayers() && file.getInt(prefix + "attention.sliding_window", 0) > 0) {
            window = file.getInt(prefix + "attention.sliding_window");
            sliding = slidingLayers(layers, arch.defaultSlidingWindowPattern());
        }

        float attentionScale = attentionScale(arch, nEmbd, heads, headDim, layers);
        FfnActivation activation = activation(arch);
        float softcap = file.getFloat(prefix + "final_logit_softcapping", 0f);
        int nFf = requireInt("feed_forward_length");
        return new ModelConfig(arch, nEmbd, layers, heads, headsKv, headDim, valueHeadDim, nFf, vocab, ctx, eps,
                ropeDims, ropeBase, freqScale, attnFactor, origCtx, swaBase, window, sliding, attentionScale,
                activation, softcap);
    }

    private int requireInt(String key) {
        return file.getInt(prefix + key);
    }

    /** 1/factor for linear scaling (Gemma 3 4B+ global layers); other schemes come as tensors or are refused. */
    private float ropeFreqScale() {
        String type = file.getString(prefix + "rope.scaling.type", "none");
        float factor = file.getFloat(prefix + "rope.scaling.factor", 0f);
        return switch (type) {
            case "none", "longrope", "llama3" -> 1f; // LongRoPE / llama3 factors come as tensors
            case "linear" -> factor > 0 ? 1f / factor : 1f;
            default -> throw new IllegalArgumentException(file.path() + ": rope scaling '" + type + "' ("
                    + prefix + "rope.scaling.type) is not supported; supported: none, linear, longrope, llama3");
        };
    }

    /**
     * Which layers slide: every {@code pattern}-th layer is global, i.e. layer i is local when
     * {@code i % pattern < pattern - 1} (llama.cpp's {@code set_swa_pattern}). The pattern comes from
     * {@code attention.sliding_window_pattern} when present — a number, or an array with one flag per layer.
     */
    private boolean[] slidingLayers(int layers, int defaultPattern) {
        boolean[] sliding = new boolean[layers];
        String key = prefix + "attention.sliding_window_pattern";
        GGUFValue v = file.get(key).orElse(null);
        if (v instanceof GGUFArray arr) {
            if (arr.length() != layers) {
                throw new IllegalArgumentException(file.path() + ": " + key + " has " + arr.length()
                        + " entries for " + layers + " layers");
            }
            for (int i = 0; i < layers; i++) {
                sliding[i] = arr.elementType().isInteger() ? arr.getLong(i) != 0 : arr.getBoolean(i);
            }
            return sliding;
        }
        int pattern = v == null ? defaultPattern : file.getInt(key);
        if (pattern < 1) {
            throw new IllegalArgumentException(file.path() + ": " + key + " must be at least 1, got " + pattern);
        }
        for (int i = 0; i < layers; i++) {
            sliding[i] = i % pattern < pattern - 1;
        }
        return sliding;
    }

    /**
     * 1/sqrt(head_dim) everywhere, except Gemma 3 27B (62 layers), which was trained with
     * query_pre_attn_scalar = n_embd / heads = 168 instead of its head_dim of 128.
     */
    private float attentionScale(Architecture arch, int nEmbd, int heads, int headDim, int layers) {
        if (file.has(prefix + "attention.scale")) {
            return file.getFloat(prefix + "attention.scale");
        }
        if (arch == Architecture.GEMMA3 && layers == 62) {
            return 1f / (float) Math.sqrt(nEmbd / heads);
        }
        return 1f / (float) Math.sqrt(headDim);
    }

    private FfnActivation activation(Architecture arch) {
        String act = file.getString(prefix + "hidden_activation", "");
        if (arch == Architecture.BITNET && !act.isEmpty()) {
            return switch (act) {
                case "relu2", "relu_squared" -> FfnActivation.RELU_SQUARED;
                case "silu", "swish" -> FfnActivation.SILU;
                default -> throw new IllegalArgumentException(file.path() + ": " + prefix + "hidden_activation '"
                        + act + "' is not supported for " + arch + " (relu2 or silu)");
            };
        }
        return arch.defaultActivation();
    }
}
