package org.slmlab.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.slmlab.gguf.GGUFFile;

/**
 * Text to token ids and back, exactly as llama.cpp does it for the same GGUF file.
 *
 * <p>Two tokenizer models are supported: SentencePiece ({@code tokenizer.ggml.model = "llama"}: Llama 2, Phi-3,
 * Gemma, TinyStories) and GPT-2 style byte-level BPE ({@code "gpt2"}: Llama 3, Qwen, SmolLM, Phi-4, GPT-2). Encoding
 * goes in three steps:
 * <ol>
 *   <li>special-token text is cut out ({@link SpecialTokenSplitter}), only user-defined tokens unless
 *       {@code parseSpecial} is set;</li>
 *   <li>each remaining stretch of text is tokenized: SentencePiece replaces spaces with {@code ▁} (and puts one in
 *       front) and merges by score ({@link SentencePieceEncoder}); BPE first cuts the text into words
 *       ({@link PreTokenizer}) and merges the bytes of each word by rank ({@link BytePairEncoder});</li>
 *   <li>with {@code addSpecial}, BOS (and EOS where the model wants it) is added.</li>
 * </ol>
 * Instances are immutable and safe to share between threads.
 */
public final class Tokenizer {

    private final Vocabulary vocab;
    private final int[] specialTokens;
    private final SentencePieceEncoder sentencePiece;
    private final PreTokenizer preTokenizer;
    private final BytePairEncoder bytePair;
    private final Detokenizer detokenizer;

    private Tokenizer(Vocabulary vocab) {
        this.vocab = vocab;
        this.specialTokens = vocab.specialTokens();
        if (vocab.model() == Vocabulary.Model.SENTENCEPIECE) {
            sentencePiece = new SentencePieceEncoder(vocab);
            preTokenizer = null;
            bytePair = null;
        } else {
            sentencePiece = null;
            preTokenizer = PreTokenizer.of(vocab.preTokenizerSettings().family());
            bytePair = new BytePairEncoder(vocab, vocab.preTokenizerSettings().ignoreMerges());
        }
        detokenizer = new Detokenizer(vocab);
    }

    /** The tokenizer of a GGUF model or vocabulary file (the file can be closed afterwards). */
    public static Tokenizer fromGguf(GGUFFile gguf) {
        return fromMetadata(TokenizerMetadata.read(gguf));
    }

    /** The tokenizer of a vocabulary built from GGUF-style metadata. */
    public static Tokenizer fromMetadata(TokenizerMetadata metadata) {
        return new Tokenizer(Vocabulary.load(metadata));
    }

    public Vocabulary vocabulary() {
        return vocab;
    }

    /** Tokenizes as a model prompt: with BOS if the model wants it, special-token text kept as text. */
    public int[] encode(String text) {
        return encode(text, true, false);
    }

    /**
     * Tokenizes {@code text} (llama.cpp {@code llama_tokenize}).
     *
     * @param addSpecial   add BOS/EOS as the model's {@code add_bos_token}/{@code add_eos_token} say
     * @param parseSpecial turn control-token text such as {@code <|im_start|>} into that token (for chat
     *                     templates); when false only user-defined tokens are recognised in the text
     */
    public int[] encode(String text, boolean addSpecial, boolean parseSpecial) {
        IntList out = new IntList();
        if (addSpecial && vocab.addBos()) {
            out.add(vocab.bos());
        }
        boolean afterSpecial = true; // SentencePiece: a text that starts the input or follows a special token
        for (SpecialTokenSplitter.Fragment f : SpecialTokenSplitter.split(vocab, specialTokens, text, parseSpecial)) {
            if (!f.isText()) {
                out.add(f.id());
                afterSpecial = true;
                continue;
            }
            String part = text.substring(f.start(), f.end());
            if (sentencePiece != null) {
                String prefixed = vocab.addSpacePrefix() && afterSpecial ? " " + part : part;
                sentencePiece.encode(prefixed.replace(' ', '▁'), out);
                afterSpecial = false;
            } else {
                for (String word : preTokenizer.split(part)) {
                    bytePair.encodeWord(word, out);
                }
            }
        }
        if (addSpecial && vocab.addEos()) {
            out.add(vocab.eos());
        }
        return out.toArray();
    }

    /**
     * Token ids back to text, as a model's output is shown: control tokens render as nothing, and SentencePiece's
     * leading space is removed. Bytes that do not form valid UTF-8 (a cut multi-byte character) become U+FFFD.
     */
    public String decode(int[] ids) {
        return decode(ids, false, false);
    }

    /**
     * Token ids back to text (llama.cpp {@code llama_detokenize}).
     *
     * @param removeSpecial  drop a leading BOS / trailing EOS that the model adds itself
     * @param unparseSpecial render control tokens as their text (e.g. {@code <|im_end|>})
     */
    public String decode(int[] ids, boolean removeSpecial, boolean unparseSpecial) {
        return new String(decodeBytes(ids, removeSpecial, unparseSpecial), StandardCharsets.UTF_8);
    }

    /** The raw bytes of {@link #decode(int[], boolean, boolean)}. */
    public byte[] decodeBytes(int[] ids, boolean removeSpecial, boolean unparseSpecial) {
        return detokenizer.detokenize(ids, removeSpecial, unparseSpecial);
    }

    /**
     * The bytes one token stands for (llama.cpp {@code llama_token_to_piece}, no space stripping), for streaming
     * output token by token. With {@code special} false, control tokens give no bytes.
     */
    public byte[] piece(int id, boolean special) {
        vocab.attributes(id); // rejects an id outside the vocabulary
        return detokenizer.piece(id, special);
    }

    /** The token's text as stored in the file, e.g. {@code "▁Hello"} or {@code "ĠHello"}. */
    public String tokenText(int id) {
        return vocab.text(id);
    }

    /** The words the BPE pre-tokenizer cuts {@code text} into (empty list for SentencePiece, which has none). */
    public List<String> preTokenize(String text) {
        return preTokenizer == null ? List.of() : preTokenizer.split(text);
    }

    public int vocabSize() {
        return vocab.size();
    }

    /** Beginning-of-sequence id, or {@link Vocabulary#NONE}. */
    public int bos() {
        return vocab.bos();
    }

    /** End-of-sequence id, or {@link Vocabulary#NONE}. */
    public int eos() {
        return vocab.eos();
    }

    /** End-of-turn id (e.g. {@code <|eot_id|>}, {@code <|im_end|>}), or {@link Vocabulary#NONE}. */
    public int eot() {
        return vocab.eot();
    }

    /** Whether generating this token ends the generation (EOS, end of turn, …). */
    public boolean isEndOfGeneration(int id) {
        return vocab.isEndOfGeneration(id);
    }

    /** Whether {@link #encode(String)} starts with BOS. */
    public boolean addsBos() {
        return vocab.addBos();
    }

    @Override
    public String toString() {
        return vocab.toString();
    }
}
