package org.slmlab.catalog;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.slmlab.catalog.TensorSpec.Role;
import org.slmlab.gguf.GgmlType;
import org.slmlab.gguf.TensorInfo;
import org.slmlab.quant.LlamaFileType;
import org.slmlab.quant.QuantRecipe;

/**
 * A model of the catalog ({@code datasets/models.json}): the hyperparameters of its config, from which the lab
 * derives everything else — the tensors its GGUF holds, its parameter count, its size class, its KV cache.
 *
 * @param architecture llama.cpp's {@code general.architecture}
 * @param params the parameter count the lab computes from these hyperparameters (kept in the catalog so a
 *     change to either shows up in a test)
 * @param paramsLabel the count as the model's authors state it ("0.6B", "8.03B")
 * @param ropeDim rotated dimensions per head when only part of each head is rotated (Phi-4-mini), else null
 * @param slidingWindow tokens a local (sliding-window) layer attends to, or null when every layer is global
 * @param globalLayerEvery with a sliding window: layer i is global iff (i+1) % globalLayerEvery == 0
 * @param optional true for models kept for comparison but outside the course's list (null = false)
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public record ModelSpec(
        String id,
        String name,
        String family,
        String hfRepo,
        String architecture,
        String license,
        long params,
        String paramsLabel,
        int hiddenSize,
        int layers,
        int heads,
        int kvHeads,
        int headDim,
        int ffnSize,
        int vocabSize,
        boolean tiedEmbeddings,
        int contextLength,
        double rmsNormEps,
        double ropeTheta,
        Integer ropeDim,
        RopeScaling ropeScaling,
        Integer slidingWindow,
        Integer globalLayerEvery,
        Double ropeThetaLocal,
        Integer queryPreAttnScalar,
        Integer ggufTensorCount,
        TokenizerSpec tokenizer,
        Boolean optional) {

    /** RoPE frequency scaling: {@code llama3}, {@code linear} or Phi's {@code longrope}. */
    public record RopeScaling(String type, Double factor, Double lowFreqFactor, Double highFreqFactor,
                              Integer originalContextLength, Double attnFactor) {
    }

    /** The GGUF tokenizer: {@code tokenizer.ggml.model} and {@code tokenizer.ggml.pre}. */
    public record TokenizerSpec(String model, String pre) {
    }

    public boolean isOptional() {
        return Boolean.TRUE.equals(optional);
    }

    public SizeClass sizeClass() {
        return SizeClass.classify(parameterCount());
    }

    /** Learned parameters: every tensor's elements except the precomputed RoPE factor tables. */
    public long parameterCount() {
        return tensors().stream().filter(t -> t.role() != Role.ROPE_FACTORS).mapToLong(TensorSpec::elementCount).sum();
    }

    /** Every element the GGUF file stores (what llama.cpp reports as the model's parameters). */
    public long ggufElementCount() {
        return tensors().stream().mapToLong(TensorSpec::elementCount).sum();
    }

    /** Dimensions rotated by RoPE in each head. */
    public int rotaryDim() {
        return ropeDim != null ? ropeDim : headDim;
    }

    /**
     * The tensors of this model in llama.cpp's load order, each with the type {@code llama-quantize} gives it for
     * {@code fileType} ({@code pure}: one type for every quantizable matrix).
     */
    public List<QuantRecipe.Choice> tensorTypes(LlamaFileType fileType, boolean pure) {
        List<TensorInfo> master = new ArrayList<>();
        for (TensorSpec t : tensors()) {
            master.add(new TensorInfo(t.name(), GgmlType.F32, t.shape(), 0, GgmlType.F32.bytesFor(t.elementCount())));
        }
        return new QuantRecipe(fileType, pure, false, new QuantRecipe.Model(architecture, layers, heads, kvHeads, 0))
                .plan(master);
    }

    /** What the KV cache of this model holds per token and layer. */
    public KvLayout kvLayout() {
        return new KvLayout(layers, kvHeads, headDim, headDim, slidingWindow,
                globalLayerEvery != null ? globalLayerEvery : KvLayout.GEMMA3_PATTERN);
    }

    /** Layer {@code i} attends to the whole context (false: only the last {@link #slidingWindow} tokens). */
    public boolean isGlobalLayer(int i) {
        return kvLayout().isGlobalLayer(i);
    }

    /**
     * Bytes of K and V cached for a context of {@code ctx} tokens, {@code bytesPerElement} each (2 for F16, 4
     * for F32). A sliding-window layer never holds more than its window.
     */
    public long kvCacheBytes(long ctx, int bytesPerElement) {
        return kvLayout().bytes(ctx, bytesPerElement);
    }

    /**
     * The tensors of this model's llama.cpp GGUF, in file order: names, shapes (ggml order, row length first)
     * and roles. Architecture differences are spelled out here, in one place.
     */
    public List<TensorSpec> tensors() {
        long h = hiddenSize;
        long qDim = (long) heads * headDim;
        long kvDim = (long) kvHeads * headDim;
        List<TensorSpec> t = new ArrayList<>();
        t.add(new TensorSpec("token_embd.weight", new long[] {h, vocabSize}, Role.EMBEDDING));
        if (ropeScaling != null && "llama3".equals(ropeScaling.type())) {
            // llama.cpp precomputes Llama 3's frequency scaling into a table of head_dim/2 factors.
            t.add(new TensorSpec("rope_freqs.weight", new long[] {headDim / 2}, Role.ROPE_FACTORS));
        }
        if (ropeScaling != null && "longrope".equals(ropeScaling.type())) {
            t.add(new TensorSpec("rope_factors_long.weight", new long[] {rotaryDim() / 2}, Role.ROPE_FACTORS));
            t.add(new TensorSpec("rope_factors_short.weight", new long[] {rotaryDim() / 2}, Role.ROPE_FACTORS));
        }
        for (int i = 0; i < layers; i++) {
            String p = "blk." + i + ".";
            t.add(new TensorSpec(p + "attn_norm.weight", new long[] {h}, Role.NORM));
            if (architecture.equals("phi3")) {
                // Phi-3 fuses Q, K and V into one matrix: rows Q | K | V.
                t.add(new TensorSpec(p + "attn_qkv.weight", new long[] {h, qDim + 2 * kvDim}, Role.ATTENTION));
            } else {
                t.add(new TensorSpec(p + "attn_q.weight", new long[] {h, qDim}, Role.ATTENTION));
                t.add(new TensorSpec(p + "attn_k.weight", new long[] {h, kvDim}, Role.ATTENTION));
                t.add(new TensorSpec(p + "attn_v.weight", new long[] {h, kvDim}, Role.ATTENTION));
            }
            if (architecture.equals("qwen3") || architecture.equals("gemma3")) {
                // One RMSNorm weight over head_dim, shared by all heads, applied to Q and K before RoPE.
                t.add(new TensorSpec(p + "attn_q_norm.weight", new long[] {headDim}, Role.NORM));
                t.add(new TensorSpec(p + "attn_k_norm.weight", new long[] {headDim}, Role.NORM));
            }
            if (architecture.equals("bitnet")) {
                t.add(new TensorSpec(p + "attn_sub_norm.weight", new long[] {h}, Role.NORM));
            }
            t.add(new TensorSpec(p + "attn_output.weight", new long[] {qDim, h}, Role.ATTENTION));
            if (architecture.equals("gemma3")) {
                t.add(new TensorSpec(p + "post_attention_norm.weight", new long[] {h}, Role.NORM));
            }
            t.add(new TensorSpec(p + "ffn_norm.weight", new long[] {h}, Role.NORM));
            if (architecture.equals("phi3")) {
                // Phi-3 fuses gate and up: the first ffn_size rows are the gate, the rest are up.
                t.add(new TensorSpec(p + "ffn_up.weight", new long[] {h, 2L * ffnSize}, Role.FFN));
            } else {
                t.add(new TensorSpec(p + "ffn_gate.weight", new long[] {h, ffnSize}, Role.FFN));
                t.add(new TensorSpec(p + "ffn_up.weight", new long[] {h, ffnSize}, Role.FFN));
            }
            if (architecture.equals("bitnet")) {
                t.add(new TensorSpec(p + "ffn_sub_norm.weight", new long[] {ffnSize}, Role.NORM));
            }
            t.add(new TensorSpec(p + "ffn_down.weight", new long[] {ffnSize, h}, Role.FFN));
            if (architecture.equals("gemma3")) {
                t.add(new TensorSpec(p + "post_ffw_norm.weight", new long[] {h}, Role.NORM));
            }
        }
        t.add(new TensorSpec("output_norm.weight", new long[] {h}, Role.NORM));
        if (!tiedEmbeddings) {
            t.add(new TensorSpec("output.weight", new long[] {h, vocabSize}, Role.OUTPUT));
        }
        return Collections.unmodifiableList(t);
    }
}
