package org.slmlab.engine;

import java.util.List;
import org.slmlab.model.Architecture;
import org.slmlab.tokenizer.Tokenizer;

/**
 * The turn formats of the lab's model families: how a conversation is written as one string of text and
 * special tokens before tokenization (with special-token parsing on). Generation stops at the family's
 * end-of-turn token, which the tokenizer reports through {@link Tokenizer#isEndOfGeneration}.
 */
public enum ChatFormat {
    /** Qwen (and SmolLM2-Instruct): ChatML, {@code <|im_start|>role\n…<|im_end|>\n}; no BOS. */
    CHATML,
    /** Llama 3.x: {@code <|start_header_id|>role<|end_header_id|>\n\n…<|eot_id|>} after BOS. */
    LLAMA3,
    /** Gemma: {@code <start_of_turn>user\n…<end_of_turn>\n}, the assistant is "model"; no system role. */
    GEMMA,
    /** Phi-3/Phi-4-mini: {@code <|user|>…<|end|>}, then {@code <|assistant|>}. */
    PHI,
    /** BitNet b1.58 2B4T: {@code User: …<|eot_id|>Assistant: } after BOS (Llama 3 tokens, plain-text roles). */
    BITNET;

    /** One message of a conversation; role is "system", "user" or "assistant". */
    public record Message(String role, String content) {
    }

    /** The format a model expects: its family, refined by which special tokens its vocabulary has. */
    public static ChatFormat detect(Architecture arch, Tokenizer tokenizer) {
        if (arch == Architecture.BITNET) {
            return BITNET;
        }
        if (arch == Architecture.GEMMA3) {
            return GEMMA;
        }
        if (arch == Architecture.PHI3) {
            return PHI;
        }
        if (arch == Architecture.QWEN2 || arch == Architecture.QWEN3 || hasToken(tokenizer, "<|im_start|>")) {
            return CHATML;
        }
        return LLAMA3;
    }

    private static boolean hasToken(Tokenizer tokenizer, String text) {
        for (int i = 0; i < tokenizer.vocabSize(); i++) {
            if (tokenizer.tokenText(i).equals(text)) {
                return true;
            }
        }
        return false;
    }

    /** The conversation as text, ending with the opening of the assistant's turn. */
    public String render(List<Message> messages) {
        StringBuilder sb = new StringBuilder();
        switch (this) {
            case CHATML -> {
                for (Message m : messages) {
                    sb.append("<|im_start|>").append(m.role()).append('\n').append(m.content()).append("<|im_end|>\n");
                }
                sb.append("<|im_start|>assistant\n");
            }
            case LLAMA3 -> {
                sb.append("<|begin_of_text|>");
                for (Message m : messages) {
                    sb.append("<|start_header_id|>").append(m.role()).append("<|end_header_id|>\n\n")
                            .append(m.content()).append("<|eot_id|>");
                }
                sb.append("<|start_header_id|>assistant<|end_header_id|>\n\n");
            }
            case GEMMA -> {
                sb.append("<bos>");
                String system = "";
                for (Message m : messages) {
                    if (m.role().equals("system")) {
                        system = m.content() + "\n\n"; // Gemma has no system turn: it opens the next user turn
                        continue;
                    }
                    String role = m.role().equals("assistant") ? "model" : m.role();
                    String content = role.equals("user") ? system + m.content() : m.content();
                    if (role.equals("user")) {
                        system = "";
                    }
                    sb.append("<start_of_turn>").append(role).append('\n').append(content).append("<end_of_turn>\n");
                }
                sb.append("<start_of_turn>model\n");
            }
            case PHI -> {
                for (Message m : messages) {
                    sb.append("<|").append(m.role()).append("|>").append(m.content()).append("<|end|>");
                }
                sb.append("<|assistant|>");
            }
            case BITNET -> {
                sb.append("<|begin_of_text|>");
                for (Message m : messages) {
                    String role = Character.toUpperCase(m.role().charAt(0)) + m.role().substring(1);
                    sb.append(role).append(": ").append(m.content()).append("<|eot_id|>");
                }
                sb.append("Assistant: ");
            }
        }
        return sb.toString();
    }
}
