package org.slmlab.gguf;

/**
 * A metadata key that a caller asked for is missing, or holds another type than the caller needs (a
 * STRING where an integer was expected, an integer too large for an {@code int} ...). The file itself is
 * well-formed — that is checked by {@link GGUFFile#open}, which throws {@link GGUFFormatException} — so this
 * is unchecked: it signals a model that does not fit the code reading it.
 */
public final class GGUFMetadataException extends RuntimeException {

    public GGUFMetadataException(String message) {
        super(message);
    }
}
