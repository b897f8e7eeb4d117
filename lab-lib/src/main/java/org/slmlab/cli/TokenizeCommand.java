package org.slmlab.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.StringJoiner;
import java.util.concurrent.Callable;
import org.slmlab.gguf.GGUFFile;
import org.slmlab.tokenizer.TestVectorFile;
import org.slmlab.tokenizer.TokenAttributes;
import org.slmlab.tokenizer.Tokenizer;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ./lab tokenize -m FILE (-p TEXT | --test-vectors FILE.inp) [--special] [--no-bos] [--pieces]}: the token
 * ids of a text under a GGUF file's tokenizer, as llama.cpp's {@code llama-tokenize} gives them.
 */
@Command(name = "tokenize",
        mixinStandardHelpOptions = true,
        description = {"Print the token ids of a text, tokenized as llama.cpp does with the model's tokenizer.",
                "With --test-vectors, tokenize every text of a llama.cpp .inp file (without BOS) and print one "
                        + "line of ids per text, in the format of the matching .out file."})
public final class TokenizeCommand implements Callable<Integer> {

    @Option(names = {"-m", "--model"}, required = true, paramLabel = "FILE",
            description = "a GGUF model or vocabulary file")
    Path model;

    static final class Input {
        @Option(names = {"-p", "--prompt"}, paramLabel = "TEXT", description = "the text to tokenize")
        String prompt;

        @Option(names = "--test-vectors", paramLabel = "FILE.inp",
                description = "a llama.cpp tokenizer test file: texts each followed by a line __ggml_vocab_test__")
        Path testVectors;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Input input;

    @Option(names = "--special", description = "recognise control-token text such as <|im_start|> as that token "
            + "(as chat templates need); by default it is tokenized as plain text")
    boolean special;

    @Option(names = "--no-bos", description = "do not add the BOS token the model asks for (-p only)")
    boolean noBos;

    @Option(names = "--pieces", description = "print one token per line: id, text in the vocabulary, kind (-p only)")
    boolean pieces;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Tokenizer tok;
        try (GGUFFile gguf = GGUFFile.open(model)) {
            tok = Tokenizer.fromGguf(gguf);
        }
        if (input.testVectors != null) {
            // The .out files were made with add_special = false; --special only for experiments.
            List<String> texts = TestVectorFile.readInputs(input.testVectors);
            for (String text : texts) {
                out.println(TestVectorFile.formatLine(tok.encode(text, false, special)));
            }
        } else {
            int[] ids = tok.encode(input.prompt, !noBos, special);
            if (pieces) {
                for (int id : ids) {
                    out.printf("%7d  %-24s %s%n", id, quote(tok.tokenText(id)),
                            TokenAttributes.describe(tok.vocabulary().attributes(id)));
                }
            } else {
                StringJoiner line = new StringJoiner(" ");
                for (int id : ids) {
                    line.add(Integer.toString(id));
                }
                out.println(line);
            }
        }
        out.flush();
        return 0;
    }

    /** A token text with its invisible characters made visible. */
    private static String quote(String text) {
        StringBuilder sb = new StringBuilder("'");
        text.codePoints().forEach(cp -> {
            if (cp == '\n') {
                sb.append("\\n");
            } else if (cp == '\t') {
                sb.append("\\t");
            } else if (cp == '\r') {
                sb.append("\\r");
            } else if (Character.isISOControl(cp)) {
                sb.append(String.format("\\x%02x", cp));
            } else {
                sb.appendCodePoint(cp);
            }
        });
        return sb.append('\'').toString();
    }
}
