package org.slmlab.tokenizer;

/**
 * One splitting pass of a pre-tokenizer (one regular expression of llama.cpp's {@code regex_exprs}). Each piece of
 * the input is split on its own: a stage never looks across the border of a piece made by an earlier stage.
 */
sealed interface SplitStage permits ScannerStage, RegexSplitter {

    /** Cuts every piece of {@code in} into smaller pieces; together they cover the text exactly once, in order. */
    Pieces split(CodepointText text, Pieces in);
}
