package org.slmlab.engine;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CancellationException;
import org.slmlab.gguf.GgmlType;
import org.slmlab.model.Architecture;
import org.slmlab.model.LayerWeights;
import org.slmlab.model.Linear;
import org.slmlab.model.ModelConfig;
import org.slmlab.model.ModelWeights;
import org.slmlab.tensor.Activations;
import org.slmlab.tensor.MatMul;
import org.slmlab.tensor.Matrix;
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
 *
 * <p>Every step runs on the {@link WorkerPool}: the matrix products over weight rows (Q, K and V together, gate and
 * up together), attention over (token, head) pairs, norms, RoPE and activation quantization over the batch's
 * rows, the FFN non-linearity over elements. Each piece of work is computed the same way whichever thread takes
 * it, so the logits do not depend on the thread count. The intermediate arrays live in {@link ForwardBuffers}
 * and are reused from call to call: a generated token allocates only its logits.
 *
 * <p>Not thread-safe: one forward pass at a time.
 */
public final class Transformer {

    /** Elements per chunk of an element-wise loop: a chunk should be worth more than claiming it. */
    private static final int ELEMENT_GRAIN = 256;

    private final ModelConfig cfg;
    private final ModelWeights w;
    private final WorkerPool pool;
    private final Rope globalRope;
    private final Rope slidingRope;
    private final ForwardBuffers buf;

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
        this.buf = new ForwardBuffers(cfg, w, pool);
    }

    public ModelConfig config() {
        return cfg;
    }

    /** An F32 cache sized for this model. */
    public KvCache newCache(int contextSize) {
        return newCache(contextSize, GgmlType.F32);
    }

    /**
     * A cache sized for this model, storing keys and values as {@code type} (F32 or F16); sliding-window layers
     * keep only their window.
     */
    public KvCache newCache(int contextSize, GgmlType type) {
        int[] windows = new int[cfg.blockCount()];
        for (int l = 0; l < windows.length; l++) {
            windows[l] = cfg.isSlidingLayer(l) ? cfg.slidingWindow() : 0;
        }
        return new KvCache(cfg.blockCount(), cfg.keyWidth(), cfg.valueWidth(), contextSize, type, windows);
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
        cache.checkIntact();
        cache.ensure(start + n);
        buf.ensure(n);
        int d = cfg.embeddingLength();
        float[] x = buf.x;
        embed(tokens, start, x, observer);
        globalRope.angles(start, n, buf.globalAngles);
        slidingRope.angles(start, n, buf.slidingAngles);
        for (int l = 0; l < cfg.blockCount(); l++) {
            if (Thread.currentThread().isInterrupted()) {
                // A notebook's Interrupt (any Thread.interrupt) stops a long prompt between layers. The cache
                // stays consistent: its length only advances after the last layer (but see KvCache.checkIntact).
                throw new CancellationException("the forward pass was interrupted before layer " + l);
            }
            LayerWeights lw = w.layers().get(l);
            add(x, attentionBlock(l, lw, cache, x, n, start, observer), n * d);
            add(x, feedForwardBlock(lw, x, n, start, observer), n * d);
            if (observer != null) {
                for (int t = 0; t < n; t++) {
                    observer.layerOutput(l, start + t, Arrays.copyOfRange(x, t * d, (t + 1) * d));
                }
            }
        }
        cache.setLength(start + n);
        int first = allLogits ? 0 : n - 1;
        return logits(x, first, n - first, start + first, observer);
    }

    /** Final norm and vocabulary projection of {@code count} residual rows (the logit lens, for any layer). */
    public float[] logitsOf(float[] residualRows, int count) {
        buf.ensure(count);
        return logits(residualRows, 0, count, 0, null);
    }

    private float[] logits(float[] residual, int firstRow, int count, int firstPos, ForwardObserver observer) {
        int d = cfg.embeddingLength();
        float[] h = buf.h;
        normRows(residual, firstRow * d, h, count, d, w.outputNorm());
        float[] logits = new float[count * w.output().outputs()];
        project(rounded(buf.normed, h, count, d, w.output(), firstPos, observer), new Linear[] {w.output()},
                new float[][] {logits});
        float cap = cfg.finalLogitSoftcap();
        if (cap > 0) {
            for (int i = 0; i < logits.length; i++) {
                logits[i] = (float) Math.tanh(logits[i] / cap) * cap;
            }
        }
        return logits;
    }

    private void embed(int[] tokens, int start, float[] x, ForwardObserver observer) {
        int d = cfg.embeddingLength();
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
                observer.embedding(start + t, id, Arrays.copyOfRange(x, t * d, (t + 1) * d));
            }
        }
    }

    private float[] attentionBlock(int layer, LayerWeights lw, KvCache cache, float[] x, int n, int start,
            ForwardObserver observer) {
        int d = cfg.embeddingLength();
        int hd = cfg.headDim();
        float[] q = buf.q;
        float[] k = buf.k;
        float[] v = buf.v;
        normRows(x, 0, buf.h, n, d, lw.attnNorm());
        project(rounded(buf.normed, buf.h, n, d, lw.wq(), start, observer), new Linear[] {lw.wq(), lw.wk(), lw.wv()},
                new float[][] {q, k, v});
        Rope rope = cfg.isSlidingLayer(layer) ? slidingRope : globalRope;
        float[] angles = cfg.isSlidingLayer(layer) ? buf.slidingAngles : buf.globalAngles;
        boolean preScaled = cfg.architecture().scalesQueryBeforeAttention();
        int qw = cfg.queryWidth();
        int kw = cfg.keyWidth();
        pool.parallelFor(n, (from, to) -> {
            for (int t = from; t < to; t++) {
                if (lw.qNorm() != null) {
                    RmsNorm.applyRows(q, t * qw, cfg.headCount(), hd, lw.qNorm(), cfg.rmsEps());
                    RmsNorm.applyRows(k, t * kw, cfg.headCountKv(), hd, lw.kNorm(), cfg.rmsEps());
                }
                rope.rotate(q, t * qw, cfg.headCount(), hd, angles, t * cfg.ropeDims());
                rope.rotate(k, t * kw, cfg.headCountKv(), hd, angles, t * cfg.ropeDims());
                if (preScaled) {
                    for (int i = t * qw; i < (t + 1) * qw; i++) {
                        q[i] *= cfg.attentionScale();
                    }
                }
            }
        });
        // An F16 cache: K and V are rounded as stored, and Q as ggml's K·Q product rounds it (to K's type).
        cache.roundLikeStorage(q, n * qw);
        cache.roundLikeStorage(k, n * kw);
        cache.roundLikeStorage(v, n * cfg.valueWidth());
        int outWidth = cfg.headCount() * cfg.valueHeadDim();
        float[] out = buf.attnOut;
        Arrays.fill(out, 0, n * outWidth, 0f);
        Attention.compute(observer == null ? pool : null, cfg, layer, cache, q, k, buf.keysTransposed, v, n, start,
                preScaled ? 1f : cfg.attentionScale(), out, observer);
        cache.store(layer, start, n, k, v);
        if (lw.attnSubNorm() != null) {
            normRows(out, 0, out, n, outWidth, lw.attnSubNorm());
        }
        float[] o = buf.proj;
        project(rounded(buf.attended, out, n, outWidth, lw.wo(), start, observer), new Linear[] {lw.wo()},
                new float[][] {o});
        if (lw.postAttentionNorm() != null) {
            normRows(o, 0, o, n, d, lw.postAttentionNorm());
        }
        return o;
    }

    private float[] feedForwardBlock(LayerWeights lw, float[] x, int n, int start, ForwardObserver observer) {
        int d = cfg.embeddingLength();
        normRows(x, 0, buf.h, n, d, lw.ffnNorm());
        float[] gate = buf.gate;
        float[] up = buf.up;
        project(rounded(buf.normed, buf.h, n, d, lw.gate(), start, observer), new Linear[] {lw.gate(), lw.up()},
                new float[][] {gate, up});
        int ff = lw.gate().outputs();
        var activation = cfg.activation();
        pool.parallelFor(n * ff, ELEMENT_GRAIN, (from, to) -> {
            switch (activation) {
                case SILU -> Activations.swiGlu(gate, up, from, to, ff);
                case GELU_TANH -> {
                    for (int i = from; i < to; i++) {
                        gate[i] = Activations.geluTanh(gate[i]) * up[i];
                    }
                }
                case RELU_SQUARED -> {
                    for (int i = from; i < to; i++) {
                        gate[i] = Activations.reluSquared(gate[i]) * up[i];
                    }
                }
            }
        });
        if (lw.ffnSubNorm() != null) {
            normRows(gate, 0, gate, n, ff, lw.ffnSubNorm());
        }
        float[] down = buf.proj;
        project(rounded(buf.hidden, gate, n, ff, lw.down(), start, observer), new Linear[] {lw.down()},
                new float[][] {down});
        if (lw.postFfnNorm() != null) {
            normRows(down, 0, down, n, d, lw.postFfnNorm());
        }
        return down;
    }

    /** RMSNorm of {@code n} rows of {@code width} from {@code src[srcOff..]} into {@code dst[0..]}, in parallel. */
    private void normRows(float[] src, int srcOff, float[] dst, int n, int width, float[] weight) {
        pool.parallelFor(n, (from, to) -> {
            for (int t = from; t < to; t++) {
                RmsNorm.apply(src, srcOff + t * width, weight, dst, t * width, width, cfg.rmsEps());
            }
        });
    }

    /**
     * {@code slot} holding {@code n} rows of {@code rows}, shown to the observer first: they are about to be rounded
     * to the format of {@code consumer} (the first matrix that reads them).
     */
    private static QuantizedActivations rounded(QuantizedActivations slot, float[] rows, int n, int cols,
            Linear consumer, int firstPos, ForwardObserver observer) {
        if (observer != null) {
            observer.beforeRounding(consumer.weight().name(), consumer.weight().vecDotType(), firstPos, rows, n, cols);
        }
        return slot.wrap(rows, n, cols);
    }

    /** {@code outs[m] = in · lins[m]} (scale and bias included); the products share one parallel loop. */
    private void project(QuantizedActivations in, Linear[] lins, float[][] outs) {
        Matrix[] ms = new Matrix[lins.length];
        for (int m = 0; m < lins.length; m++) {
            ms[m] = lins[m].weight();
        }
        MatMul.multiply(pool, in, ms, outs);
        for (int m = 0; m < lins.length; m++) {
            Linear lin = lins[m];
            float[] out = outs[m];
            int rows = lin.outputs();
            int size = in.count() * rows;
            if (lin.scale() != 1f) {
                for (int i = 0; i < size; i++) {
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
        }
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
