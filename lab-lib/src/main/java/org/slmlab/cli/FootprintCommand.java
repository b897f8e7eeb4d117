package org.slmlab.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slmlab.catalog.Catalog;
import org.slmlab.catalog.Footprint;
import org.slmlab.gguf.GGUFFile;
import org.slmlab.gguf.GgmlType;
import org.slmlab.quant.LlamaFileType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ./lab footprint (MODEL | FILE) [--type T] [--ctx N] [--kv-type F32|F16] [--json]}: the memory a model
 * needs — weights tensor by tensor, the KV cache for a context, the engine's working buffers.
 */
@Command(name = "footprint", mixinStandardHelpOptions = true,
        description = {"Memory a model needs: exact weight bytes, KV cache for a context, working buffers.",
                "MODEL is a catalog model (qwen3-0.6b, gemma-3-4b, ...; see ./lab footprint --list); FILE a GGUF file."})
public final class FootprintCommand implements Callable<Integer> {

    @Parameters(index = "0", arity = "0..1", paramLabel = "MODEL|FILE", description = "a catalog model or a GGUF file")
    String target;

    @Option(names = "--type", paramLabel = "T", description = "for a MODEL: a ggml type or llama.cpp file type "
            + "such as Q4_K_M (default: ${DEFAULT-VALUE})")
    String type = "F16";

    @Option(names = "--pure", description = "for a MODEL: one type for every matrix, as llama-quantize --pure")
    boolean pure;

    @Option(names = "--ctx", paramLabel = "N", description = "context length in tokens (default: ${DEFAULT-VALUE})")
    long ctx = 4096;

    @Option(names = "--kv-type", paramLabel = "F16|F32", description = "KV cache element type (default: ${DEFAULT-VALUE})")
    String kvType = "F16";

    @Option(names = "--tensors", description = "list every tensor")
    boolean tensors;

    @Mixin
    JsonOption output;

    @Option(names = "--list", description = "list the catalog's models")
    boolean list;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = output.out();
        if (list || target == null) {
            Catalog.all().forEach(m -> out.printf("%-16s %-22s %s%n", m.id(), m.name(), m.paramsLabel()));
            return 0;
        }
        if (ctx < 1) {
            throw new IllegalArgumentException("--ctx must be at least 1, got " + ctx);
        }
        GgmlType kv = GgmlType.parse(kvType);
        Path file = Path.of(target);
        Footprint f;
        if (Files.isRegularFile(file)) {
            try (GGUFFile gguf = GGUFFile.open(file)) {
                f = Footprint.of(gguf, ctx, kv);
            }
        } else {
            f = Footprint.of(Catalog.get(target), LlamaFileType.parse(type), pure, ctx, kv);
        }
        if (output.json) {
            out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(asJson(f)));
        } else {
            print(out, f);
        }
        return 0;
    }

    private void print(PrintWriter out, Footprint f) {
        out.printf("%s, %s — context %,d tokens, KV cache %s%n%n", f.model(), f.fileType(), f.ctx(), f.kvType());
        if (tensors) {
            f.tensors().forEach(t -> out.printf("  %-36s %-7s %14s%n", t.name(), t.type(), bytes(t.bytes())));
            out.println();
        }
        out.println("weights by type:");
        f.bytesByType().forEach((type, cb) -> out.printf("  %-7s %4d tensors %12s  %5.1f%%%n", type, cb[0], bytes(cb[1]),
                100.0 * cb[1] / f.weightBytes()));
        out.printf("%nweights          %12s%n", bytes(f.weightBytes()));
        out.printf("KV cache         %12s%n", bytes(f.kvCacheBytes()));
        out.printf("working buffers  %12s  (estimate, batch of %d tokens)%n", bytes(f.workingBytes()), f.batch());
        out.printf("total            %12s  = %.2f × the weights%n", bytes(f.totalBytes()),
                (double) f.totalBytes() / f.weightBytes());
    }

    private static Map<String, Object> asJson(Footprint f) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", f.model());
        m.put("file_type", f.fileType());
        m.put("ctx", f.ctx());
        m.put("kv_type", f.kvType().name());
        m.put("weight_bytes", f.weightBytes());
        m.put("kv_cache_bytes", f.kvCacheBytes());
        m.put("working_bytes", f.workingBytes());
        m.put("total_bytes", f.totalBytes());
        m.put("tensors", f.tensors().stream().map(t -> Map.of("name", t.name(), "type", t.type().name(),
                "shape", t.shape(), "bytes", t.bytes())).toList());
        return m;
    }

    /** Bytes with a decimal unit, as model sizes are quoted (1 GB = 10^9 bytes). */
    static String bytes(long b) {
        if (b >= 1_000_000_000L) {
            return String.format(Locale.ROOT, "%.2f GB", b / 1e9);
        }
        return b >= 1_000_000 ? String.format(Locale.ROOT, "%.1f MB", b / 1e6) : String.format(Locale.ROOT, "%,d B", b);
    }
}
