package org.slmlab.engine;

import org.slmlab.model.LayerWeights;
import org.slmlab.model.ModelConfig;
import org.slmlab.model.ModelWeights;
import org.slmlab.tensor.QuantizedActivations;
import org.slmlab.tensor.WorkerPool;

/**
 * The working arrays of {@link Transformer#forward}, sized for the largest batch seen so far and reused by every
 * later call: generating a token then allocates nothing but its logits, and the garbage collector stays idle.
 * A batch of {@code n} tokens uses the first {@code n} rows of each array.
 */
final class ForwardBuffers {

    private final ModelConfig cfg;
    private final int ffWidth;
    private int rows;

    /** The residual stream. */
    float[] x;
    /** A normalised copy of the residual: the input of the Q/K/V, gate/up and output projections. */
    float[] h;
    float[] q;
    float[] k;
    float[] v;
    /** The batch's keys transposed, as {@link KvCache} stores keys: attention's working copy. */
    float[] keysTransposed;
    /** All heads' attention outputs, the input of the output projection. */
    float[] attnOut;
    /** The output of the attention block's and the FFN's last projection. */
    float[] proj;
    float[] gate;
    float[] up;
    /** RoPE's cos/sin of each batch position, for global and for sliding-window layers. */
    float[] globalAngles;
    float[] slidingAngles;

    /** The projections' inputs in their {@code vec_dot} formats (buffers reused, conversions parallel). */
    final QuantizedActivations normed;
    final QuantizedActivations attended;
    final QuantizedActivations hidden;

    ForwardBuffers(ModelConfig cfg, ModelWeights w, WorkerPool pool) {
        this.cfg = cfg;
        int ff = 0;
        for (LayerWeights lw : w.layers()) {
            ff = Math.max(ff, lw.gate().outputs());
        }
        this.ffWidth = ff;
        this.normed = new QuantizedActivations(pool);
        this.attended = new QuantizedActivations(pool);
        this.hidden = new QuantizedActivations(pool);
    }

    /** Makes every array hold at least {@code n} rows. */
    void ensure(int n) {
        if (n <= rows) {
            return;
        }
        int d = cfg.embeddingLength();
        x = new float[n * d];
        h = new float[n * d];
        q = new float[n * cfg.queryWidth()];
        k = new float[n * cfg.keyWidth()];
        v = new float[n * cfg.valueWidth()];
        keysTransposed = new float[n * cfg.keyWidth()];
        attnOut = new float[n * cfg.headCount() * cfg.valueHeadDim()];
        proj = new float[n * d];
        gate = new float[n * ffWidth];
        up = new float[n * ffWidth];
        globalAngles = new float[n * cfg.ropeDims()];
        slidingAngles = new float[n * cfg.ropeDims()];
        rows = n;
    }
}
