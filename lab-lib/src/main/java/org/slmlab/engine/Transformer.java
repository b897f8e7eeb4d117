package org.slmlab.engine;

import java.util.List;
import java.util.concurrent.CancellationException;
import org.slmlab.model.Architecture;
import org.slmlab.model.LayerWeights;
import org.slmlab.model.Linear;
import org.slmlab.model.ModelConfig;
import org.slmlab.model.ModelWeights;
import org.slmlab.tensor.Activations;
import org.slmlab.tensor.MatMul;
import org.slmlab.tensor.QuantizedActivations;
import org.slmlab.tensor.RmsNorm;
import org.slmlab.tensor.Rope;
import org.slmlab.tensor.WorkerPool;

/**
 * The forward pass: token ids in, logits out, for every family in {@link Architecture}.
 *
 * <p>It processes a batch of consecutive tokens at once — the whole prompt during prompt processing, one token
 * during generation — so every weight matrix is read once per batch (matrix-matrix work) instead of once per
 * token. Keys and values go to a {@link KvCache}; attention of a token sees the cached positions before it
 * (causal mask), and on sliding-window layers only the last {@code sliding_window} of them.
 *
 * <p>Each step mirrors a node of llama.cpp's graph for the family, in the same order, so the numbers round the
 * same way: see the family notes in {@link Architecture}.
 */
public final class Transformer {

    private final ModelConfig cfg;
    private final ModelWeights w;
    private final WorkerPool pool;
    private final Rope globalRope;
    private final Rope slidingRope;

    /**
     * @param contextSize the context the caller will use: Phi-3 LongRoPE picks its long factors beyond the
     *                    original training context, as llama.cpp does
     */
    public Transformer(ModelConfig cfg, ModelWeights w, WorkerPool pool, int contextSize) {
        this.cfg = cfg;
        this.w = w;
        this.pool = pool;
        float[] factors = w.ropeFreqFactors();
        if (w.ropeFactorsShort() != null || w.ropeFactorsLong() != null) {
            factors = contextSize > cfg.ropeOriginalContext() && w.ropeFactorsLong() != null
                    ? w.ropeFactorsLong() : w.ropeFactorsShort();
        }
        var style = cfg.architecture().ropeStyle();
        this.globalRope = new Rope(style, cfg.ropeDims(), cfg.ropeBase(), cfg.ropeFreqScale(), cfg.ropeAttnFactor(),
                factors);
        this.slidingRope = new Rope(style, cfg.ropeDims(), cfg.swaRopeBase(), 1f, cfg.ropeAttnFactor(), factors);
    }

    public ModelConfig config() {
        return cfg;
    }

    /** A cache sized for this model. */
    public KvCache newCache(int contextSize) {
        return new KvCache(cfg.blockCount(), cfg.keyWidth(), cfg.valueWidth(), contextSize);
    }

    /**
     * Runs {@code tokens} at the next positions of {@code cache} and appends their keys and values to it.
     *
     * @param allLogits true: logits of every token ({@code tokens.length × vocab}); false: of the last one only
     * @param observer  may be null
     */
    public float[] forward(KvCache cache, int[] tokens, boolean allLogits, ForwardObserver observer) {
        int n = tokens.length;
        int start = cache.length();
        cache.ensure(start + n);
        int d = cfg.embeddingLength();
        float[] x = embed(tokens, start, observer);
        for (int l = 0; l < cfg.blockCount(); l++) {
            if (Thread.currentThread().isInterrupted()) {
                // A notebook's Interrupt (any Thread.interrupt) stops a long prompt between layers. The cache
                // stays consistent: its length only advances after the last layer.
                throw new CancellationException("the forward pass was interrupted before layer " + l);
            }
            LayerWeights lw = w.layers().get(l);
            float[] attn = attentionBlock(l, lw, cache, x, n, start, observer);
            add(x, attn, n * d);
            float[] ffn = feedForwardBlock(lw, x, n);
            add(x, ffn, n * d);
            if (observer != null) {
                for (int t = 0; t < n; t++) {
                    observer.layerOutput(l, start + t, java.util.Arrays.copyOfRange(x, t * d, (t + 1) * d));
                }
            }
        }
        cache.setLength(start + n);
        int first = allLogits ? 0 : n - 1;
        float[] rows = java.util.Arrays.copyOfRange(x, first * d, n * d);
        return logitsOf(rows, n - first);
    }

    /** Final norm and vocabulary projection of {@code count} residual rows (the logit lens, for any layer). */
    public float[] logitsOf(float[] residualRows, int count) {
        int d = cfg.embeddingLength();
        float[] h = residualRows.clone();
        RmsNorm.applyRows(h, count, d, w.outputNorm(), cfg.rmsEps());
        float[] logits = project(w.output(), new QuantizedActivations(h, count, d));
        float cap = cfg.finalLogitSoftcap();
        if (cap > 0) {
            for (int i = 0; i < logits.length; i++) {
                logits[i] = (float) Math.tanh(logits[i] / cap) * cap;
            }
        }
        return logits;
    }

    private float[] embed(int[] tokens, int start, ForwardObserver observer) {
        int d = cfg.embeddingLength();
        float[] x = new float[tokens.length * d];
        // Gemma: embeddings times sqrt(n_embd), a float as in llama.cpp's ggml_scale(inpL, sqrtf(n_embd)).
        float scale = cfg.architecture().scalesEmbeddings() ? (float) Math.sqrt(d) : 1f;
        for (int t = 0; t < tokens.length; t++) {
            int id = tokens[t];
            if (id < 0 || id >= cfg.vocabSize()) {
                throw new IllegalArgumentException("token id " + id + " outside the vocabulary [0, "
                        + cfg.vocabSize() + ")");
            }
            w.tokenEmbedding().dequantizeRow(id, x, t * d);
            if (scale != 1f) {
                for (int i = t * d; i < (t + 1) * d; i++) {
                    x[i] *= scale;
                }
            }
            if (observer != null) {
                observer.embedding(start + t, id, java.util.Arrays.copyOfRange(x, t * d, (t + 1) * d));
            }
        }
        return x;
    }

    private float[] attentionBlock(int layer, LayerWeights lw, KvCache cache, float[] x, int n, int start,
            ForwardObserver observer) {
        int d = cfg.embeddingLength();
        int hd = cfg.headDim();
        float[] h = normRows(x, n, d, lw.attnNorm());
        var in = new QuantizedActivations(h, n, d);
        float[] q = project(lw.wq(), in);
        float[] k = project(lw.wk(), in);
        float[] v = project(lw.wv(), in);
        if (lw.qNorm() != null) {
            RmsNorm.applyRows(q, n * cfg.headCount(), hd, lw.qNorm(), cfg.rmsEps());
            RmsNorm.applyRows(k, n * cfg.headCountKv(), hd, lw.kNorm(), cfg.rmsEps());
        }
        Rope rope = cfg.isSlidingLayer(layer) ? slidingRope : globalRope;
        for (int t = 0; t < n; t++) {
            float[] angles = rope.angles(start + t);
            rope.rotate(q, t * cfg.queryWidth(), cfg.headCount(), hd, angles);
            rope.rotate(k, t * cfg.keyWidth(), cfg.headCountKv(), hd, angles);
        }
        boolean preScaled = cfg.architecture().scalesQueryBeforeAttention();
        if (preScaled) {
            for (int i = 0; i < q.length; i++) {
                q[i] *= cfg.attentionScale();
            }
        }
        cache.store(layer, start, n, k, v);
        float[] out = new float[n * cfg.headCount() * cfg.valueHeadDim()];
        Attention.compute(observer == null ? pool : null, cfg, layer, cache, q, n, start,
                preScaled ? 1f : cfg.attentionScale(), out, observer);
        if (lw.attnSubNorm() != null) {
            RmsNorm.applyRows(out, n, out.length / n, lw.attnSubNorm(), cfg.rmsEps());
        }
        float[] o = project(lw.wo(), new QuantizedActivations(out, n, out.length / n));
        if (lw.postAttentionNorm() != null) {
            RmsNorm.applyRows(o, n, d, lw.postAttentionNorm(), cfg.rmsEps());
        }
        return o;
    }

    private float[] feedForwardBlock(LayerWeights lw, float[] x, int n) {
        int d = cfg.embeddingLength();
        float[] h = normRows(x, n, d, lw.ffnNorm());
        var in = new QuantizedActivations(h, n, d);
        float[] gate = project(lw.gate(), in);
        float[] up = project(lw.up(), in);
        int ff = lw.gate().outputs();
        for (int i = 0; i < gate.length; i++) {
            float g = gate[i];
            float a = switch (cfg.activation()) {
                case SILU -> Activations.silu(g);
                case GELU_TANH -> Activations.geluTanh(g);
                case RELU_SQUARED -> Activations.reluSquared(g);
            };
            gate[i] = a * up[i];
        }
        if (lw.ffnSubNorm() != null) {
            RmsNorm.applyRows(gate, n, ff, lw.ffnSubNorm(), cfg.rmsEps());
        }
        float[] down = project(lw.down(), new QuantizedActivations(gate, n, ff));
        if (lw.postFfnNorm() != null) {
            RmsNorm.applyRows(down, n, d, lw.postFfnNorm(), cfg.rmsEps());
        }
        return down;
    }

    private float[] normRows(float[] x, int n, int width, float[] weight) {
        float[] h = new float[n * width];
        for (int t = 0; t < n; t++) {
            RmsNorm.apply(x, t * width, weight, h, t * width, width, cfg.rmsEps());
        }
        return h;
    }

    private float[] project(Linear lin, QuantizedActivations in) {
        int rows = lin.outputs();
        float[] out = new float[in.count() * rows];
        MatMul.multiply(pool, lin.weight(), in, out);
        if (lin.scale() != 1f) {
            for (int i = 0; i < out.length; i++) {
                out[i] *= lin.scale();
            }
        }
        if (lin.bias() != null) {
            for (int t = 0; t < in.count(); t++) {
                for (int r = 0; r < rows; r++) {
                    out[t * rows + r] += lin.bias()[r];
                }
            }
        }
        return out;
    }

    private static void add(float[] x, float[] y, int n) {
        for (int i = 0; i < n; i++) {
            x[i] += y[i];
        }
    }

    /** The layers' weights, for tools that inspect them. */
    public List<LayerWeights> layers() {
        return w.layers();
    }
}
