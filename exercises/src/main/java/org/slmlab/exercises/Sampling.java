package org.slmlab.exercises;

/**
 * Exercise 12 (notebook 06-generation-and-sampling): choosing the next token from the logits.
 *
 * <p>The lab samples in llama.cpp's order: sort the tokens from most to least likely (equal logits: lower id
 * first); keep the {@code topK} most likely (0 keeps all); turn the kept logits into probabilities with a softmax;
 * keep the shortest prefix whose probabilities add up to at least {@code topP}; make a second softmax of the kept
 * logits divided by {@code temperature}; then walk the kept tokens adding up those probabilities and return the
 * first token at which the sum exceeds {@code u}, a uniform random number in [0, 1) (the caller draws it from a
 * seeded generator, so a run can be repeated exactly).
 */
public final class Sampling {

    private Sampling() {
    }

    /** The id of the largest logit; on a tie the lowest id. */
    public static int greedy(float[] logits) {
        throw new UnsupportedOperationException("TODO exercise 12: greedy");
    }

    /** The ids of the {@code k} largest logits, most likely first (equal logits: lower id first). */
    public static int[] topK(float[] logits, int k) {
        throw new UnsupportedOperationException("TODO exercise 12: top-k");
    }

    /** The sampled token, as described above ({@code temperature} > 0, {@code 0 < topP <= 1}). */
    public static int sample(float[] logits, int topK, float topP, float temperature, double u) {
        throw new UnsupportedOperationException("TODO exercise 12: sample");
    }
}
