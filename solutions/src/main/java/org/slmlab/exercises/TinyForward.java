package org.slmlab.exercises;

import java.util.Arrays;
import org.slmlab.twin.TinyLlama;

/** Exercise 14, solved with the pieces of exercises 9-12. */
public final class TinyForward {

    private TinyForward() {
    }

    public static float[] logits(TinyLlama model, int[] tokens) {
        TinyLlama.Config c = model.config();
        int n = tokens.length;
        float[][] x = new float[n][];
        for (int t = 0; t < n; t++) {
            x[t] = model.embedding()[tokens[t]].clone();
        }
        for (TinyLlama.Layer layer : model.layers()) {
            attention(c, layer, x);
            for (int t = 0; t < n; t++) {
                float[] h = RmsNormExercise.rmsNorm(x[t], layer.ffnNorm(), c.rmsEps());
                float[] gate = times(layer.gate(), h);
                float[] up = times(layer.up(), h);
                for (int i = 0; i < gate.length; i++) {
                    gate[i] = gate[i] / (1 + (float) Math.exp(-gate[i])) * up[i];
                }
                add(x[t], times(layer.down(), gate));
            }
        }
        return times(model.output(), RmsNormExercise.rmsNorm(x[n - 1], model.outputNorm(), c.rmsEps()));
    }

    public static int nextToken(TinyLlama model, int[] tokens) {
        return Sampling.greedy(logits(model, tokens));
    }

    private static void attention(TinyLlama.Config c, TinyLlama.Layer layer, float[][] x) {
        int n = x.length;
        int hd = c.headDim();
        float[][][] q = new float[c.heads()][n][];
        float[][][] k = new float[c.kvHeads()][n][];
        float[][][] v = new float[c.kvHeads()][n][];
        for (int t = 0; t < n; t++) {
            float[] h = RmsNormExercise.rmsNorm(x[t], layer.attnNorm(), c.rmsEps());
            float[] qt = times(layer.wq(), h);
            float[] kt = times(layer.wk(), h);
            float[] vt = times(layer.wv(), h);
            for (int head = 0; head < c.heads(); head++) {
                q[head][t] = Arrays.copyOfRange(qt, head * hd, (head + 1) * hd);
                RotaryEmbedding.rotate(q[head][t], t, c.ropeBase(), false);
            }
            for (int head = 0; head < c.kvHeads(); head++) {
                k[head][t] = Arrays.copyOfRange(kt, head * hd, (head + 1) * hd);
                RotaryEmbedding.rotate(k[head][t], t, c.ropeBase(), false);
                v[head][t] = Arrays.copyOfRange(vt, head * hd, (head + 1) * hd);
            }
        }
        float[][] out = new float[n][c.dim()];
        int group = c.heads() / c.kvHeads();
        for (int head = 0; head < c.heads(); head++) {
            float[][] o = CausalAttention.causalHead(q[head], k[head / group], v[head / group]);
            for (int t = 0; t < n; t++) {
                System.arraycopy(o[t], 0, out[t], head * hd, hd);
            }
        }
        for (int t = 0; t < n; t++) {
            add(x[t], times(layer.wo(), out[t]));
        }
    }

    private static float[] times(float[][] w, float[] h) {
        float[] y = new float[w.length];
        for (int o = 0; o < w.length; o++) {
            float s = 0;
            for (int i = 0; i < h.length; i++) {
                s += w[o][i] * h[i];
            }
            y[o] = s;
        }
        return y;
    }

    private static void add(float[] x, float[] y) {
        for (int i = 0; i < x.length; i++) {
            x[i] += y[i];
        }
    }
}
