package org.slmlab.cli;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.slmlab.engine.ChatFormat;
import org.slmlab.engine.GenerationResult;
import org.slmlab.engine.Session;
import org.slmlab.model.Model;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code ./lab chat}: an interactive chat in the terminal, in the model's own turn format. */
@Command(name = "chat", mixinStandardHelpOptions = true,
        description = "Chat with an instruction-tuned model in the terminal (empty line or /exit ends).")
public final class ChatCommand implements Callable<Integer> {

    @Mixin
    ModelOptions modelOptions;

    @Mixin
    SamplingOptions sampling;

    @Option(names = "--system", paramLabel = "TEXT", description = "a system prompt")
    String system;

    @Option(names = {"-n", "--n-predict"}, paramLabel = "N", defaultValue = "512",
            description = "most tokens per answer (default: ${DEFAULT-VALUE})")
    int maxTokens;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        try (Model model = Model.load(modelOptions.model);
                Session session = new Session(model, modelOptions.sessionOptions())) {
            ChatFormat format = ChatFormat.detect(model.config().architecture(), session.tokenizer());
            List<ChatFormat.Message> conversation = new ArrayList<>();
            if (system != null) {
                conversation.add(new ChatFormat.Message("system", system));
            }
            out.println("chat with " + modelOptions.model.getFileName() + " (" + format + " format); "
                    + "an empty line or /exit ends");
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            while (true) {
                out.print("> ");
                out.flush();
                String line = in.readLine();
                if (line == null || line.isBlank() || line.strip().equals("/exit")) {
                    return 0;
                }
                conversation.add(new ChatFormat.Message("user", line));
                // The whole conversation is re-read each turn: simple, and prompt processing is batched.
                session.reset();
                int[] ids = session.tokenizer().encode(format.render(conversation), false, true);
                GenerationResult r = session.generate(ids, maxTokens, sampling.settings(), (id, text) -> {
                    out.print(text);
                    out.flush();
                    return true;
                });
                out.println();
                conversation.add(new ChatFormat.Message("assistant", r.text()));
            }
        }
    }
}
