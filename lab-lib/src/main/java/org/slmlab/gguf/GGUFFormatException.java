package org.slmlab.gguf;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The bytes of a file break the GGUF format. The message names the file, the byte offset where the
 * offending field starts, the field, and what was expected instead — enough to find the spot in a hex dump.
 *
 * <p>It is an {@link IOException} because it arises while reading a file, next to the other things that can
 * go wrong there (file missing, unreadable); callers of {@link GGUFFile#open} handle both in one place.
 */
public final class GGUFFormatException extends IOException {

    private final Path file;
    private final long offset;
    private final String field;

    public GGUFFormatException(Path file, long offset, String field, String problem) {
        super(file + ": at byte " + offset + ", " + field + ": " + problem);
        this.file = file;
        this.offset = offset;
        this.field = field;
    }

    public Path file() {
        return file;
    }

    /** Where the offending field starts, from the beginning of the file. */
    public long offset() {
        return offset;
    }

    /** The field that is wrong, as the format names it (e.g. {@code "tensor_count"}, {@code "tensor 't1' offset"}). */
    public String field() {
        return field;
    }
}
