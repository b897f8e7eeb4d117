package org.slmlab.engine;

/**
 * The outcome of {@link Session#generate}.
 *
 * @param promptTokens the prompt as token ids
 * @param generated    the sampled ids, in order (a stop token is not included)
 * @param text         the generated text (empty without a tokenizer)
 * @param stoppedBy    why generation ended
 * @param stats        timings and memory
 */
public record GenerationResult(int[] promptTokens, int[] generated, String text, StopReason stoppedBy,
        RunStats stats) {

    public enum StopReason {
        /** The model produced an end-of-sequence or end-of-turn token. */
        END_OF_GENERATION,
        /** The token budget was used up. */
        MAX_TOKENS,
        /** The listener asked to stop. */
        LISTENER,
        /** The context is full. */
        CONTEXT_FULL
    }
}
