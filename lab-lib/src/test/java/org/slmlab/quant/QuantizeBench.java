package org.slmlab.quant;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.slmlab.gguf.GGUFValue;
import org.slmlab.gguf.GGUFWriter;
import org.slmlab.gguf.GgmlType;
import org.slmlab.gguf.LittleEndian;

/**
 * Time of {@code ./lab quantize} on a Qwen3-0.6B-shaped F16 model (310 tensors, 596 M weights: the real names and
 * shapes, random weights) to Q4_0, Q4_K_M and Q8_0. Not a test; run it by hand (llama-quantize on this machine:
 * about 5 s for Q8_0 and Q4_0, 19 s for Q4_K_M, with 2 threads):
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp lab-lib/target/classes:lab-lib/target/test-classes \
 *      org.slmlab.quant.QuantizeBench [DIR] [THREADS] [TYPE ...]
 * </pre>
 */
public final class QuantizeBench {

    private static final int EMBD = 1024;
    private static final int VOCAB = 151936;
    private static final int LAYERS = 28;
    private static final int HEADS = 16;
    private static final int KV_HEADS = 8;
    private static final int HEAD_DIM = 128;
    private static final int FFN = 3072;

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0] : System.getProperty("java.io.tmpdir"));
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        List<String> types = args.length > 2 ? List.of(args).subList(2, args.length) : List.of("Q4_0", "Q4_K_M", "Q8_0");
        Path model = dir.resolve("qwen3-0.6b-shaped-F16.gguf");
        if (!Files.exists(model)) {
            long t0 = System.nanoTime();
            writeModel(model);
            System.out.printf("wrote %s (%.0f MB) in %.1f s%n", model, Files.size(model) / 1e6, (System.nanoTime() - t0) / 1e9);
        }
        for (String type : types) {
            Path out = dir.resolve("qwen3-0.6b-shaped-" + type + ".gguf");
            var options = new ModelQuantizer.Options(LlamaFileType.parse(type), false, threads, null);
            long t0 = System.nanoTime();
            var s = ModelQuantizer.quantize(model, out, options, p -> { });
            double seconds = (System.nanoTime() - t0) / 1e9;
            System.out.printf("%-7s %6.2f s  (%d threads, %d tensors, %.0f MB -> %.0f MB)%n", type, seconds, threads,
                    s.tensors(), s.bytesIn() / 1e6, s.bytesOut() / 1e6);
            Files.delete(out);
        }
    }

    /** The tensors of Qwen3-0.6B as convert_hf_to_gguf writes them at F16: matrices F16, norms F32, tied output. */
    static void writeModel(Path file) throws IOException {
        GGUFWriter w = new GGUFWriter()
                .set("general.architecture", GGUFValue.of("qwen3"))
                .set("general.name", GGUFValue.of("Qwen3-0.6B-shaped random weights"))
                .set("general.file_type", GGUFValue.ofUInt32(LlamaFileType.F16.id()))
                .set("qwen3.block_count", GGUFValue.ofUInt32(LAYERS))
                .set("qwen3.embedding_length", GGUFValue.ofUInt32(EMBD))
                .set("qwen3.feed_forward_length", GGUFValue.ofUInt32(FFN))
                .set("qwen3.attention.head_count", GGUFValue.ofUInt32(HEADS))
                .set("qwen3.attention.head_count_kv", GGUFValue.ofUInt32(KV_HEADS))
                .set("qwen3.attention.key_length", GGUFValue.ofUInt32(HEAD_DIM))
                .set("qwen3.attention.value_length", GGUFValue.ofUInt32(HEAD_DIM));
        List<Object[]> tensors = new ArrayList<>();
        tensors.add(new Object[] {"token_embd.weight", new long[] {EMBD, VOCAB}});
        tensors.add(new Object[] {"output_norm.weight", new long[] {EMBD}});
        for (int l = 0; l < LAYERS; l++) {
            String b = "blk." + l + ".";
            tensors.add(new Object[] {b + "attn_norm.weight", new long[] {EMBD}});
            tensors.add(new Object[] {b + "attn_q.weight", new long[] {EMBD, HEADS * HEAD_DIM}});
            tensors.add(new Object[] {b + "attn_k.weight", new long[] {EMBD, KV_HEADS * HEAD_DIM}});
            tensors.add(new Object[] {b + "attn_v.weight", new long[] {EMBD, KV_HEADS * HEAD_DIM}});
            tensors.add(new Object[] {b + "attn_output.weight", new long[] {HEADS * HEAD_DIM, EMBD}});
            tensors.add(new Object[] {b + "attn_q_norm.weight", new long[] {HEAD_DIM}});
            tensors.add(new Object[] {b + "attn_k_norm.weight", new long[] {HEAD_DIM}});
            tensors.add(new Object[] {b + "ffn_norm.weight", new long[] {EMBD}});
            tensors.add(new Object[] {b + "ffn_gate.weight", new long[] {EMBD, FFN}});
            tensors.add(new Object[] {b + "ffn_up.weight", new long[] {EMBD, FFN}});
            tensors.add(new Object[] {b + "ffn_down.weight", new long[] {FFN, EMBD}});
        }
        long seed = 1;
        for (Object[] t : tensors) {
            long[] shape = (long[]) t[1];
            GgmlType type = shape.length == 1 ? GgmlType.F32 : GgmlType.F16;
            long s = seed++;
            w.addTensor((String) t[0], type, shape, out -> fill(out, type, s));
        }
        w.write(file);
    }

    /** Normal-ish weights of std 0.02 (sum of two uniforms: cheap, and the exact distribution does not matter). */
    private static void fill(MemorySegment out, GgmlType type, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        long n = out.byteSize() / (type == GgmlType.F32 ? 4 : 2);
        for (long i = 0; i < n; i++) {
            float x = (float) ((rnd.nextDouble() + rnd.nextDouble() - 1) * 0.035);
            if (type == GgmlType.F32) {
                out.set(LittleEndian.FLOAT, i * 4, 1 + x);
            } else {
                out.set(LittleEndian.SHORT, i * 2, Fp16.fromFloat(x));
            }
        }
    }
}
