package org.slmlab.quant;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Named;
import org.slmlab.testing.SharedReference;

/**
 * The models llama-quantize produced from an F32 master, read from MANIFEST.md's table: which file, from which
 * master, with which type and whether {@code --pure}. Reading the manifest (instead of listing the files here)
 * means a model added to the reference data is tested without a code change.
 */
record ReferenceQuantizations(String output, String master, String type, boolean pure) {

    private static final Pattern ROW = Pattern.compile(
            "^\\| models/([\\w.-]+\\.gguf) \\| \\d+ \\| llama-quantize (--pure|\\(no --pure\\)) "
                    + "(?:<F32 mini>|([\\w.-]+\\.gguf)) ?(\\w+)");

    static List<Named<ReferenceQuantizations>> all() {
        Path manifest = SharedReference.path("MANIFEST.md");
        List<Named<ReferenceQuantizations>> list = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(manifest)) {
                Matcher m = ROW.matcher(line);
                if (!m.find() || m.group(1).endsWith("-F32.gguf")) {
                    continue; // not a quantization, or a master itself (its row reuses the phrasing)
                }
                String output = m.group(1);
                String master = m.group(3) != null ? m.group(3)
                        : output.substring(0, output.lastIndexOf('-')) + "-F32.gguf";
                var q = new ReferenceQuantizations(output, master, m.group(4), m.group(2).equals("--pure"));
                list.add(Named.of(output + " = " + m.group(4) + (q.pure ? " --pure" : ""), q));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (list.size() < 50) {
            throw new IllegalStateException("MANIFEST.md lists only " + list.size() + " llama-quantize outputs: "
                    + "has its table changed shape?");
        }
        return list;
    }

    Path outputPath() {
        return SharedReference.path("models/" + output);
    }

    Path masterPath() {
        return SharedReference.path("models/" + master);
    }
}
