package org.slmlab.gguf;

/**
 * The type tag stored before every metadata value (a {@code u32} in the file). The names are those of
 * gguf-py's {@code GGUFValueType}, so our JSON and llama.cpp's tools use the same words.
 *
 * <p>Numbers, booleans and strings are scalars; {@link #ARRAY} values carry a second tag, the type of
 * their elements (any scalar type — llama.cpp rejects arrays of arrays, and so do we).
 */
public enum GGUFValueType {
    UINT8(0, 1),
    INT8(1, 1),
    UINT16(2, 2),
    INT16(3, 2),
    UINT32(4, 4),
    INT32(5, 4),
    FLOAT32(6, 4),
    BOOL(7, 1),
    STRING(8, 0),
    ARRAY(9, 0),
    UINT64(10, 8),
    INT64(11, 8),
    FLOAT64(12, 8);

    private static final GGUFValueType[] BY_ID = values();

    private final int id;
    private final int size;

    GGUFValueType(int id, int size) {
        this.id = id;
        this.size = size;
    }

    /** The tag as stored in the file. */
    public int id() {
        return id;
    }

    /** Bytes one value takes in the file, or 0 for the variable-length STRING and ARRAY. */
    public int size() {
        return size;
    }

    public boolean isInteger() {
        return switch (this) {
            case UINT8, INT8, UINT16, INT16, UINT32, INT32, UINT64, INT64 -> true;
            default -> false;
        };
    }

    public boolean isFloat() {
        return this == FLOAT32 || this == FLOAT64;
    }

    /** Unsigned types are read zero-extended; UINT64 keeps its 64 bits in a (possibly negative) long. */
    public boolean isUnsigned() {
        return this == UINT8 || this == UINT16 || this == UINT32 || this == UINT64;
    }

    /** The type with this tag, or null when the tag is not one GGUF defines. */
    public static GGUFValueType fromId(long id) {
        return id >= 0 && id < BY_ID.length ? BY_ID[(int) id] : null;
    }
}
