package org.slmlab.quant;

import static org.slmlab.gguf.GgmlType.F16;
import static org.slmlab.gguf.GgmlType.IQ2_S;
import static org.slmlab.gguf.GgmlType.IQ2_XXS;
import static org.slmlab.gguf.GgmlType.IQ3_S;
import static org.slmlab.gguf.GgmlType.IQ3_XXS;
import static org.slmlab.gguf.GgmlType.IQ4_NL;
import static org.slmlab.gguf.GgmlType.MXFP4;
import static org.slmlab.gguf.GgmlType.Q2_K;
import static org.slmlab.gguf.GgmlType.Q3_K;
import static org.slmlab.gguf.GgmlType.Q4_0;
import static org.slmlab.gguf.GgmlType.Q4_1;
import static org.slmlab.gguf.GgmlType.Q4_K;
import static org.slmlab.gguf.GgmlType.Q5_0;
import static org.slmlab.gguf.GgmlType.Q5_1;
import static org.slmlab.gguf.GgmlType.Q5_K;
import static org.slmlab.gguf.GgmlType.Q6_K;
import static org.slmlab.gguf.GgmlType.Q8_0;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slmlab.gguf.GGUFArray;
import org.slmlab.gguf.GGUFFile;
import org.slmlab.gguf.GgmlType;
import org.slmlab.gguf.TensorInfo;

/**
 * Which ggml type each tensor of a model gets for a {@link LlamaFileType}: llama.cpp's
 * {@code llama_tensor_get_type} (src/llama-quant.cpp), rule for rule.
 *
 * <p>In short: 1-D tensors, norms and a few small or sensitive matrices are never quantized; everything else
 * gets the file type's base type, except that mixtures spend more bits where quantization hurts most — the output
 * projection (and the token embedding when it doubles as the output), {@code attn_v} and {@code ffn_down} in the
 * first and last eighth of the layers and every third layer between (see {@link #useMoreBits}). With
 * {@code pure} every quantizable tensor gets the base type. Last comes the shape fallback: a row length that is not
 * a whole number of blocks switches to a type with smaller blocks, and to F16 when none fits.
 *
 * <p>The rules count {@code attn_v} and {@code ffn_down} tensors as they go, so {@link #plan} must see the tensors
 * in llama.cpp's order: {@link #LOAD_ORDER}.
 */
public final class QuantRecipe {

    /** What the rules need to know about the model: its GGUF hyper-parameters. */
    public record Model(String architecture, int layers, int heads, int kvHeads, int experts) {

        /** Query heads per KV head (llama.cpp's {@code n_gqa()}); 0 when the KV head count is unknown. */
        int gqa() {
            return kvHeads == 0 ? 0 : heads / kvHeads;
        }

        /** llama.cpp calls an 80-layer llama with grouped-query attention "70B" and treats its attn_v specially. */
        boolean is70B() {
            return architecture.equals("llama") && layers == 80 && heads != kvHeads;
        }

        boolean isFalcon() {
            return architecture.equals("falcon");
        }

        /** The hyper-parameters from a model file's metadata ({@code <arch>.block_count} ...). */
        public static Model of(GGUFFile file) {
            String arch = file.getString("general.architecture");
            int heads = firstInt(file, arch + ".attention.head_count", 0);
            return new Model(arch, file.getInt(arch + ".block_count", 0), heads,
                    firstInt(file, arch + ".attention.head_count_kv", heads), file.getInt(arch + ".expert_count", 0));
        }

        /** A per-model value that some architectures store per layer, as an array: the first layer's. */
        private static int firstInt(GGUFFile file, String key, int missing) {
            if (!file.has(key)) {
                return missing;
            }
            return file.value(key) instanceof GGUFArray ? file.getIntArray(key)[0] : file.getInt(key);
        }
    }

    /** The decision for one tensor. {@code fallback} is true when its shape forced a different type. */
    public record Choice(TensorInfo tensor, GgmlType type, boolean quantize, boolean fallback) {
    }

    /**
     * llama.cpp's tensor order (its loader's {@code weight_name_comparer}): tensors outside the layers first, then
     * layer by layer in numeric order, by name within each.
     */
    public static final Comparator<String> LOAD_ORDER =
            Comparator.comparingInt(QuantRecipe::layerOf).thenComparing(Comparator.naturalOrder());

    private static final Pattern LAYER = Pattern.compile("^blk\\.(\\d+)\\.");

    private enum Category {
        TOKEN_EMBD, ATTENTION_Q, ATTENTION_V, ATTENTION_K, ATTENTION_QKV, ATTENTION_KV_B, ATTENTION_OUTPUT,
        FFN_UP, FFN_GATE, FFN_DOWN, OUTPUT, OTHER;

        boolean isAttentionV() {
            return this == ATTENTION_V || this == ATTENTION_QKV || this == ATTENTION_KV_B;
        }
    }

    /** Name fragments of matrices that are never quantized (tiny, or too sensitive). */
    private static final List<String> NEVER_QUANTIZED = List.of(
            "_norm.weight", "ffn_gate_inp.weight", "ffn_gate_tid2eid.weight", "altup", "laurel",
            "per_layer_model_proj", "ssm_conv1d", "shortconv.conv.weight", "indexer.k_proj.weight",
            "indexer.q_proj.weight", "time_mix_first.weight", "time_mix_w0.weight", "time_mix_w1.weight",
            "time_mix_w2.weight", "time_mix_v0.weight", "time_mix_v1.weight", "time_mix_v2.weight",
            "time_mix_a0.weight", "time_mix_a1.weight", "time_mix_a2.weight", "time_mix_g1.weight",
            "time_mix_g2.weight", "time_mix_decay_w1.weight", "time_mix_decay_w2.weight",
            "time_mix_lerp_fused.weight", "attn_rel_b.weight", ".position_embd", "sam.pos_embd", "sam.neck.",
            "sam.net_", ".rel_pos", ".patch_embd", ".patch_merger", "a.rvq.codebook", "mm.a.code_embd");

    /** Positional and token-type embeddings (BERT) stay as they are. */
    private static final Set<String> NEVER_QUANTIZED_NAMES = Set.of("position_embd.weight", "token_types.weight");

    private final LlamaFileType fileType;
    private final boolean pure;
    private final boolean hasImatrix;
    private final Model model;

    private boolean tiedEmbeddings;
    private int attentionVCount;
    private int attentionVSeen;
    private int ffnDownSeen;
    private int ffnGateSeen;
    private int ffnUpSeen;

    public QuantRecipe(LlamaFileType fileType, boolean pure, boolean hasImatrix, Model model) {
        this.fileType = fileType;
        this.pure = pure;
        this.hasImatrix = hasImatrix;
        this.model = model;
    }

    /** The layer number of a {@code blk.N.} tensor, −1 for the others. */
    static int layerOf(String name) {
        Matcher m = LAYER.matcher(name);
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    /** The type of every tensor, in {@link #LOAD_ORDER}; the list must hold all of the model's tensors. */
    public List<Choice> plan(List<TensorInfo> tensors) {
        tiedEmbeddings = tensors.stream().noneMatch(t -> category(t.name()) == Category.OUTPUT);
        attentionVCount = (int) tensors.stream().filter(t -> category(t.name()).isAttentionV()).count();
        attentionVSeen = ffnDownSeen = ffnGateSeen = ffnUpSeen = 0;
        List<Choice> choices = new ArrayList<>();
        for (TensorInfo t : tensors.stream().sorted(Comparator.comparing(TensorInfo::name, LOAD_ORDER)).toList()) {
            choices.add(choose(t));
        }
        return choices;
    }

    private Choice choose(TensorInfo t) {
        if (!allowsQuantization(t)) {
            return new Choice(t, t.type(), false, false);
        }
        GgmlType type = fileType.baseType();
        boolean fallback = false;
        if (type.isQuantized()) {
            if (!pure) {
                type = mixtureType(t, type, category(t.name()));
            }
            GgmlType fitting = fitShape(t, type);
            fallback = fitting != type;
            type = fitting;
        }
        if (requiresImatrix(t.name(), type, fileType) && !hasImatrix) {
            throw new IllegalArgumentException("quantizing " + t.name() + " to " + type + " requires an importance "
                    + "matrix (--imatrix): without one the result is garbage, so llama.cpp refuses too");
        }
        return new Choice(t, type, type != t.type(), fallback);
    }

    /** llama.cpp's {@code tensor_allows_quantization}: matrices whose name ends in "weight", minus exceptions. */
    static boolean allowsQuantization(TensorInfo t) {
        String name = t.name();
        if (nDims(t) < 2 || !name.endsWith("weight") || NEVER_QUANTIZED_NAMES.contains(name)) {
            return false;
        }
        return NEVER_QUANTIZED.stream().noneMatch(name::contains);
    }

    /** ggml_n_dims: trailing axes of size 1 do not count. */
    private static int nDims(TensorInfo t) {
        int n = t.dims();
        while (n > 1 && t.ne(n - 1) == 1) {
            n--;
        }
        return Math.max(n, 1);
    }

    private static Category category(String name) {
        if (name.equals("output.weight")) {
            return Category.OUTPUT;
        }
        if (name.equals("token_embd.weight") || name.equals("per_layer_token_embd.weight")) {
            return Category.TOKEN_EMBD;
        }
        if (name.contains("attn_qkv.weight")) {
            return Category.ATTENTION_QKV;
        }
        if (name.contains("attn_kv_b.weight")) {
            return Category.ATTENTION_KV_B;
        }
        if (name.contains("attn_v.weight")) {
            return Category.ATTENTION_V;
        }
        if (name.contains("attn_k.weight")) {
            return Category.ATTENTION_K;
        }
        if (name.contains("attn_q.weight")) {
            return Category.ATTENTION_Q;
        }
        if (name.contains("attn_output.weight")) {
            return Category.ATTENTION_OUTPUT;
        }
        if (name.contains("ffn_up")) {
            return Category.FFN_UP;
        }
        if (name.contains("ffn_gate")) {
            return Category.FFN_GATE;
        }
        if (name.contains("ffn_down")) {
            return Category.FFN_DOWN;
        }
        return Category.OTHER;
    }

    /** The first and last eighth of the layers, and every third layer in between. */
    static boolean useMoreBits(int layer, int layers) {
        return layer < layers / 8 || layer >= 7 * layers / 8 || (layer - layers / 8) % 3 == 2;
    }

    /** The layer a counted tensor belongs to: its position, or for mixture-of-experts models its name. */
    private int layer(int seen, String name) {
        if (model.experts() <= 1) {
            return seen;
        }
        int layer = layerOf(name);
        if (layer < 0 || layer >= model.layers()) {
            throw new IllegalArgumentException("cannot tell the layer of tensor " + name + " (the model has "
                    + model.layers() + " layers)");
        }
        return layer;
    }

    private boolean is(LlamaFileType... types) {
        for (LlamaFileType t : types) {
            if (fileType == t) {
                return true;
            }
        }
        return false;
    }

    /** llama_tensor_get_type_impl: the mixture rules. */
    private GgmlType mixtureType(TensorInfo t, GgmlType type, Category cat) {
        String name = t.name();
        int layers = model.layers();
        if (cat == Category.OUTPUT || (tiedEmbeddings && cat == Category.TOKEN_EMBD)) {
            if (is(LlamaFileType.MXFP4_MOE) || model.isFalcon() || t.rowLength() % type.blockSize() != 0) {
                return Q8_0;
            }
            if (is(LlamaFileType.IQ2_XXS, LlamaFileType.IQ2_XS, LlamaFileType.IQ3_XXS, LlamaFileType.IQ1_S,
                    LlamaFileType.IQ2_S, LlamaFileType.IQ2_M, LlamaFileType.IQ1_M)) {
                return Q5_K;
            }
            return type != Q8_0 ? Q6_K : type;
        }
        if (is(LlamaFileType.MXFP4_MOE)) {
            boolean bailingExpert = cat == Category.FFN_UP || cat == Category.FFN_GATE || cat == Category.FFN_DOWN;
            boolean moe = t.ne(2) > 1 && (!model.architecture().equals("bailingmoe3") || bailingExpert);
            return moe ? MXFP4 : Q8_0;
        }
        if (cat == Category.TOKEN_EMBD) {
            if (is(LlamaFileType.IQ2_XXS, LlamaFileType.IQ2_XS, LlamaFileType.IQ1_S, LlamaFileType.IQ1_M)) {
                return Q2_K;
            }
            if (is(LlamaFileType.IQ2_S, LlamaFileType.IQ2_M, LlamaFileType.IQ3_XXS)) {
                return IQ3_S;
            }
            if (is(LlamaFileType.TQ1_0, LlamaFileType.TQ2_0, LlamaFileType.Q2_0)) {
                return Q4_K;
            }
            return type;
        }
        if (is(LlamaFileType.IQ2_XXS, LlamaFileType.IQ2_XS, LlamaFileType.IQ1_S, LlamaFileType.IQ2_S,
                LlamaFileType.IQ2_M, LlamaFileType.IQ1_M)) {
            boolean iq2sm = is(LlamaFileType.IQ2_S, LlamaFileType.IQ2_M);
            if (cat.isAttentionV()) {
                attentionVSeen++;
                return model.gqa() >= 4 || model.experts() >= 4 ? Q4_K : iq2sm ? IQ3_S : Q2_K;
            }
            if (model.experts() == 8 && cat == Category.ATTENTION_K) {
                return Q4_K;
            }
            if (cat == Category.FFN_DOWN) {
                boolean early = ffnDownSeen < layers / 8;
                ffnDownSeen++;
                return early ? (iq2sm ? IQ3_S : Q2_K) : type;
            }
            if (cat == Category.ATTENTION_OUTPUT) {
                if (model.experts() == 8) {
                    return Q5_K;
                }
                if (is(LlamaFileType.IQ1_S, LlamaFileType.IQ1_M)) {
                    return IQ2_XXS;
                }
                return iq2sm ? IQ3_S : type;
            }
            return type;
        }
        return switch (cat) {
            case ATTENTION_V, ATTENTION_QKV, ATTENTION_KV_B -> attentionV(type);
            case ATTENTION_K -> model.experts() == 8 ? Q8_0
                    : is(LlamaFileType.IQ3_XS) ? IQ3_XXS : is(LlamaFileType.IQ3_XXS) ? IQ2_S : type;
            case ATTENTION_Q -> is(LlamaFileType.IQ3_XS) ? IQ3_XXS : is(LlamaFileType.IQ3_XXS) ? IQ2_S : type;
            case FFN_DOWN -> ffnDown(type, layer(ffnDownSeen++, name), layers);
            case ATTENTION_OUTPUT -> attentionOutput(type);
            case FFN_GATE, FFN_UP -> {
                int layer = layer(cat == Category.FFN_GATE ? ffnGateSeen++ : ffnUpSeen++, name);
                boolean middle = layer >= layers / 8 && layer < 7 * layers / 8;
                yield is(LlamaFileType.IQ3_XS) && middle ? IQ3_XXS : type;
            }
            default -> type;
        };
    }

    private GgmlType attentionV(GgmlType type) {
        int gqa = model.gqa();
        GgmlType t = type;
        if (is(LlamaFileType.Q2_K)) {
            t = gqa >= 4 ? Q4_K : Q3_K;
        } else if (is(LlamaFileType.Q2_K_S) && gqa >= 4) {
            t = Q4_K;
        } else if (is(LlamaFileType.IQ3_XXS)) {
            t = gqa >= 4 ? Q4_K : !hasImatrix ? IQ3_S : IQ3_XXS;
        } else if (is(LlamaFileType.IQ3_XS, LlamaFileType.IQ3_S) && gqa >= 4) {
            t = Q4_K;
        } else if (is(LlamaFileType.IQ3_M)) {
            t = Q4_K;
        } else if (is(LlamaFileType.Q3_K_M)) {
            t = attentionVSeen < 2 ? Q5_K : Q4_K;
        } else if (is(LlamaFileType.Q3_K_L)) {
            t = Q5_K;
        } else if (is(LlamaFileType.IQ4_NL, LlamaFileType.IQ4_XS) && gqa >= 4) {
            t = Q5_K;
        } else if (is(LlamaFileType.Q4_K_M, LlamaFileType.Q5_K_M) && useMoreBits(attentionVSeen, attentionVCount)) {
            t = Q6_K;
        } else if (is(LlamaFileType.Q4_K_S) && attentionVSeen < 4) {
            t = Q5_K;
        }
        if (model.is70B() && (t == Q3_K || t == Q4_K)) {
            // 8 query heads share each attn_v head: the tensor is 8x smaller than attn_q, more bits cost little
            t = Q5_K;
        }
        if (model.experts() == 8) {
            t = Q8_0;
        }
        attentionVSeen++;
        return t;
    }

    private GgmlType ffnDown(GgmlType type, int layer, int layers) {
        boolean falcon = model.isFalcon();
        if (is(LlamaFileType.Q2_K)) {
            return Q3_K;
        }
        if (is(LlamaFileType.Q2_K_S)) {
            return layer < layers / 8 ? Q4_K : type;
        }
        if (is(LlamaFileType.IQ3_XXS) && !hasImatrix) {
            return layer < layers / 8 ? Q4_K : Q3_K;
        }
        if (is(LlamaFileType.Q3_K_M)) {
            return layer < layers / 16 ? Q5_K : !falcon || useMoreBits(layer, layers) ? Q4_K : Q3_K;
        }
        if (is(LlamaFileType.IQ3_M) && (layer < layers / 8 || (model.experts() == 8 && useMoreBits(layer, layers)))) {
            return Q4_K;
        }
        if (is(LlamaFileType.Q3_K_L)) {
            return falcon ? Q4_K : Q5_K;
        }
        if (is(LlamaFileType.Q4_K_M)) {
            if (falcon) {
                return layer < layers / 16 ? Q6_K : useMoreBits(layer, layers) ? Q5_K : Q4_K;
            }
            return useMoreBits(layer, layers) ? Q6_K : type;
        }
        if (layer < layers / 8 && is(LlamaFileType.IQ4_NL, LlamaFileType.IQ4_XS) && !hasImatrix) {
            return Q5_K;
        }
        if (is(LlamaFileType.Q5_K_M) && useMoreBits(layer, layers)) {
            return Q6_K;
        }
        if (is(LlamaFileType.Q4_K_S) && !falcon && layer < layers / 8) {
            return Q5_K;
        }
        if (is(LlamaFileType.Q4_0, LlamaFileType.Q5_0) && hasImatrix && layer < layers / 8) {
            // guards the first ffn_down layers, which go unstable with Q4_0/Q5_0 even with an imatrix
            return is(LlamaFileType.Q4_0) ? Q4_1 : Q5_1;
        }
        return type;
    }

    private GgmlType attentionOutput(GgmlType type) {
        if (model.isFalcon()) {
            return is(LlamaFileType.Q3_K_L) ? Q4_K : type;
        }
        if (model.experts() == 8) {
            boolean bump = is(LlamaFileType.Q2_K, LlamaFileType.IQ3_XS, LlamaFileType.IQ3_XXS, LlamaFileType.Q3_K_S,
                    LlamaFileType.Q3_K_M, LlamaFileType.IQ4_NL, LlamaFileType.Q4_K_S, LlamaFileType.Q4_K_M,
                    LlamaFileType.IQ3_S, LlamaFileType.IQ3_M, LlamaFileType.IQ4_XS);
            return bump ? Q5_K : type;
        }
        if (is(LlamaFileType.Q2_K)) {
            return Q3_K;
        }
        if (is(LlamaFileType.IQ3_XXS)) {
            return IQ3_S;
        }
        if (is(LlamaFileType.Q3_K_M, LlamaFileType.IQ3_M)) {
            return Q4_K;
        }
        if (is(LlamaFileType.Q3_K_L)) {
            return Q5_K;
        }
        return type;
    }

    /**
     * llama.cpp's tensor_type_fallback: rows must be a whole number of blocks. 256-weight types fall back to a
     * 32-weight type of similar size; types without such a partner, and rows that fit no 32-weight block either
     * (stories260K's ffn_down has 172 columns), become F16.
     */
    static GgmlType fitShape(TensorInfo t, GgmlType type) {
        long cols = t.rowLength();
        if (cols % type.blockSize() == 0) {
            return type;
        }
        GgmlType fallback = switch (type) {
            case IQ1_S, IQ1_M, IQ2_XXS, IQ2_XS, IQ2_S, IQ3_XXS, IQ3_S, IQ4_XS -> IQ4_NL;
            case Q2_0, Q2_K, Q3_K, TQ1_0, TQ2_0 -> Q4_0;
            case Q4_K -> Q5_0;
            case Q5_K -> Q5_1;
            case Q6_K -> Q8_0;
            default -> F16;
        };
        return cols % fallback.blockSize() == 0 ? fallback : F16;
    }

    /**
     * The very-low-bit types that are garbage without an importance matrix (never for the embeddings/output);
     * Q2_K only in a Q2_K_S file.
     */
    static boolean requiresImatrix(String name, GgmlType type, LlamaFileType fileType) {
        if (name.equals("token_embd.weight") || name.equals("per_layer_token_embd.weight")
                || name.equals("output.weight")) {
            return false;
        }
        return switch (type) {
            case IQ3_XXS, IQ2_XXS, IQ2_XS, IQ2_S, IQ1_M, IQ1_S -> true;
            case Q2_K -> fileType == LlamaFileType.Q2_K_S;
            default -> false;
        };
    }
}
