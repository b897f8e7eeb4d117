package org.slmlab.catalog;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slmlab.gguf.GGUFFile;
import org.slmlab.gguf.GgmlType;
import org.slmlab.gguf.TensorInfo;
import org.slmlab.quant.LlamaFileType;
import org.slmlab.quant.QuantRecipe;

/**
 * The memory a model needs to run: its weights (exact, tensor by tensor), its KV cache for a context, and an
 * estimate of the engine's working buffers.
 *
 * @param tensors every tensor with the type it is stored in and its bytes
 * @param workingBytes activations and scratch buffers for one forward pass over a batch of {@code batch} tokens
 */
public record Footprint(String model, String fileType, List<TensorBytes> tensors, long weightBytes, long ctx,
                        GgmlType kvType, long kvCacheBytes, int batch, long workingBytes) {

    /** Prompt tokens the engine processes in one forward pass; llama.cpp's default batch is 512 too. */
    public static final int DEFAULT_BATCH = 512;

    public record TensorBytes(String name, GgmlType type, long[] shape, long bytes) {
    }

    /** Weights, KV cache and working buffers together. */
    public long totalBytes() {
        return weightBytes + kvCacheBytes + workingBytes;
    }

    /**
     * Bytes of weights that generating one token streams from memory: each matrix is multiplied by the token's
     * activation vector, so all of it is read — except a token embedding table that is not also the output head
     * (the file has an {@code output.weight}), of which only the token's row is looked up. Memory bandwidth ÷ this
     * is the most tokens/s generation can reach (notebook 07's roofline).
     */
    public long bytesReadPerToken() {
        boolean tied = tensors.stream().noneMatch(t -> t.name().equals("output.weight"));
        long bytes = 0;
        for (TensorBytes t : tensors) {
            boolean lookedUp = !tied && t.name().equals("token_embd.weight");
            bytes += lookedUp ? t.type().bytesFor(t.shape()[0]) : t.bytes();
        }
        return bytes;
    }

    /** Bytes and tensor count per ggml type, largest first. */
    public Map<GgmlType, long[]> bytesByType() {
        Map<GgmlType, long[]> byType = new LinkedHashMap<>();
        tensors.stream().sorted((a, b) -> Long.compare(b.bytes(), a.bytes()))
                .forEach(t -> {
                    long[] countAndBytes = byType.computeIfAbsent(t.type(), k -> new long[2]);
                    countAndBytes[0]++;
                    countAndBytes[1] += t.bytes();
                });
        return byType;
    }

    /** A catalog model stored as {@code fileType}, with llama-quantize's per-tensor rules. */
    public static Footprint of(ModelSpec m, LlamaFileType fileType, boolean pure, long ctx, GgmlType kvType) {
        List<TensorBytes> tensors = new ArrayList<>();
        for (QuantRecipe.Choice c : m.tensorTypes(fileType, pure)) {
            TensorInfo t = c.tensor();
            tensors.add(new TensorBytes(t.name(), c.type(), t.shape(), c.type().bytesFor(t.elementCount())));
        }
        return build(m.name(), fileType.name() + (pure ? " (pure)" : ""), tensors, m.kvLayout(), ctx, kvType,
                new Activations(m.hiddenSize(), m.heads() * m.headDim(), 2 * m.kvHeads() * m.headDim(),
                        m.ffnSize(), m.vocabSize(), m.heads()));
    }

    /** A GGUF file: its tensor bytes exactly as stored, its KV layout from its metadata. */
    public static Footprint of(GGUFFile f, long ctx, GgmlType kvType) {
        List<TensorBytes> tensors = f.tensors().stream()
                .map(t -> new TensorBytes(t.name(), t.type(), t.shape(), t.byteSize())).toList();
        String a = f.getString("general.architecture");
        KvLayout kv = KvLayout.of(f);
        int heads = f.getInt(a + ".attention.head_count");
        long vocab = f.has("tokenizer.ggml.tokens") ? f.getArray("tokenizer.ggml.tokens").length()
                : f.getInt(a + ".vocab_size", 0);
        return build(f.getString("general.name", f.path().getFileName().toString()),
                fileTypeName(f), tensors, kv, ctx, kvType,
                new Activations(f.getInt(a + ".embedding_length"), heads * kv.keyLength(),
                        kv.kvHeads() * (kv.keyLength() + kv.valueLength()), f.getInt(a + ".feed_forward_length"),
                        vocab, heads));
    }

    /** The llama.cpp file type a file declares in {@code general.file_type} ("Q4_K_M"), or a description. */
    public static String fileTypeName(GGUFFile f) {
        int id = f.getInt("general.file_type", -1);
        for (LlamaFileType t : LlamaFileType.values()) {
            if (t.id() == id) {
                return t.name();
            }
        }
        return id < 0 ? "unknown" : "file type " + id;
    }

    /** The widths of the activations one token flows through. */
    private record Activations(long hidden, long q, long kv, long ffn, long vocab, long heads) {

        /**
         * Bytes alive during a forward pass of {@code batch} tokens: per token the residual stream, its normed copy
         * and the attention output, Q/K/V and the FFN's two hidden vectors as floats, and the same again quantized
         * to 8 bits for the matmuls (a byte each); one query's attention scores per head over the whole context;
         * the logits of the last token.
         */
        long bytes(int batch, long ctx) {
            long perToken = 3 * hidden + q + kv + 2 * ffn;
            return 4 * (batch * perToken + heads * ctx + vocab) + batch * perToken;
        }
    }

    private static Footprint build(String model, String fileType, List<TensorBytes> tensors, KvLayout kv, long ctx,
                                   GgmlType kvType, Activations activations) {
        if (kvType != GgmlType.F16 && kvType != GgmlType.F32) {
            throw new IllegalArgumentException("the KV cache is stored as F16 or F32, not " + kvType);
        }
        int batch = (int) Math.min(ctx, DEFAULT_BATCH);
        return new Footprint(model, fileType, List.copyOf(tensors), tensors.stream().mapToLong(TensorBytes::bytes).sum(),
                ctx, kvType, kv.bytes(ctx, kvType.typeSize()), batch, activations.bytes(batch, ctx));
    }
}
