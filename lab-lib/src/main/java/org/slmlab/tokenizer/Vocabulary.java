package org.slmlab.tokenizer;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A model's tokens and the facts about them that tokenization needs: text and score of every id, what kind of
 * token each is, the special ids (BOS, EOS, end-of-turn, …), and the options llama.cpp derives from the file.
 *
 * <p>{@link #load} follows llama.cpp's {@code llama_vocab::impl::load} rule for rule, including the defaults it
 * assumes when a key is missing and the tokens it recognises by their text (end-of-turn markers, fill-in-the-middle
 * markers, Phi-3's whitespace-stripping special tokens), so that a GGUF file tokenizes here as it does there.
 */
public final class Vocabulary {

    /** The two tokenizer models the lab implements (GGUF {@code tokenizer.ggml.model}). */
    public enum Model {
        /** {@code "llama"}: SentencePiece with scores and byte fallback (Llama 2, Phi-3, Gemma). */
        SENTENCEPIECE,
        /** {@code "gpt2"}: byte-level BPE with merges (GPT-2, Llama 3, Qwen, SmolLM, Phi-4). */
        BYTE_PAIR
    }

    /** Value of an absent special id, like llama.cpp's {@code LLAMA_TOKEN_NULL}. */
    public static final int NONE = -1;

    /** End-of-turn markers llama.cpp recognises by their text when the file names no end-of-turn id. */
    private static final List<String> EOT_TEXTS = List.of("<|eot_id|>", "<|im_end|>", "<|end|>", "<end_of_turn>",
            "<|endoftext|>", "<|end_of_text|>", "<EOT>", "_<EOT>", "[EOT]", "<｜end▁of▁sentence｜>",
            "<end_of_utterance>");
    private static final List<String> EOM_TEXTS = List.of("<|eom_id|>");
    private static final List<String> FIM_PRE_TEXTS = List.of("<|fim_prefix|>", "<fim-prefix>", "<fim_prefix>",
            "<｜fim▁begin｜>", "<PRE>", "▁<PRE>", "<|code_prefix|>");
    private static final List<String> FIM_SUF_TEXTS = List.of("<|fim_suffix|>", "<fim-suffix>", "<fim_suffix>",
            "<｜fim▁hole｜>", "<SUF>", "▁<SUF>", "<|code_suffix|>");
    private static final List<String> FIM_MID_TEXTS = List.of("<|fim_middle|>", "<fim-middle>", "<fim_middle>",
            "<｜fim▁end｜>", "<MID>", "▁<MID>", "<|code_middle|>");
    private static final List<String> FIM_PAD_TEXTS = List.of("<|fim_pad|>", "<fim-pad>", "<fim_pad>", "<PAD>",
            "[PAD]");
    private static final List<String> FIM_REP_TEXTS = List.of("<|fim_repo|>", "<|repo_name|>", "<fim-repo>",
            "<REPO>", "<reponame>");
    private static final List<String> FIM_SEP_TEXTS = List.of("<|file_sep|>");
    /** Tokens that end a generation wherever they appear in the vocabulary. */
    private static final Set<String> EOG_TEXTS = Set.of("<|eot_id|>", "<|im_end|>", "<|end|>", "<|return|>",
            "<|call|>", "<|flush|>", "<|calls|>", "<end_of_turn>", "<|endoftext|>", "</s>", "<|eom_id|>", "<EOT>",
            "_<EOT>", "[EOT]", "[EOS]", "<|end_of_text|>", "<end_of_utterance>", "<eos>", "<turn|>",
            "<|tool_response>", "<｜end▁of▁sentence｜>");

    private final Model model;
    private final PreTokenizer.Settings preSettings;
    private final String[] texts;
    private final float[] scores;
    private final int[] attributes;
    private final Map<String, Integer> ids;
    private final Map<String, Integer> mergeRanks;

    private int bos;
    private int eos;
    private int eot = NONE;
    private int eom = NONE;
    private int unk;
    private int sep = NONE;
    private int pad = NONE;
    private int mask = NONE;
    private int fimPre = NONE;
    private int fimSuf = NONE;
    private int fimMid = NONE;
    private int fimPad = NONE;
    private int fimRep = NONE;
    private int fimSep = NONE;

    private boolean addBos;
    private boolean addEos;
    private boolean addSep;
    private final boolean addSpacePrefix;
    private final boolean cleanSpaces;
    private final boolean escapeWhitespaces;

    private final Set<Integer> endOfGeneration = new TreeSet<>();
    /** Control, user-defined and unknown tokens, longest text first: the order special text is searched in. */
    private final int[] specialTokens;

    private Vocabulary(TokenizerMetadata meta) {
        int n = meta.tokens().length;
        if (n == 0) {
            throw new IllegalArgumentException(TokenizerMetadata.TOKENS + " is empty");
        }
        switch (meta.model()) {
            case "llama" -> {
                model = Model.SENTENCEPIECE;
                preSettings = null;
                bos = 1;
                eos = 2;
                unk = 0;
                addSpacePrefix = flag(meta, TokenizerMetadata.ADD_SPACE_PREFIX, true);
                cleanSpaces = false;
                escapeWhitespaces = true;
                addBos = true;
                mergeRanks = Map.of();
            }
            case "gpt2" -> {
                model = Model.BYTE_PAIR;
                if (meta.merges() == null) {
                    throw new IllegalArgumentException("cannot find tokenizer merges (" + TokenizerMetadata.MERGES
                            + ") in a '" + meta.model() + "' vocabulary");
                }
                mergeRanks = mergeRanks(meta.merges());
                // llama.cpp's placeholder defaults for BPE files; real files name their own.
                bos = 11;
                eos = 11;
                unk = NONE;
                preSettings = PreTokenizer.settings(meta.pre());
                addSpacePrefix = flag(meta, TokenizerMetadata.ADD_SPACE_PREFIX, false);
                cleanSpaces = preSettings.cleanSpaces();
                escapeWhitespaces = false;
                addBos = preSettings.addBos();
            }
            default -> throw new IllegalArgumentException("unknown tokenizer model '" + meta.model() + "' ("
                    + TokenizerMetadata.MODEL + "); supported: llama (SentencePiece), gpt2 (byte-level BPE)");
        }

        texts = new String[n];
        scores = new float[n];
        attributes = new int[n];
        ids = new HashMap<>(n * 2);
        checkLength(meta.scores() == null ? n : meta.scores().length, n, TokenizerMetadata.SCORES);
        checkLength(meta.tokenTypes() == null ? n : meta.tokenTypes().length, n, TokenizerMetadata.TOKEN_TYPE);
        for (int id = 0; id < n; id++) {
            String text = meta.tokens()[id];
            if (text == null || text.isEmpty()) {
                text = "[EMPTY_" + id + "]"; // llama.cpp's stand-in, so that every token has a distinct text
            }
            Integer previous = ids.putIfAbsent(text, id);
            if (previous != null) {
                throw new IllegalArgumentException("duplicate token in vocabulary (" + TokenizerMetadata.TOKENS
                        + "): '" + text + "' has ids " + previous + " and " + id);
            }
            texts[id] = text;
            scores[id] = meta.scores() == null ? 0f : meta.scores()[id];
            attributes[id] = meta.tokenTypes() == null
                    ? TokenAttributes.NORMAL : TokenAttributes.fromGgufTokenType(meta.tokenTypes()[id]);
        }

        readSpecialIds(meta);
        addBos = flag(meta, TokenizerMetadata.ADD_BOS, addBos);
        addEos = flag(meta, TokenizerMetadata.ADD_EOS, addEos);
        addSep = flag(meta, TokenizerMetadata.ADD_SEP, addSep);
        requireIdFor(addBos, bos, TokenizerMetadata.ADD_BOS, TokenizerMetadata.BOS_ID);
        requireIdFor(addEos, eos, TokenizerMetadata.ADD_EOS, TokenizerMetadata.EOS_ID);
        requireIdFor(addSep, sep, TokenizerMetadata.ADD_SEP, TokenizerMetadata.SEP_ID);

        recognizeSpecialTokensByText();
        collectEndOfGeneration();
        specialTokens = sortedSpecialTokens();
        applyModelQuirks(meta.generalName());
    }

    /** Builds the vocabulary llama.cpp would build from the same metadata. */
    public static Vocabulary load(TokenizerMetadata metadata) {
        return new Vocabulary(metadata);
    }

    private static boolean flag(TokenizerMetadata meta, String key, boolean dflt) {
        return meta.flags().getOrDefault(key, dflt);
    }

    private static void checkLength(int length, int n, String key) {
        if (length < n) {
            throw new IllegalArgumentException(key + " has " + length + " entries for " + n + " tokens");
        }
    }

    private static void requireIdFor(boolean add, int id, String addKey, String idKey) {
        if (add && id == NONE) {
            throw new IllegalArgumentException(addKey + " is true, but " + idKey + " is not set");
        }
    }

    /**
     * Merge rank of each {@code "left right"} pair: its index in {@code tokenizer.ggml.merges}. The pair is split
     * at the first space after the first character (a merge never starts with its separator); the first
     * occurrence of a repeated pair keeps its rank.
     */
    private static Map<String, Integer> mergeRanks(String[] merges) {
        Map<String, Integer> ranks = new HashMap<>(merges.length * 2);
        for (int i = 0; i < merges.length; i++) {
            if (merges[i] != null && merges[i].indexOf(' ', 1) > 0) {
                ranks.putIfAbsent(merges[i], i);
            }
        }
        return ranks;
    }

    private void readSpecialIds(TokenizerMetadata meta) {
        int n = texts.length;
        // llama.cpp drops a default id that is outside the vocabulary (a tiny BPE vocabulary has no token 11) ...
        bos = bos >= n ? NONE : bos;
        eos = eos >= n ? NONE : eos;
        unk = unk >= n ? NONE : unk;
        // ... and ignores a file's id that is outside it, keeping the default.
        for (String key : TokenizerMetadata.ID_KEYS) {
            Long value = meta.tokenIds().get(key);
            if (value == null || value < 0 || value >= n) {
                continue;
            }
            int id = value.intValue();
            switch (key) {
                case TokenizerMetadata.BOS_ID -> bos = id;
                case TokenizerMetadata.EOS_ID -> eos = id;
                case TokenizerMetadata.EOT_ID -> eot = id;
                case TokenizerMetadata.EOM_ID -> eom = id;
                case TokenizerMetadata.UNK_ID -> unk = id;
                case TokenizerMetadata.SEP_ID -> sep = id;
                case TokenizerMetadata.PAD_ID -> pad = id;
                case TokenizerMetadata.MASK_ID -> mask = id;
                case TokenizerMetadata.FIM_PRE_ID, TokenizerMetadata.PREFIX_ID -> fimPre = id;
                case TokenizerMetadata.FIM_SUF_ID, TokenizerMetadata.SUFFIX_ID -> fimSuf = id;
                case TokenizerMetadata.FIM_MID_ID, TokenizerMetadata.MIDDLE_ID -> fimMid = id;
                case TokenizerMetadata.FIM_PAD_ID -> fimPad = id;
                case TokenizerMetadata.FIM_REP_ID -> fimRep = id;
                case TokenizerMetadata.FIM_SEP_ID -> fimSep = id;
                default -> throw new IllegalStateException(key);
            }
        }
    }

    /**
     * Finds the end-of-turn and fill-in-the-middle tokens by their text when the file does not name them, and
     * makes sure they count as control tokens. llama.cpp takes the first candidate its hash map happens to yield;
     * here the first in the candidate list wins ({@code <|eot_id|>} before {@code <|end_of_text|>}, {@code <|im_end|>}
     * before {@code <|endoftext|>}, {@code <|end|>} before {@code <|endoftext|>}), which is the choice llama.cpp
     * reports for Llama 3, Qwen and Phi-3 files.
     */
    private void recognizeSpecialTokensByText() {
        eot = eot == NONE ? findControl(EOT_TEXTS) : eot;
        eom = eom == NONE ? findControl(EOM_TEXTS) : eom;
        fimPre = fimPre == NONE ? findControl(FIM_PRE_TEXTS) : fimPre;
        fimSuf = fimSuf == NONE ? findControl(FIM_SUF_TEXTS) : fimSuf;
        fimMid = fimMid == NONE ? findControl(FIM_MID_TEXTS) : fimMid;
        fimPad = fimPad == NONE ? findControl(FIM_PAD_TEXTS) : fimPad;
        fimRep = fimRep == NONE ? findControl(FIM_REP_TEXTS) : fimRep;
        fimSep = fimSep == NONE ? findControl(FIM_SEP_TEXTS) : fimSep;
        // Control tokens named like "<unused42>" are marked unused.
        for (int id = 0; id < texts.length; id++) {
            if ((attributes[id] & TokenAttributes.CONTROL) != 0 && texts[id].contains("unused")) {
                attributes[id] |= TokenAttributes.UNUSED;
            }
        }
    }

    private int findControl(List<String> candidates) {
        for (String text : candidates) {
            Integer id = ids.get(text);
            if (id != null) {
                attributes[id] |= TokenAttributes.CONTROL;
                return id;
            }
        }
        return NONE;
    }

    /** llama.cpp's end-of-generation set: the FIM pad/repo/separator tokens, known end markers, EOS, EOT, EOM. */
    private void collectEndOfGeneration() {
        for (int id : new int[] {fimPad, fimRep, fimSep}) {
            if (id != NONE) {
                endOfGeneration.add(id);
            }
        }
        for (int id = 0; id < texts.length; id++) {
            if (EOG_TEXTS.contains(texts[id])) {
                endOfGeneration.add(id);
                attributes[id] |= TokenAttributes.CONTROL;
            }
        }
        // gpt-oss channel markers are always rendered, so they are user-defined rather than control tokens.
        for (String text : List.of("<|channel|>", "<|message|>", "<|start|>", "<|constrain|>")) {
            Integer id = ids.get(text);
            if (id != null) {
                attributes[id] = TokenAttributes.USER_DEFINED;
            }
        }
        for (int id : new int[] {eos, eot, eom}) {
            if (id != NONE) {
                endOfGeneration.add(id);
            }
        }
        // Harmony-style vocabularies (<|return|> and <|call|>, or <|calls|> and <|flush|>) use <|end|> mid-turn.
        boolean hasReturn = containsEog("<|return|>");
        boolean hasCall = containsEog("<|call|>") || containsEog("<|calls|>");
        boolean hasFlush = containsEog("<|flush|>");
        Integer end = ids.get("<|end|>");
        if (end != null && endOfGeneration.contains(end) && hasCall && (hasReturn || hasFlush)) {
            endOfGeneration.remove(end);
            attributes[end] = TokenAttributes.USER_DEFINED;
        }
        // Gemma 4 style vocabularies (with <|tool_response>) use </s> as ordinary text.
        Integer s = ids.get("</s>");
        if (s != null && endOfGeneration.contains(s) && containsEog("<|tool_response>")) {
            endOfGeneration.remove(s);
            attributes[s] = TokenAttributes.NORMAL;
        }
    }

    private boolean containsEog(String text) {
        Integer id = ids.get(text);
        return id != null && endOfGeneration.contains(id);
    }

    private int[] sortedSpecialTokens() {
        List<Integer> special = new ArrayList<>();
        int kinds = TokenAttributes.CONTROL | TokenAttributes.USER_DEFINED | TokenAttributes.UNKNOWN;
        for (int id = 0; id < texts.length; id++) {
            if ((attributes[id] & kinds) != 0) {
                special.add(id);
            }
        }
        // Longest first, so that "<|im_start|>" is found before a shorter token it contains.
        special.sort(Comparator.comparingInt((Integer id) -> -texts[id].length()));
        return special.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * Per-model attributes llama.cpp sets by name: in files whose {@code general.name} mentions Phi-3, the special
     * tokens (and {@code </s>}) swallow the whitespace after them, except {@code <unk>}, {@code <s>} and
     * {@code <|endoftext|>}.
     */
    private void applyModelQuirks(String generalName) {
        String name = generalName.toLowerCase(Locale.ROOT);
        if (name.contains("phi-3") || name.contains("phi3")) {
            for (int id : specialTokens) {
                attributes[id] |= TokenAttributes.RSTRIP;
            }
            setAttribute("</s>", TokenAttributes.RSTRIP, true);
            for (String text : List.of("<unk>", "<s>", "<|endoftext|>")) {
                setAttribute(text, TokenAttributes.RSTRIP, false);
            }
        }
    }

    private void setAttribute(String text, int attribute, boolean on) {
        Integer id = ids.get(text);
        if (id != null) {
            attributes[id] = on ? attributes[id] | attribute : attributes[id] & ~attribute;
        }
    }

    // ---- queries ----

    public Model model() {
        return model;
    }

    /** The pre-tokenizer settings of a byte-level BPE vocabulary; null for SentencePiece. */
    public PreTokenizer.Settings preTokenizerSettings() {
        return preSettings;
    }

    public int size() {
        return texts.length;
    }

    /** The token's text as stored in the file (with {@code ▁} or {@code Ġ} for spaces). */
    public String text(int id) {
        return texts[checkId(id)];
    }

    public float score(int id) {
        return scores[checkId(id)];
    }

    /** The {@link TokenAttributes} bits of a token. */
    public int attributes(int id) {
        return attributes[checkId(id)];
    }

    public boolean has(int id, int attribute) {
        return (attributes(id) & attribute) != 0;
    }

    /** The id of a token text, or {@link #NONE}. */
    public int id(String text) {
        Integer id = ids.get(text);
        return id == null ? NONE : id;
    }

    /** The merge rank of the pair {@code left right}, or -1 when the two never merge. */
    int mergeRank(String pair) {
        Integer r = mergeRanks.get(pair);
        return r == null ? -1 : r;
    }

    public int mergeCount() {
        return mergeRanks.size();
    }

    public int bos() {
        return bos;
    }

    public int eos() {
        return eos;
    }

    public int eot() {
        return eot;
    }

    public int eom() {
        return eom;
    }

    public int unk() {
        return unk;
    }

    public int sep() {
        return sep;
    }

    public int pad() {
        return pad;
    }

    public int mask() {
        return mask;
    }

    public boolean addBos() {
        return addBos;
    }

    public boolean addEos() {
        return addEos;
    }

    public boolean addSpacePrefix() {
        return addSpacePrefix;
    }

    public boolean cleanSpaces() {
        return cleanSpaces;
    }

    /** Whether spaces are written {@code ▁} (SentencePiece) before tokenization. */
    public boolean escapeWhitespaces() {
        return escapeWhitespaces;
    }

    /** The tokens that end a generation (EOS, end-of-turn and friends), ascending. */
    public Set<Integer> endOfGeneration() {
        return Collections.unmodifiableSet(endOfGeneration);
    }

    public boolean isEndOfGeneration(int id) {
        return endOfGeneration.contains(id);
    }

    /** Control, user-defined and unknown tokens, longest text first. */
    int[] specialTokens() {
        return specialTokens.clone();
    }

    private int checkId(int id) {
        if (id < 0 || id >= texts.length) {
            throw new IllegalArgumentException("token id " + id + " is outside the vocabulary (0.." + (texts.length - 1)
                    + ")");
        }
        return id;
    }

    @Override
    public String toString() {
        return model + " vocabulary of " + texts.length + " tokens"
                + (preSettings == null ? "" : ", pre-tokenizer " + preSettings.family()) + ", BOS " + bos + ", EOS "
                + eos + ", end of generation " + endOfGeneration;
    }
}
