package org.slmlab.twin;

import java.util.SplittableRandom;
import org.slmlab.catalog.ModelSpec;

/** The values of a twin's 1-D tensors: norm weights near 1, and the real RoPE factor tables. */
final class TwinWeights {

    private TwinWeights() {
    }

    static float[] vector(ModelSpec m, String name, int n, SplittableRandom random) {
        if (name.equals("rope_freqs.weight")) {
            return llama3RopeFactors(m, n);
        }
        float[] v = new float[n];
        if (name.startsWith("rope_factors_")) {
            // Phi-4-mini's LongRoPE tables: all 1 for short contexts; for long ones (used past the original
            // context only) the real factors rise from 1.0 to 47.77 — a geometric ramp stands in for them.
            for (int i = 0; i < n; i++) {
                v[i] = name.contains("long") ? (float) Math.pow(47.77, i / (double) Math.max(1, n - 1)) : 1f;
            }
            return v;
        }
        for (int i = 0; i < n; i++) {
            v[i] = 0.9f + 0.2f * (float) random.nextDouble();
        }
        return v;
    }

    /**
     * Llama 3's frequency scaling as llama.cpp's converter precomputes it: high frequencies (short wavelengths)
     * stay, low ones are divided by the scaling factor, and the band between is interpolated smoothly.
     */
    static float[] llama3RopeFactors(ModelSpec m, int n) {
        ModelSpec.RopeScaling s = m.ropeScaling();
        double factor = s.factor();
        double low = s.lowFreqFactor();
        double high = s.highFreqFactor();
        double oldContext = s.originalContextLength();
        double lowFreqWavelen = oldContext / low;
        double highFreqWavelen = oldContext / high;
        float[] factors = new float[n];
        for (int i = 0; i < n; i++) {
            double freq = 1.0 / Math.pow(m.ropeTheta(), 2.0 * i / m.headDim());
            double wavelen = 2 * Math.PI / freq;
            if (wavelen < highFreqWavelen) {
                factors[i] = 1;
            } else if (wavelen > lowFreqWavelen) {
                factors[i] = (float) factor;
            } else {
                double smooth = (oldContext / wavelen - low) / (high - low);
                factors[i] = (float) (1 / ((1 - smooth) / factor + smooth));
            }
        }
        return factors;
    }
}
