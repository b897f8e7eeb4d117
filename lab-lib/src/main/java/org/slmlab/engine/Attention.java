package org.slmlab.engine;

import java.util.Arrays;
import org.slmlab.model.ModelConfig;
import org.slmlab.tensor.Softmax;
import org.slmlab.tensor.WorkerPool;

/**
 * Scaled dot-product attention over the KV cache, with grouped-query heads and causal / sliding-window masks.
 *
 * <p>For the query of head {@code h} at position {@code p}: {@code score(j) = scale · q·k_j} for every cached
 * position {@code j ≤ p} (and {@code p - j < window} on sliding-window layers; masked positions get -∞, so
 * their weight is exactly 0), {@code weights = softmax(scores)}, {@code out = Σ weights(j) · v_j}. Query head
 * {@code h} reads key/value head {@code h / groupSize}: in GQA several query heads share one K/V head.
 */
final class Attention {

    private Attention() {
    }

    /**
     * @param pool     null to run on the calling thread (used when an observer wants ordered callbacks)
     * @param q        {@code n} rows of all query heads
     * @param out      {@code n} rows of all heads' outputs ({@code heads × valueHeadDim})
     */
    static void compute(WorkerPool pool, ModelConfig cfg, int layer, KvCache cache, float[] q, int n, int start,
            float scale, float[] out, ForwardObserver observer) {
        int heads = cfg.headCount();
        WorkerPool.RangeTask task = (from, to) -> {
            for (int i = from; i < to; i++) {
                head(cfg, layer, cache, q, start, i / heads, i % heads, scale, out, observer);
            }
        };
        if (pool == null) {
            task.run(0, n * heads);
        } else {
            pool.parallelFor(n * heads, task);
        }
    }

    private static void head(ModelConfig cfg, int layer, KvCache cache, float[] q, int start, int t, int h,
            float scale, float[] out, ForwardObserver observer) {
        int hd = cfg.headDim();
        int vd = cfg.valueHeadDim();
        int kvHead = h / cfg.groupSize();
        int pos = start + t;
        int qOff = t * cfg.queryWidth() + h * hd;
        float[] keys = cache.keys(layer);
        float[] values = cache.values(layer);
        int kw = cfg.keyWidth();
        int vw = cfg.valueWidth();
        // A sliding-window layer sees positions pos-window+1 .. pos; a global layer sees 0 .. pos.
        int first = cfg.isSlidingLayer(layer) ? Math.max(0, pos - cfg.slidingWindow() + 1) : 0;
        float[] scores = new float[pos + 1];
        Arrays.fill(scores, 0, first, Float.NEGATIVE_INFINITY);
        for (int j = first; j <= pos; j++) {
            int kOff = j * kw + kvHead * hd;
            float s = 0f;
            for (int i = 0; i < hd; i++) {
                s += q[qOff + i] * keys[kOff + i];
            }
            scores[j] = s * scale;
        }
        Softmax.apply(scores, pos + 1);
        if (observer != null) {
            observer.attention(layer, h, pos, scores.clone());
        }
        int oOff = t * cfg.headCount() * vd + h * vd;
        for (int j = first; j <= pos; j++) {
            float p = scores[j];
            int vOff = j * vw + kvHead * vd;
            for (int i = 0; i < vd; i++) {
                out[oOff + i] += p * values[vOff + i];
            }
        }
    }
}
