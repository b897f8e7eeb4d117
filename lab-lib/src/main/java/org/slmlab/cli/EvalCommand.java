package org.slmlab.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.slmlab.engine.Session;
import org.slmlab.model.Model;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code ./lab eval}: the logits of every prompt position, as raw float32, for comparing engines. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Write the logits of every prompt position as little-endian float32, position-major "
                + "(n_tokens x n_vocab).")
public final class EvalCommand implements Callable<Integer> {

    @Mixin
    ModelOptions modelOptions;

    @Option(names = "--tokens", required = true, paramLabel = "IDS", description = "the token ids: 1,2,3")
    String tokens;

    @Option(names = "--logits", required = true, paramLabel = "OUT", description = "the file to write")
    Path output;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        int[] ids = TokenList.parse(tokens);
        if (ids.length == 0) {
            throw new IllegalArgumentException("--tokens is empty: give at least one token id");
        }
        try (Model model = Model.load(modelOptions.model);
                Session session = new Session(model, modelOptions.sessionOptions())) {
            float[] logits = session.evaluate(ids);
            byte[] bytes = new byte[logits.length * 4];
            java.nio.ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.LITTLE_ENDIAN).asFloatBuffer().put(logits);
            Files.write(output, bytes);
            spec.commandLine().getErr().println("wrote " + ids.length + " x " + model.config().vocabSize()
                    + " logits to " + output);
        }
        return 0;
    }
}
