package org.slmlab.engine;

/** Receives generated tokens as they are sampled (streaming). */
@FunctionalInterface
public interface TokenListener {

    /**
     * @param token the sampled id
     * @param text  the text it completes: possibly empty (a control token, or the first bytes of a multi-byte
     *              character whose rest is still to come); empty too when no tokenizer is loaded
     * @return false to stop generating
     */
    boolean onToken(int token, String text);
}
