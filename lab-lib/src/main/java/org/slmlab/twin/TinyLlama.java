package org.slmlab.twin;

import java.io.IOException;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.slmlab.gguf.GGUFValue;
import org.slmlab.gguf.GGUFWriter;

/**
 * A llama-architecture model small enough to hold in plain Java arrays — for exercises that rebuild the forward
 * pass by hand and compare with the engine, which loads the same weights from the GGUF file {@link #write} makes.
 *
 * <p>Matrices are {@code [out][in]}: row {@code o} of {@code wq} produces query element {@code o}. That is also how
 * GGUF stores them (each row is {@code in} numbers, ggml's {@code ne0}).
 */
public record TinyLlama(Config config, float[][] embedding, Layer[] layers, float[] outputNorm, float[][] output) {

    /** The hyperparameters; RoPE is llama's NORM style (pairs of neighbouring dimensions). */
    public record Config(int dim, int layers, int heads, int kvHeads, int ffn, int vocab, float rmsEps, float ropeBase) {

        public int headDim() {
            return dim / heads;
        }
    }

    /** One transformer block: attention then a SwiGLU feed-forward, each after an RMSNorm. */
    public record Layer(float[] attnNorm, float[][] wq, float[][] wk, float[][] wv, float[][] wo,
                        float[] ffnNorm, float[][] gate, float[][] up, float[][] down) {
    }

    /** Random weights drawn N(0, 1/fan_in), norms near 1: activations stay of order one through every layer. */
    public static TinyLlama random(Config c, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int kvDim = c.kvHeads() * c.headDim();
        Layer[] layers = new Layer[c.layers()];
        for (int l = 0; l < c.layers(); l++) {
            layers[l] = new Layer(norm(r, c.dim()), matrix(r, c.dim(), c.dim()), matrix(r, kvDim, c.dim()),
                    matrix(r, kvDim, c.dim()), matrix(r, c.dim(), c.dim()), norm(r, c.dim()),
                    matrix(r, c.ffn(), c.dim()), matrix(r, c.ffn(), c.dim()), matrix(r, c.dim(), c.ffn()));
        }
        return new TinyLlama(c, matrix(r, c.vocab(), c.dim()), layers, norm(r, c.dim()), matrix(r, c.vocab(), c.dim()));
    }

    private static float[][] matrix(SplittableRandom r, int out, int in) {
        float[][] m = new float[out][in];
        double std = 1 / Math.sqrt(in);
        for (float[] row : m) {
            for (int i = 0; i < in; i++) {
                row[i] = (float) (r.nextGaussian() * std);
            }
        }
        return m;
    }

    private static float[] norm(SplittableRandom r, int n) {
        float[] w = new float[n];
        for (int i = 0; i < n; i++) {
            w[i] = 0.9f + 0.2f * (float) r.nextDouble();
        }
        return w;
    }

    /** Writes the model as an F32 llama GGUF (with a synthetic vocabulary of {@code vocab} tokens). */
    public void write(Path path) throws IOException {
        Config c = config;
        GGUFWriter w = new GGUFWriter()
                .set("general.architecture", GGUFValue.of("llama"))
                .set("general.name", GGUFValue.of("tiny llama (random weights)"))
                .set("llama.context_length", GGUFValue.ofUInt32(256))
                .set("llama.embedding_length", GGUFValue.ofUInt32(c.dim()))
                .set("llama.block_count", GGUFValue.ofUInt32(c.layers()))
                .set("llama.feed_forward_length", GGUFValue.ofUInt32(c.ffn()))
                .set("llama.attention.head_count", GGUFValue.ofUInt32(c.heads()))
                .set("llama.attention.head_count_kv", GGUFValue.ofUInt32(c.kvHeads()))
                .set("llama.attention.layer_norm_rms_epsilon", GGUFValue.of(c.rmsEps()))
                .set("llama.rope.freq_base", GGUFValue.of(c.ropeBase()))
                .set("llama.rope.dimension_count", GGUFValue.ofUInt32(c.headDim()))
                .set("general.file_type", GGUFValue.ofUInt32(0))
                .setAll(SyntheticVocabulary.metadata(c.vocab()));
        w.addTensor("token_embd.weight", flat(embedding), c.dim(), c.vocab());
        for (int l = 0; l < c.layers(); l++) {
            Layer y = layers[l];
            String p = "blk." + l + ".";
            w.addTensor(p + "attn_norm.weight", y.attnNorm(), c.dim());
            w.addTensor(p + "attn_q.weight", flat(y.wq()), c.dim(), y.wq().length);
            w.addTensor(p + "attn_k.weight", flat(y.wk()), c.dim(), y.wk().length);
            w.addTensor(p + "attn_v.weight", flat(y.wv()), c.dim(), y.wv().length);
            w.addTensor(p + "attn_output.weight", flat(y.wo()), c.dim(), y.wo().length);
            w.addTensor(p + "ffn_norm.weight", y.ffnNorm(), c.dim());
            w.addTensor(p + "ffn_gate.weight", flat(y.gate()), c.dim(), c.ffn());
            w.addTensor(p + "ffn_up.weight", flat(y.up()), c.dim(), c.ffn());
            w.addTensor(p + "ffn_down.weight", flat(y.down()), c.ffn(), c.dim());
        }
        w.addTensor("output_norm.weight", outputNorm, c.dim());
        w.addTensor("output.weight", flat(output), c.dim(), c.vocab());
        w.write(path);
    }

    private static float[] flat(float[][] m) {
        int in = m[0].length;
        float[] f = new float[m.length * in];
        for (int o = 0; o < m.length; o++) {
            System.arraycopy(m[o], 0, f, o * in, in);
        }
        return f;
    }
}
