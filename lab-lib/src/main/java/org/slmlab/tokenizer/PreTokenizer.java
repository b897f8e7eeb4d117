package org.slmlab.tokenizer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The first step of byte-level BPE: cutting a text into words, so that merges never cross a word boundary. Each
 * model family fixes its own rules (GGUF key {@code tokenizer.ggml.pre}); this class holds the families llama.cpp
 * knows for the lab's models, each as the list of splitting stages llama.cpp runs ({@code regex_exprs} in
 * {@code llama-vocab.cpp}).
 *
 * <p>Where llama.cpp has a hand-written scanner for an expression (GPT-2's and Llama 3's), so does this class;
 * the others run as regular expressions on the collapsed text, exactly as llama.cpp runs them.
 */
public final class PreTokenizer {

    /** GPT-2's expression; llama.cpp recognises it by its text and runs its scanner instead. */
    static final String GPT2_REGEX = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)";

    /** Qwen2's expression: Llama 3's with single digits; llama.cpp has no scanner for it, so it runs as a regex. */
    static final String QWEN2_REGEX = "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])"
            + "|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

    /**
     * GPT-4o's expression (Phi-4-mini, Llama 4). Its tokenizer.json spells "an upper-case-ish letter" as
     * {@code [\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]}; llama.cpp approximates that with {@code ((?=[\p{L}])([^a-z]))} — a
     * letter that is not ASCII lower case — and "lower-case-ish" with {@code ((?=[\p{L}])([^A-Z]))}. Each such group
     * matches exactly one character, so they are written here as the equal class intersections
     * {@code [\p{L}&&[^a-z]]} and {@code [\p{L}&&[^A-Z]]}, which Java matches without recursion on long words.
     */
    static final String GPT4O_REGEX = "[^\\r\\n\\p{L}\\p{N}]?[\\p{L}&&[^a-z]]*[\\p{L}&&[^A-Z]]+"
            + "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])?"
            + "|[^\\r\\n\\p{L}\\p{N}]?[\\p{L}&&[^a-z]]+[\\p{L}&&[^A-Z]]*"
            + "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])?"
            + "|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

    /** A pre-tokenizer family and the decoding/merging options llama.cpp sets along with it. */
    public enum Family {
        /** {@code default}: what llama.cpp uses when a BPE file names no pre-tokenizer. */
        DEFAULT,
        /** Llama 3 ({@code llama-bpe}) and its relatives. */
        LLAMA3,
        /** GPT-2 and models that kept its rules. */
        GPT2,
        /** Qwen2/Qwen2.5/Qwen3. */
        QWEN2,
        /** GPT-4o's rules (Phi-4-mini). */
        GPT4O,
        /** StarCoder's rules (SmolLM, SmolLM2): every digit its own piece, then GPT-2's rules. */
        SMOLLM
    }

    /**
     * What one {@code tokenizer.ggml.pre} name means to llama.cpp.
     *
     * @param cleanSpaces  whether decoding removes the space before {@code , . ! ?} and some contractions
     * @param ignoreMerges whether a word that is itself a token skips the merges (Llama 3)
     * @param addBos       the default of "add a BOS token" before {@code tokenizer.ggml.add_bos_token} is read
     */
    public record Settings(Family family, boolean cleanSpaces, boolean ignoreMerges, boolean addBos) {
    }

    private static final Map<String, Settings> BY_NAME = new LinkedHashMap<>();

    static {
        Settings llama3 = new Settings(Family.LLAMA3, true, true, true);
        for (String n : List.of("llama-bpe", "llama3", "llama-v3", "falcon3", "falcon-h1", "pixtral", "midm-2.0",
                "lfm2")) {
            BY_NAME.put(n, llama3);
        }
        Settings gpt2 = new Settings(Family.GPT2, true, false, false);
        for (String n : List.of("gpt-2", "phi-2", "jina-es", "jina-de", "gigachat", "jina-v2-es", "jina-v2-de",
                "a.x-4.0", "mellum", "mpt", "olmo", "jais", "exaone4")) {
            BY_NAME.put(n, gpt2);
        }
        BY_NAME.put("qwen2", new Settings(Family.QWEN2, false, false, false));
        BY_NAME.put("deepseek-r1-qwen", new Settings(Family.QWEN2, false, false, false));
        BY_NAME.put("stablelm2", new Settings(Family.QWEN2, true, false, false));
        BY_NAME.put("megrez", new Settings(Family.QWEN2, true, false, false));
        BY_NAME.put("gpt-4o", new Settings(Family.GPT4O, false, false, false));
        BY_NAME.put("llama4", new Settings(Family.GPT4O, false, false, false));
        BY_NAME.put("smollm", new Settings(Family.SMOLLM, false, false, false));
        BY_NAME.put("command-r", new Settings(Family.SMOLLM, false, false, false));
        for (String n : List.of("starcoder", "refact", "codeshell", "exaone", "minerva-7b")) {
            BY_NAME.put(n, new Settings(Family.SMOLLM, true, false, false));
        }
        BY_NAME.put("default", new Settings(Family.DEFAULT, true, false, false));
    }

    private final Family family;
    private final List<SplitStage> stages;

    private PreTokenizer(Family family, List<SplitStage> stages) {
        this.family = family;
        this.stages = stages;
    }

    /**
     * The settings of a {@code tokenizer.ggml.pre} name; an empty name means {@code default}, as in llama.cpp.
     *
     * @throws IllegalArgumentException for a name this lab does not know, listing the ones it does
     */
    public static Settings settings(String pre) {
        Settings s = BY_NAME.get(pre.isEmpty() ? "default" : pre);
        if (s == null) {
            throw new IllegalArgumentException("unknown pre-tokenizer type '" + pre + "' (tokenizer.ggml.pre); "
                    + "supported: " + String.join(", ", BY_NAME.keySet()));
        }
        return s;
    }

    /** The pre-tokenizer of a family. */
    public static PreTokenizer of(Family family) {
        List<SplitStage> stages = switch (family) {
            case LLAMA3 -> List.of(new Llama3Splitter());
            case GPT2 -> List.of(new Gpt2Splitter());
            case QWEN2 -> List.of(new RegexSplitter(QWEN2_REGEX));
            case GPT4O -> List.of(new RegexSplitter(GPT4O_REGEX));
            case SMOLLM -> List.of(new RegexSplitter("\\p{N}"), new Gpt2Splitter());
            case DEFAULT -> List.of(
                    new RegexSplitter("[\\p{P}\\$\\+<=>\\^~\\|]+"),
                    new Gpt2Splitter(),
                    new RegexSplitter("\\p{N}+"),
                    new RegexSplitter("[0-9][0-9][0-9]"));
        };
        return new PreTokenizer(family, stages);
    }

    public Family family() {
        return family;
    }

    /** The words of {@code text}, in order; concatenated they give {@code text} back. */
    public List<String> split(String text) {
        CodepointText cps = new CodepointText(text);
        Pieces pieces = Pieces.whole(cps.length());
        for (SplitStage stage : stages) {
            pieces = stage.split(cps, pieces);
        }
        List<String> words = new ArrayList<>(pieces.count());
        for (int i = 0; i < pieces.count(); i++) {
            words.add(cps.substring(pieces.start(i), pieces.end(i)));
        }
        return words;
    }
}
