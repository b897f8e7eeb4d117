package org.slmlab.tokenizer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * llama.cpp's tokenizer test vectors: {@code NAME.inp} holds test texts, each followed by the line
 * {@code __ggml_vocab_test__}; {@code NAME.out} holds one line of space-separated token ids per text (tokenized with
 * {@code add_special = false, parse_special = false}). See {@code tests/test-tokenizer-0.cpp} in llama.cpp.
 */
public final class TestVectorFile {

    /** What follows every test text in a {@code .inp} file. */
    public static final String SEPARATOR = "\n__ggml_vocab_test__\n";

    private TestVectorFile() {
    }

    /**
     * The texts of a {@code .inp} file, in order. A text may be empty or contain newlines; only the full separator
     * splits. Bytes that are not valid UTF-8 become U+FFFD.
     */
    public static List<String> readInputs(Path inp) throws IOException {
        String all = new String(Files.readAllBytes(inp), StandardCharsets.UTF_8);
        List<String> texts = new ArrayList<>();
        int pos = 0;
        while (pos < all.length()) {
            int next = all.indexOf(SEPARATOR, pos);
            if (next < 0) {
                texts.add(all.substring(pos));
                break;
            }
            texts.add(all.substring(pos, next));
            pos = next + SEPARATOR.length();
        }
        return texts;
    }

    /** The id lines of a {@code .out} file; an empty line is a text with no tokens. */
    public static List<int[]> readOutputs(Path out) throws IOException {
        List<int[]> ids = new ArrayList<>();
        List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            try {
                ids.add(line.isEmpty() ? new int[0]
                        : Arrays.stream(line.split(" ")).mapToInt(Integer::parseInt).toArray());
            } catch (NumberFormatException e) {
                throw new IOException(out + ": line " + (i + 1) + " is not a list of token ids: '" + line + "'");
            }
        }
        return ids;
    }

    /** One {@code .out} line, in llama.cpp's format: a space before every id. */
    public static String formatLine(int[] ids) {
        StringBuilder sb = new StringBuilder();
        for (int id : ids) {
            sb.append(' ').append(id);
        }
        return sb.toString();
    }
}
