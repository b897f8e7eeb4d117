package org.slmlab.sampling;

/**
 * How the next token is chosen from the logits.
 *
 * @param temperature   divides the logits before the draw; 0 (or less) means greedy: always the most likely token
 * @param topK          keep only the k most likely tokens (0 = all)
 * @param topP          keep the smallest set of most likely tokens whose probabilities sum to at least p (1 = all)
 * @param minP          drop tokens less likely than minP × the most likely one (0 = none)
 * @param repeatPenalty divides positive logits (multiplies negative ones) of recently seen tokens (1 = off)
 * @param repeatLastN   how many recent tokens the penalty looks at
 * @param seed          seeds the random draw: the same seed, prompt and settings give the same text
 */
public record SamplerSettings(float temperature, int topK, float topP, float minP, float repeatPenalty,
        int repeatLastN, long seed) {

    public SamplerSettings {
        if (topK < 0) {
            throw new IllegalArgumentException("top-k must be >= 0, got " + topK);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("top-p must be in (0, 1], got " + topP);
        }
        if (!(minP >= 0 && minP < 1)) {
            throw new IllegalArgumentException("min-p must be in [0, 1), got " + minP);
        }
        if (!(repeatPenalty > 0)) {
            throw new IllegalArgumentException("repeat penalty must be > 0, got " + repeatPenalty);
        }
        if (repeatLastN < 0) {
            throw new IllegalArgumentException("repeat-last-n must be >= 0, got " + repeatLastN);
        }
    }

    /** Always the most likely token (what the golden greedy continuations use). */
    public static SamplerSettings greedy() {
        return new SamplerSettings(0f, 0, 1f, 0f, 1f, 64, 0);
    }

    /** llama.cpp's defaults: temperature 0.8, top-k 40, top-p 0.95, min-p 0.05, no repetition penalty. */
    public static SamplerSettings defaults(long seed) {
        return new SamplerSettings(0.8f, 40, 0.95f, 0.05f, 1f, 64, seed);
    }

    public boolean isGreedy() {
        return temperature <= 0;
    }

    public SamplerSettings withTemperature(float t) {
        return new SamplerSettings(t, topK, topP, minP, repeatPenalty, repeatLastN, seed);
    }

    public SamplerSettings withTopK(int k) {
        return new SamplerSettings(temperature, k, topP, minP, repeatPenalty, repeatLastN, seed);
    }

    public SamplerSettings withTopP(float p) {
        return new SamplerSettings(temperature, topK, p, minP, repeatPenalty, repeatLastN, seed);
    }

    public SamplerSettings withMinP(float p) {
        return new SamplerSettings(temperature, topK, topP, p, repeatPenalty, repeatLastN, seed);
    }

    public SamplerSettings withRepeatPenalty(float penalty) {
        return new SamplerSettings(temperature, topK, topP, minP, penalty, repeatLastN, seed);
    }

    public SamplerSettings withSeed(long s) {
        return new SamplerSettings(temperature, topK, topP, minP, repeatPenalty, repeatLastN, s);
    }
}
