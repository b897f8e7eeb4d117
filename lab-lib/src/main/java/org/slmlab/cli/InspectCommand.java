package org.slmlab.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.Callable;
import org.slmlab.gguf.GGUFArray;
import org.slmlab.gguf.GGUFFile;
import org.slmlab.gguf.GGUFJson;
import org.slmlab.gguf.GGUFValue;
import org.slmlab.gguf.GGUFValueType;
import org.slmlab.gguf.TensorInfo;
import org.slmlab.gguf.TensorStats;
import org.slmlab.quant.LlamaFileType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code ./lab inspect FILE [--json]}: what is inside a GGUF file, laid out for someone learning the format —
 * header, the architecture's hyperparameters (explained), tokenizer, every metadata key (long arrays
 * summarised), the tensor table, and what the tensors add up to (parameters, bytes per ggml type, average bits
 * per weight). {@code --json} prints the same object as gguf-py's reader ({@link GGUFJson}).
 */
@Command(name = "inspect",
        mixinStandardHelpOptions = true,
        description = {"Show what is inside a GGUF file: hyperparameters, tokenizer, metadata, tensors, bits per weight.",
                "--json prints the field names of gguf-py's reader (as in ../shared/reference/gguf/*.reader.json).",
                "A malformed file gets a one-line error naming the byte offset and field (exit status 2)."})
public final class InspectCommand implements Callable<Integer> {

    /** Long strings and arrays are cut to this many characters / elements in the metadata table. */
    private static final int MAX_VALUE_CHARS = 72;
    private static final int MAX_ARRAY_PREVIEW = 5;

    /** What the common per-architecture keys mean (the part after "{arch}."). */
    private static final Map<String, String> HYPERPARAMETER_MEANINGS = Map.ofEntries(
            Map.entry("context_length", "context length the model was trained for (tokens)"),
            Map.entry("embedding_length", "hidden size d_model: the width of the residual stream"),
            Map.entry("block_count", "transformer blocks (layers)"),
            Map.entry("feed_forward_length", "inner size of the feed-forward network"),
            Map.entry("attention.head_count", "query heads"),
            Map.entry("attention.head_count_kv", "key/value heads (fewer than query heads = grouped-query attention)"),
            Map.entry("attention.key_length", "size of one key head"),
            Map.entry("attention.value_length", "size of one value head"),
            Map.entry("attention.layer_norm_rms_epsilon", "epsilon of RMSNorm"),
            Map.entry("attention.sliding_window", "tokens a local (sliding-window) attention layer sees"),
            Map.entry("rope.freq_base", "RoPE base frequency (theta)"),
            Map.entry("rope.dimension_count", "dimensions of each head that RoPE rotates"),
            Map.entry("vocab_size", "vocabulary size"));

    /** The tokenizer families llama.cpp knows, by the value of tokenizer.ggml.model. */
    private static final Map<String, String> TOKENIZER_KINDS = Map.of(
            "llama", "SentencePiece (SPM): scores decide merges, byte fallback",
            "gpt2", "byte-level BPE: ranked merges over bytes mapped to printable characters",
            "bert", "WordPiece",
            "t5", "Unigram (UGM)",
            "rwkv", "RWKV greedy trie",
            "none", "no tokenizer");

    @Parameters(index = "0", paramLabel = "FILE", description = "the GGUF file")
    Path file;

    @Mixin
    JsonOption output;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = output.out();
        try (GGUFFile f = GGUFFile.open(file)) {
            if (output.json) {
                out.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(GGUFJson.describe(f)));
            } else {
                printHeader(out, f);
                printModel(out, f);
                printTokenizer(out, f);
                printMetadata(out, f);
                printTensors(out, f);
                printTotals(out, f);
            }
        }
        out.flush();
        return 0;
    }

    private void printHeader(PrintWriter out, GGUFFile f) {
        out.printf("GGUF file %s%n", f.path());
        out.printf("  %s bytes (%s), GGUF version %d, %d metadata keys, %d tensors%n",
                grouped(f.fileSize()), human(f.fileSize()), f.version(), f.metadata().size(), f.tensors().size());
        if (f.tensors().isEmpty()) {
            out.println("  no tensor data: header, metadata and (no) tensor infos fill the file");
        } else {
            out.printf("  header, metadata and tensor infos: bytes 0..%s; tensor data from byte %s (a multiple of the "
                    + "alignment, %d)%n", grouped(f.dataOffset() - 1), grouped(f.dataOffset()), f.alignment());
        }
    }

    private void printModel(PrintWriter out, GGUFFile f) {
        String arch = f.get("general.architecture").orElse(null) instanceof GGUFValue.StringValue s ? s.value() : null;
        section(out, "Model");
        out.printf("  architecture  %s%n", arch == null ? "(none: general.architecture is missing)" : arch);
        if (f.has("general.name")) {
            out.printf("  name          %s%n", f.value("general.name"));
        }
        if (f.get("general.file_type").orElse(null) instanceof GGUFValue.IntValue ft) {
            String recipe = Arrays.stream(LlamaFileType.values()).filter(t -> t.id() == ft.value()).findFirst()
                    .map(Enum::name).orElse("unknown");
            out.printf("  file type     %s (general.file_type %s: the quantization recipe; tensor types are below)%n",
                    recipe, ft);
        }
        if (arch == null) {
            return;
        }
        String prefix = arch + ".";
        out.printf("  hyperparameters (keys %s*):%n", prefix);
        f.metadata().forEach((key, value) -> {
            if (key.startsWith(prefix)) {
                String name = key.substring(prefix.length());
                String meaning = HYPERPARAMETER_MEANINGS.getOrDefault(name, "");
                out.printf("    %-40s %-14s %s%n", name, shortValue(value), meaning);
            }
        });
        long embd = integer(f, prefix + "embedding_length", 0);
        long heads = integer(f, prefix + "attention.head_count", 0);
        long kvHeads = integer(f, prefix + "attention.head_count_kv", heads);
        if (heads > 0) {
            long headDim = integer(f, prefix + "attention.key_length", embd / heads);
            out.printf("    %-40s %-14d %s%n", "(head size)", headDim,
                    f.has(prefix + "attention.key_length") ? "from attention.key_length" : "embedding_length / head_count");
            if (kvHeads > 0 && kvHeads < heads) {
                out.printf("    %-40s %-14s %s%n", "(grouped-query attention)", heads / kvHeads + " : 1",
                        "query heads sharing one key/value head");
            }
        }
    }

    private void printTokenizer(PrintWriter out, GGUFFile f) {
        if (!f.has("tokenizer.ggml.model")) {
            return;
        }
        section(out, "Tokenizer");
        String model = f.value("tokenizer.ggml.model").toString();
        out.printf("  type          %s — %s%n", model, TOKENIZER_KINDS.getOrDefault(model, "unknown to this lab"));
        if (f.has("tokenizer.ggml.pre")) {
            out.printf("  pre-tokenizer %s%n", f.value("tokenizer.ggml.pre"));
        }
        if (f.get("tokenizer.ggml.tokens").orElse(null) instanceof GGUFArray tokens) {
            out.printf("  vocabulary    %s tokens%n", grouped(tokens.length()));
            if (f.get("tokenizer.ggml.merges").orElse(null) instanceof GGUFArray merges) {
                out.printf("  merges        %s%n", grouped(merges.length()));
            }
            for (String special : new String[] {"bos", "eos", "unknown", "padding"}) {
                String key = "tokenizer.ggml." + special + "_token_id";
                if (f.get(key).orElse(null) instanceof GGUFValue.IntValue id && tokens.elementType() == GGUFValueType.STRING
                        && id.value() >= 0 && id.value() < tokens.length()) {
                    out.printf("  %-13s %d %s%n", special, id.value(), quote(tokens.getString(id.value())));
                }
            }
        }
        if (f.get("tokenizer.chat_template").orElse(null) instanceof GGUFValue.StringValue template) {
            out.println("  chat template (Jinja):");
            template.value().lines().forEach(line -> out.println("    | " + line));
        }
    }

    private void printMetadata(PrintWriter out, GGUFFile f) {
        section(out, "Metadata (" + f.metadata().size() + " keys, in file order)");
        int width = f.metadata().keySet().stream().mapToInt(String::length).max().orElse(10);
        f.metadata().forEach((key, value) -> {
            String type = value instanceof GGUFArray a ? "ARRAY<" + a.elementType() + ">" : value.type().name();
            out.printf("  %-" + width + "s  %-15s %s%n", key, type, shortValue(value));
        });
    }

    private void printTensors(PrintWriter out, GGUFFile f) {
        section(out, "Tensors (" + f.tensors().size() + "; offsets relative to the data section)");
        if (f.tensors().isEmpty()) {
            out.println("  (none: a vocabulary-only file)");
            return;
        }
        int width = Math.max(4, f.tensors().stream().mapToInt(t -> t.name().length()).max().orElse(4));
        out.printf("  %-" + width + "s  %-7s %-20s %14s %14s%n", "name", "type", "shape (ne0 first)", "bytes", "offset");
        for (TensorInfo t : f.tensors()) {
            StringJoiner shape = new StringJoiner(" x ");
            Arrays.stream(t.shape()).forEach(d -> shape.add(Long.toString(d)));
            out.printf("  %-" + width + "s  %-7s %-20s %14s %14s%n", t.name(), t.type(), shape.length() == 0 ? "scalar" : shape,
                    grouped(t.byteSize()), grouped(t.offset()));
        }
    }

    private void printTotals(PrintWriter out, GGUFFile f) {
        TensorStats stats = TensorStats.of(f.tensors());
        if (stats.byType().isEmpty()) {
            return;
        }
        section(out, "Totals by type");
        out.printf("  %-8s %8s %16s %14s %7s%n", "type", "tensors", "parameters", "bytes", "share");
        for (TensorStats.TypeTotal t : stats.byType()) {
            out.printf(Locale.ROOT, "  %-8s %8d %16s %14s %6.1f%%%n", t.type(), t.tensors(), grouped(t.parameters()),
                    grouped(t.bytes()), 100 * stats.share(t));
        }
        out.printf(Locale.ROOT, "  parameters: %s (%s)   tensor bytes: %s (%s)   average: %.3f bits per weight%n",
                grouped(stats.parameters()), humanCount(stats.parameters()), grouped(stats.bytes()), human(stats.bytes()),
                stats.bitsPerWeight());
    }

    /**
     * An integer key, or {@code otherwise} when it is missing or not an integer: a file with odd metadata is
     * still shown (it is well-formed, or open would have failed).
     */
    private static long integer(GGUFFile f, String key, long otherwise) {
        return f.get(key).orElse(null) instanceof GGUFValue.IntValue i && !i.exceedsLong() ? i.value() : otherwise;
    }

    // ---- formatting ----

    private static void section(PrintWriter out, String title) {
        out.println();
        out.println(title);
    }

    /** A value in one line: strings quoted and cut, arrays as length and first elements. */
    private static String shortValue(GGUFValue value) {
        return switch (value) {
            case GGUFValue.StringValue s -> cut(quote(s.value()));
            case GGUFArray a -> {
                StringJoiner j = new StringJoiner(", ", a.length() + " x [", a.length() > MAX_ARRAY_PREVIEW ? ", ...]" : "]");
                a.first(MAX_ARRAY_PREVIEW).forEach(e -> j.add(e instanceof GGUFValue.StringValue s ? quote(s.value()) : e.toString()));
                yield cut(j.toString());
            }
            default -> value.toString();
        };
    }

    private static String quote(String s) {
        return '"' + s.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t") + '"';
    }

    private static String cut(String s) {
        return s.length() <= MAX_VALUE_CHARS ? s : s.substring(0, MAX_VALUE_CHARS - 3) + "...";
    }

    private static String grouped(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    private static String human(long bytes) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        double v = bytes;
        int u = 0;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return u == 0 ? bytes + " B" : String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }

    private static String humanCount(long n) {
        if (n < 1000) {
            return Long.toString(n);
        }
        if (n >= 1_000_000_000L) {
            return String.format(Locale.ROOT, "%.2f B", n / 1e9);
        }
        return n >= 1_000_000 ? String.format(Locale.ROOT, "%.2f M", n / 1e6) : String.format(Locale.ROOT, "%.1f K", n / 1e3);
    }
}
