package org.slmlab.engine;

import org.slmlab.gguf.GgmlType;
import org.slmlab.model.ModelConfig;
import org.slmlab.quant.GgmlSum;
import org.slmlab.tensor.GgmlExp;
import org.slmlab.tensor.Softmax;
import org.slmlab.tensor.WorkerPool;

/**
 * Scaled dot-product attention over the KV cache, with grouped-query heads and causal / sliding-window masks.
 *
 * <p>For the query of head {@code h} at position {@code p}: {@code score(j) = scale · q·k_j} for every position
 * {@code j ≤ p} (and {@code p - j < window} on sliding-window layers; masked positions get weight exactly 0, so
 * they are skipped), {@code weights = softmax(scores)}, {@code out = Σ weights(j) · v_j}. Query head {@code h}
 * reads key/value head {@code h / groupSize}: in GQA several query heads share one K/V head.
 *
 * <p>Positions before the batch come from the cache; the batch's own keys and values are read from the batch
 * (the caller stores them in the cache afterwards, and a sliding-window layer's ring could not hold a whole long
 * prompt at once). The batch's keys are first transposed like the cache's (see {@link KvCache}), so that
 * {@link AttentionKernels} reads both the same way.
 *
 * <p>With an F16 cache, ggml's {@code mul_mat} semantics round the other operand to F16 as well: the query
 * before {@code K·q} (the caller does that), and the attention weights before {@code V·weights} (done here).
 */
final class Attention {

    /** A thread's working arrays for one head, grown to the longest sequence and widest head seen. */
    private static final class Scratch {
        float[] scores = new float[256];
        float[] acc = new float[0];
        float[] lanes = new float[0];

        Scratch fit(int positions, int width) {
            if (scores.length < positions) {
                scores = new float[positions];
            }
            if (acc.length < width) {
                acc = new float[width];
                lanes = new float[GgmlSum.LANES * width];
            }
            return this;
        }
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private Attention() {
    }

    /**
     * @param pool null to run on the calling thread (used when an observer wants ordered callbacks)
     * @param q    {@code n} rows of all query heads
     * @param k    {@code n} rows of the batch's keys, rounded like the cache stores them
     * @param kT   room for {@code n × keyWidth} numbers: the batch's keys, transposed
     * @param v    {@code n} rows of the batch's values, rounded likewise
     * @param out  {@code n} rows of all heads' outputs ({@code heads × valueHeadDim}); zero on entry
     */
    static void compute(WorkerPool pool, ModelConfig cfg, int layer, KvCache cache, float[] q, float[] k, float[] kT,
            float[] v, int n, int start, float scale, float[] out, ForwardObserver observer) {
        int heads = cfg.headCount();
        int kw = cfg.keyWidth();
        // Laid out like the cache's keys with n rows: number c of token t's key at c·n + t.
        for (int t = 0; t < n; t++) {
            for (int c = 0; c < kw; c++) {
                kT[c * n + t] = k[t * kw + c];
            }
        }
        WorkerPool.RangeTask task = (from, to) -> {
            Scratch scratch = SCRATCH.get().fit(start + n, Math.max(cfg.headDim(), cfg.valueHeadDim()));
            for (int i = from; i < to; i++) {
                head(cfg, layer, cache, q, kT, v, n, start, i / heads, i % heads, scale, out, observer, scratch);
            }
        };
        if (pool == null) {
            task.run(0, n * heads);
        } else {
            pool.parallelFor(n * heads, task);
        }
    }

    /**
     * Head {@code h} of batch token {@code t}. The positions it sees are {@code first .. pos}: the first
     * {@code cached} of them are in the cache, in at most two runs of rows (a ring wraps around once), the rest
     * are the batch's rows {@code fresh0 ..}.
     */
    private static void head(ModelConfig cfg, int layer, KvCache cache, float[] q, float[] kT, float[] v, int n,
            int start, int t, int h, float scale, float[] out, ForwardObserver observer, Scratch scratch) {
        float[] scores = scratch.scores;
        int hd = cfg.headDim();
        int vd = cfg.valueHeadDim();
        int vw = cfg.valueWidth();
        int kCol = h / cfg.groupSize() * hd;
        int vCol = h / cfg.groupSize() * vd;
        int pos = start + t;
        int qOff = t * cfg.queryWidth() + h * hd;
        // A sliding-window layer sees positions pos-window+1 .. pos; a global layer sees 0 .. pos.
        int first = cfg.isSlidingLayer(layer) ? Math.max(0, pos - cfg.slidingWindow() + 1) : 0;
        int count = pos + 1 - first;
        int cached = Math.max(0, start - first);
        int fresh = count - cached;
        int fresh0 = first + cached - start;
        int stride = cache.rows(layer);
        int r0 = cached > 0 ? cache.row(layer, first) : 0;
        int beforeWrap = Math.min(cached, stride - r0);
        boolean f32 = cache.type() == GgmlType.F32;

        if (f32) {
            AttentionKernels.dots(q, qOff, cache.keys(layer), stride, kCol, r0, beforeWrap, hd, scores, 0);
            AttentionKernels.dots(q, qOff, cache.keys(layer), stride, kCol, 0, cached - beforeWrap, hd, scores,
                    beforeWrap);
        } else {
            AttentionKernels.dotsHalf(q, qOff, cache.halfKeys(layer), stride, kCol, r0, beforeWrap, hd, scores, 0);
            AttentionKernels.dotsHalf(q, qOff, cache.halfKeys(layer), stride, kCol, 0, cached - beforeWrap, hd,
                    scores, beforeWrap);
        }
        AttentionKernels.dots(q, qOff, kT, n, kCol, fresh0, fresh, hd, scores, cached);
        for (int j = 0; j < count; j++) {
            scores[j] *= scale;
        }
        if (observer != null) {
            float[] all = new float[pos + 1];
            java.util.Arrays.fill(all, 0, first, Float.NEGATIVE_INFINITY); // masked: weight 0
            System.arraycopy(scores, 0, all, first, count);
            Softmax.apply(all, pos + 1, 0, kvViewLength(pos));
            observer.attention(layer, h, pos, all);
        }
        int oOff = t * cfg.headCount() * vd + h * vd;
        if (!f32) {
            halfAccumulate(cache, layer, v, start, first, pos, vCol, vw, scores, scratch.acc, out, oOff, vd);
            return;
        }
        Softmax.apply(scores, count, first, kvViewLength(pos));
        // Each position's share goes to the lane of its position mod 16 (see AttentionKernels), then the lanes are
        // reduced into the output.
        float[] values = cache.values(layer);
        float[] lanes = scratch.lanes;
        java.util.Arrays.fill(lanes, 0, GgmlSum.LANES * vd, 0f);
        AttentionKernels.weightedSum(scores, 0, values, vw, vCol, r0, beforeWrap, vd, lanes, first);
        AttentionKernels.weightedSum(scores, beforeWrap, values, vw, vCol, 0, cached - beforeWrap, vd, lanes,
                first + beforeWrap);
        AttentionKernels.weightedSum(scores, cached, v, vw, vCol, fresh0, fresh, vd, lanes, first + cached);
        AttentionKernels.reduceLanes(lanes, vd, out, oOff);
    }

    /**
     * The length of llama.cpp's view of the KV cache when position {@code pos} is the last one filled: the cells
     * in use rounded up to a multiple of 16 (llama.cpp pads to 32 or 256; only the multiple of 16 matters to
     * {@link Softmax}).
     */
    private static int kvViewLength(int pos) {
        return (pos + GgmlSum.LANES) / GgmlSum.LANES * GgmlSum.LANES;
    }

    /**
     * Softmax and weighted sum of the values as llama.cpp's default F16-cache attention computes them (ggml's CPU
     * {@code flash_attn_ext}): one pass over the positions with a running maximum M and sum S, and the output
     * accumulated <em>in F16</em> — each step rounds {@code acc·e^(M_old−M)} and {@code acc + e^(s−M)·v} (one fused
     * multiply-add) to half precision — divided by S at the end. The F16 accumulator, not the F16 storage, is most
     * of the difference between llama.cpp's F16-cache and F32-cache logits, so it is reproduced step by step.
     */
    private static void halfAccumulate(KvCache cache, int layer, float[] v, int start, int first, int pos, int vCol,
            int vw, float[] scores, float[] acc, float[] out, int oOff, int vd) {
        java.util.Arrays.fill(acc, 0, vd, 0f);
        float max = Float.NEGATIVE_INFINITY;
        float sum = 0f;
        for (int j = first; j <= pos; j++) {
            float s = scores[j - first];
            float ms = 1f;
            float vs = 1f;
            if (s > max) {
                ms = GgmlExp.scalar(max - s);
                max = s;
                for (int i = 0; i < vd; i++) {
                    acc[i] = toHalf(acc[i] * ms);
                }
            } else {
                vs = GgmlExp.scalar(s - max);
            }
            if (j < start) {
                cache.fmaValueHalf(layer, j, vCol, vs, acc, vd);
            } else {
                int vOff = (j - start) * vw + vCol;
                for (int i = 0; i < vd; i++) {
                    acc[i] = toHalf(Math.fma(v[vOff + i], vs, acc[i]));
                }
            }
            sum = sum * ms + vs;
        }
        float inv = sum == 0f ? 0f : 1f / sum;
        for (int i = 0; i < vd; i++) {
            out[oOff + i] = acc[i] * inv;
        }
    }

    static float toHalf(float x) {
        return Float.float16ToFloat(Float.floatToFloat16(x));
    }
}
