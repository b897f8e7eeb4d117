package org.slmlab.tokenizer;

/** A splitting stage written as a scanner that walks each piece from left to right, cutting as it goes. */
abstract sealed class ScannerStage implements SplitStage permits Gpt2Splitter, Llama3Splitter {

    @Override
    public final Pieces split(CodepointText text, Pieces in) {
        Pieces out = new Pieces();
        for (int p = 0; p < in.count(); p++) {
            scan(new Piece(text.cps, in.start(p), in.end(p), out));
        }
        return out;
    }

    /** Cuts one piece; every position of it ends up in exactly one new piece. */
    abstract void scan(Piece s);
}
