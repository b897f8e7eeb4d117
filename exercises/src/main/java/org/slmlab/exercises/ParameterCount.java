package org.slmlab.exercises;

import org.slmlab.catalog.ModelSpec;
import org.slmlab.catalog.SizeClass;

/**
 * Exercise 1 (notebook 01-parameter-classes): how many parameters does a transformer have, and which SLM class
 * is it in?
 */
public final class ParameterCount {

    private ParameterCount() {
    }

    /**
     * The number of learned parameters of a decoder-only transformer, computed from its hyperparameters
     * ({@code hiddenSize()}, {@code layers()}, {@code heads()}, {@code kvHeads()}, {@code headDim()},
     * {@code ffnSize()}, {@code vocabSize()}, {@code tiedEmbeddings()}, {@code architecture()}).
     *
     * <p>Count: the token embedding (vocab × hidden); per layer the Q, K, V and output projections (Q and the
     * output use heads × headDim, K and V use kvHeads × headDim), the three FFN matrices (gate, up, down), the
     * RMSNorm weights (two of size hidden per layer); the final norm; and the output head unless the embeddings
     * are tied. Architecture extras: qwen3 and gemma3 add a Q-norm and a K-norm of size headDim per layer; gemma3
     * adds two more norms of size hidden per layer (post-attention, post-FFN); bitnet adds a sub-norm of size
     * hidden (attention) and one of size ffnSize (FFN) per layer. (Do not call {@code m.parameterCount()}: that is
     * the lab's answer, which the test compares yours with.)
     */
    public static long count(ModelSpec m) {
        throw new UnsupportedOperationException("TODO exercise 1: count the parameters");
    }

    /**
     * The course's class of a model with {@code params} parameters: below 100M {@code TINY}; up to 1.5B
     * {@code MICRO}; up to 14B {@code SMALL}; up to and including 30B {@code MEDIUM}; above, {@code LARGE}. Each
     * boundary belongs to the larger class (1.5B exactly is small).
     */
    public static SizeClass classify(long params) {
        throw new UnsupportedOperationException("TODO exercise 1: classify by size");
    }
}
