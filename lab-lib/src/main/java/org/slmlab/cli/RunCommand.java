package org.slmlab.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slmlab.engine.GenerationResult;
import org.slmlab.engine.RunStats;
import org.slmlab.engine.Session;
import org.slmlab.model.Model;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ./lab run}: generate text from a prompt, streaming it as it comes. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Generate text with a GGUF model, streaming it; --json prints tokens, text and statistics.")
public final class RunCommand implements Callable<Integer> {

    static final class Prompt {
        @Option(names = {"-p", "--prompt"}, paramLabel = "TEXT", description = "the prompt text") String text;
        @Option(names = "--tokens", paramLabel = "IDS", description = "the prompt as token ids: 1,2,3") String tokens;
    }

    @Mixin
    ModelOptions modelOptions;

    @Mixin
    SamplingOptions sampling;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Prompt prompt;

    @Option(names = {"-n", "--n-predict"}, paramLabel = "N", defaultValue = "128",
            description = "most tokens to generate (default: ${DEFAULT-VALUE})")
    int maxTokens;

    @Mixin
    JsonOption output;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = output.out();
        try (Model model = Model.load(modelOptions.model); Session session = new Session(model,
                modelOptions.sessionOptions())) {
            int[] ids = prompt.tokens != null ? TokenList.parse(prompt.tokens)
                    : session.tokenizer().encode(prompt.text, true, false);
            if (!output.json && prompt.text != null) {
                out.print(prompt.text);
                out.flush();
            }
            GenerationResult r = session.generate(ids, maxTokens, sampling.settings(), (id, text) -> {
                if (!output.json) {
                    out.print(text);
                    out.flush();
                }
                return true;
            });
            if (output.json) {
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("prompt_tokens", r.promptTokens());
                o.put("generated", r.generated());
                o.put("text", r.text());
                o.put("stop", r.stoppedBy().name().toLowerCase(java.util.Locale.ROOT));
                o.put("stats", statsJson(r.stats()));
                out.println(new ObjectMapper().writeValueAsString(o));
            } else {
                out.println();
                output.err().println(r.stats());
            }
        }
        return 0;
    }

    static Map<String, Object> statsJson(RunStats s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("prompt_tokens", s.promptTokens());
        m.put("generated_tokens", s.generatedTokens());
        m.put("prompt_seconds", s.promptSeconds());
        m.put("generation_seconds", s.generationSeconds());
        m.put("prompt_tokens_per_second", s.promptTokensPerSecond());
        m.put("generation_tokens_per_second", s.generationTokensPerSecond());
        m.put("time_to_first_token_seconds", s.firstTokenSeconds());
        m.put("model_bytes", s.modelBytes());
        m.put("kv_cache_bytes", s.kvCacheBytes());
        m.put("heap_bytes", s.heapBytes());
        return m;
    }
}
