package org.slmlab.engine;

import java.util.ArrayList;
import java.util.List;
import org.slmlab.gguf.GgmlType;
import org.slmlab.model.Model;
import org.slmlab.sampling.Sampler;
import org.slmlab.sampling.SamplerSettings;
import org.slmlab.tensor.WorkerPool;
import org.slmlab.tokenizer.Tokenizer;

/**
 * A conversation with a model: the KV cache of everything said so far, and the threads that compute.
 *
 * <pre>{@code
 * try (Model model = Model.load(path); Session s = new Session(model, Session.Options.defaults())) {
 *     GenerationResult r = s.generate(s.tokenizer().encode("Once upon a time"), 64,
 *             SamplerSettings.defaults(42), (id, text) -> { System.out.print(text); return true; });
 *     System.out.println(r.stats());
 * }
 * }</pre>
 *
 * Successive calls continue the same sequence (a chat keeps its history in the cache); {@link #reset} forgets it.
 */
public final class Session implements AutoCloseable {

    /**
     * @param contextSize the most tokens the session can hold (prompt + generated)
     * @param threads     compute threads (the caller is one of them)
     * @param kvType      how the KV cache stores keys and values: F32 (what the parity goldens use) or F16
     *                    (llama.cpp's default: half the memory, and llama.cpp's F16 attention arithmetic)
     */
    public record Options(int contextSize, int threads, GgmlType kvType) {

        public Options {
            if (contextSize < 1) {
                throw new IllegalArgumentException("context size must be at least 1, got " + contextSize);
            }
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be at least 1, got " + threads);
            }
            if (kvType != GgmlType.F32 && kvType != GgmlType.F16) {
                throw new IllegalArgumentException("the KV cache is stored as F32 or F16, not " + kvType);
            }
        }

        /** An F32 KV cache. */
        public Options(int contextSize, int threads) {
            this(contextSize, threads, GgmlType.F32);
        }

        /** 4096 tokens (or the model's own context, if shorter), one thread per core, F32 KV cache. */
        public static Options defaults() {
            return new Options(4096, Runtime.getRuntime().availableProcessors());
        }
    }

    private final Model model;
    private final Tokenizer tokenizer;
    private final WorkerPool pool;
    private final Transformer transformer;
    private final KvCache cache;
    private final List<Integer> history = new ArrayList<>();
    private ForwardObserver observer;

    public Session(Model model, Options options) {
        this.model = model;
        int ctx = Math.min(options.contextSize(), model.config().contextLength());
        this.tokenizer = Tokenizer.fromGguf(model.file());
        this.pool = new WorkerPool(options.threads());
        this.transformer = new Transformer(model.config(), model.weights(), pool, ctx);
        this.cache = transformer.newCache(ctx, options.kvType());
    }

    public Tokenizer tokenizer() {
        return tokenizer;
    }

    public Transformer transformer() {
        return transformer;
    }

    /** Watch the forward passes (embeddings, attention weights, per-layer residuals); null to stop. */
    public void setObserver(ForwardObserver observer) {
        this.observer = observer;
    }

    /** Tokens in the cache. */
    public int position() {
        return cache.length();
    }

    /** Forgets the conversation. */
    public void reset() {
        cache.setLength(0);
        history.clear();
    }

    /**
     * Runs {@code tokens} through the model and returns the logits of every one of them
     * ({@code tokens.length × vocab}, position-major), keeping them in the cache.
     */
    public float[] evaluate(int[] tokens) {
        checkRoom(tokens.length);
        float[] logits = transformer.forward(cache, tokens, true, observer);
        for (int t : tokens) {
            history.add(t);
        }
        return logits;
    }

    /**
     * Feeds {@code prompt}, then samples up to {@code maxTokens} tokens, streaming each to {@code listener}.
     * Stops early at an end-of-sequence / end-of-turn token (which is consumed but not returned).
     */
    public GenerationResult generate(int[] prompt, int maxTokens, SamplerSettings settings, TokenListener listener) {
        if (prompt.length == 0) {
            throw new IllegalArgumentException("the prompt is empty: give at least one token");
        }
        checkRoom(prompt.length);
        Sampler sampler = new Sampler(settings);
        Utf8Stream utf8 = new Utf8Stream();
        StringBuilder text = new StringBuilder();
        List<Integer> out = new ArrayList<>();

        long t0 = System.nanoTime();
        float[] logits = transformer.forward(cache, prompt, false, observer);
        for (int t : prompt) {
            history.add(t);
        }
        long tPrompt = System.nanoTime();
        long tFirst = 0;
        GenerationResult.StopReason reason = GenerationResult.StopReason.MAX_TOKENS;
        int sampled = 0;
        while (sampled < maxTokens) {
            int next = sampler.sample(logits, history);
            sampled++;
            if (tFirst == 0) {
                tFirst = System.nanoTime();
            }
            if (tokenizer.isEndOfGeneration(next)) {
                reason = GenerationResult.StopReason.END_OF_GENERATION;
                break;
            }
            out.add(next);
            String piece = utf8.add(tokenizer.piece(next, false));
            text.append(piece);
            if (listener != null && !listener.onToken(next, piece)) {
                reason = GenerationResult.StopReason.LISTENER;
                break;
            }
            if (sampled == maxTokens) {
                break;
            }
            if (cache.length() >= cache.capacity()) {
                reason = GenerationResult.StopReason.CONTEXT_FULL;
                break;
            }
            logits = transformer.forward(cache, new int[] {next}, false, observer);
            history.add(next);
        }
        long tEnd = System.nanoTime();
        String rest = utf8.flush();
        text.append(rest);
        if (!rest.isEmpty() && listener != null) {
            listener.onToken(-1, rest);
        }
        Runtime rt = Runtime.getRuntime();
        RunStats stats = new RunStats(prompt.length, sampled, (tPrompt - t0) / 1e9, (tEnd - tFirst) / 1e9,
                (tFirst - t0) / 1e9, model.file().fileSize(), cache.bytes(), rt.totalMemory() - rt.freeMemory());
        return new GenerationResult(prompt, out.stream().mapToInt(Integer::intValue).toArray(), text.toString(),
                reason, stats);
    }

    private void checkRoom(int tokens) {
        if (cache.length() + tokens > cache.capacity()) {
            throw new IllegalArgumentException(tokens + " more tokens do not fit: " + cache.length() + " of "
                    + cache.capacity() + " context positions are used (use a larger context size)");
        }
    }

    @Override
    public void close() {
        pool.close();
    }
}
