package org.slmlab.model;

import java.util.ArrayList;
import java.util.List;
import org.slmlab.gguf.GGUFFile;
import org.slmlab.gguf.GgmlType;
import org.slmlab.gguf.LittleEndian;
import org.slmlab.gguf.TensorInfo;
import org.slmlab.quant.Codecs;
import org.slmlab.tensor.Matrix;

/**
 * Finds a model's tensors in a GGUF file by their llama.cpp names ({@code blk.N.attn_q.weight}, …), checks
 * their shapes against the {@link ModelConfig}, and wraps them as memory-mapped {@link Matrix} views.
 */
public final class WeightLoader {

    private final GGUFFile file;
    private final ModelConfig cfg;

    private WeightLoader(GGUFFile file, ModelConfig cfg) {
        this.file = file;
        this.cfg = cfg;
    }

    public static ModelWeights load(GGUFFile file, ModelConfig cfg) {
        return new WeightLoader(file, cfg).load();
    }

    private ModelWeights load() {
        int d = cfg.embeddingLength();
        Matrix embd = matrix("token_embd.weight", cfg.vocabSize(), d);
        Linear output = !cfg.architecture().alwaysTiesOutput() && file.hasTensor("output.weight")
                ? linear("output", cfg.vocabSize(), d) : Linear.of(embd);
        List<LayerWeights> layers = new ArrayList<>();
        for (int l = 0; l < cfg.blockCount(); l++) {
            layers.add(layer(l));
        }
        int pairs = cfg.ropeDims() / 2;
        return new ModelWeights(embd, vector("output_norm.weight", d), output,
                optionalVector("rope_freqs.weight", pairs), optionalVector("rope_factors_short.weight", pairs),
                optionalVector("rope_factors_long.weight", pairs), List.copyOf(layers));
    }

    private LayerWeights layer(int l) {
        Architecture arch = cfg.architecture();
        String p = "blk." + l + ".";
        int d = cfg.embeddingLength();
        int ff = cfg.feedForwardLength();
        Linear wq;
        Linear wk;
        Linear wv;
        if (file.hasTensor(p + "attn_qkv.weight")) {
            // Phi-3: one matrix whose rows are Q, then K, then V.
            Matrix qkv = matrix(p + "attn_qkv.weight", cfg.queryWidth() + cfg.keyWidth() + cfg.valueWidth(), d);
            wq = Linear.of(qkv.rowSlice(p + "attn_q(qkv)", 0, cfg.queryWidth()));
            wk = Linear.of(qkv.rowSlice(p + "attn_k(qkv)", cfg.queryWidth(), cfg.keyWidth()));
            wv = Linear.of(qkv.rowSlice(p + "attn_v(qkv)", cfg.queryWidth() + cfg.keyWidth(), cfg.valueWidth()));
        } else {
            wq = linear(p + "attn_q", cfg.queryWidth(), d);
            wk = linear(p + "attn_k", cfg.keyWidth(), d);
            wv = linear(p + "attn_v", cfg.valueWidth(), d);
        }
        Linear gate;
        Linear up;
        if (file.hasTensor(p + "ffn_gate.weight")) {
            gate = linear(p + "ffn_gate", ff, d);
            up = linear(p + "ffn_up", ff, d);
        } else {
            // Phi-3: ffn_up holds 2·n_ff rows, the gate's first, then up's.
            Matrix fused = matrix(p + "ffn_up.weight", 2 * ff, d);
            gate = Linear.of(fused.rowSlice(p + "ffn_gate(up)", 0, ff));
            up = Linear.of(fused.rowSlice(p + "ffn_up(up)", ff, ff));
        }
        boolean qk = arch.normalizesQueryKeyHeads();
        boolean post = arch.hasPostNorms();
        boolean sub = arch.hasSubNorms();
        return new LayerWeights(
                vector(p + "attn_norm.weight", d),
                wq, wk, wv,
                qk ? vector(p + "attn_q_norm.weight", cfg.headDim()) : null,
                qk ? vector(p + "attn_k_norm.weight", cfg.headDim()) : null,
                sub ? vector(p + "attn_sub_norm.weight", cfg.queryWidth()) : null,
                linear(p + "attn_output", d, cfg.headCount() * cfg.valueHeadDim()),
                post ? vector(p + "post_attention_norm.weight", d) : null,
                vector(p + "ffn_norm.weight", d),
                gate, up,
                sub ? vector(p + "ffn_sub_norm.weight", ff) : null,
                linear(p + "ffn_down", d, ff),
                post ? vector(p + "post_ffw_norm.weight", d) : null);
    }

    /** {@code name.weight} with its optional {@code name.bias} and {@code name.scale}. */
    private Linear linear(String name, int rows, int cols) {
        Matrix w = matrix(name + ".weight", rows, cols);
        float[] bias = optionalVector(name + ".bias", rows);
        float[] scale = optionalVector(name + ".scale", 1);
        return new Linear(w, bias, scale == null ? 1f : scale[0]);
    }

    private Matrix matrix(String name, int rows, int cols) {
        TensorInfo t = require(name);
        if (t.ne(0) != cols || t.rows() != rows) {
            throw new IllegalArgumentException(file.path() + ": tensor " + name + " has shape "
                    + java.util.Arrays.toString(t.shape()) + ", expected [" + cols + ", " + rows + "]");
        }
        if (!Codecs.supports(t.type())) {
            throw new UnsupportedOperationException(file.path() + ": tensor " + name + " is " + t.type()
                    + ", which this version of SLM Lab has no codec for");
        }
        return new Matrix(name, t.type(), rows, cols, file.tensorData(t));
    }

    private float[] vector(String name, int length) {
        TensorInfo t = require(name);
        if (t.elementCount() != length) {
            throw new IllegalArgumentException(file.path() + ": tensor " + name + " has " + t.elementCount()
                    + " elements, expected " + length);
        }
        float[] v = new float[length];
        if (t.type() == GgmlType.F32) {
            var seg = file.tensorData(t);
            for (int i = 0; i < length; i++) {
                v[i] = seg.getAtIndex(LittleEndian.FLOAT, i);
            }
        } else {
            Codecs.of(t.type()).dequantize(file.tensorData(t), 0, v, 0, length);
        }
        return v;
    }

    private float[] optionalVector(String name, int length) {
        return file.hasTensor(name) ? vector(name, length) : null;
    }

    private TensorInfo require(String name) {
        return file.findTensor(name).orElseThrow(() -> new IllegalArgumentException(file.path() + ": tensor '"
                + name + "' is missing (a " + cfg.architecture().ggufNames().get(0) + " model needs it)"));
    }
}
