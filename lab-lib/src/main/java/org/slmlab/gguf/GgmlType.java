package org.slmlab.gguf;

/**
 * Every ggml tensor type id, with its block geometry: the one source of truth for "how many bytes does a
 * block of this type take". ids follow ggml.h (ggml 0.25.1, llama.cpp de3ff815).
 *
 * <p>A block is the unit a type is stored in: {@link #blockSize()} weights packed into {@link #typeSize()}
 * bytes. Plain types (F32, F16 ...) have blocks of one element. Quantized types store 32 or 256 weights
 * together with the scale(s) they share.
 *
 * <p>Removed ids (4, 5, 31-33, 36-38) are kept as {@code removed} entries so that an error can say
 * "type 4 (Q4_2) was removed from ggml" instead of "unknown type".
 */
public enum GgmlType {
    F32(0, 1, 4),
    F16(1, 1, 2),
    Q4_0(2, 32, 18),
    Q4_1(3, 32, 20),
    Q4_2(4),
    Q4_3(5),
    Q5_0(6, 32, 22),
    Q5_1(7, 32, 24),
    Q8_0(8, 32, 34),
    Q8_1(9, 32, 36),
    Q2_K(10, 256, 84),
    Q3_K(11, 256, 110),
    Q4_K(12, 256, 144),
    Q5_K(13, 256, 176),
    Q6_K(14, 256, 210),
    Q8_K(15, 256, 292),
    IQ2_XXS(16, 256, 66),
    IQ2_XS(17, 256, 74),
    IQ3_XXS(18, 256, 98),
    IQ1_S(19, 256, 50),
    IQ4_NL(20, 32, 18),
    IQ3_S(21, 256, 110),
    IQ2_S(22, 256, 82),
    IQ4_XS(23, 256, 136),
    I8(24, 1, 1),
    I16(25, 1, 2),
    I32(26, 1, 4),
    I64(27, 1, 8),
    F64(28, 1, 8),
    IQ1_M(29, 256, 56),
    BF16(30, 1, 2),
    Q4_0_4_4(31),
    Q4_0_4_8(32),
    Q4_0_8_8(33),
    TQ1_0(34, 256, 54),
    TQ2_0(35, 256, 66),
    IQ4_NL_4_4(36),
    IQ4_NL_4_8(37),
    IQ4_NL_8_8(38),
    MXFP4(39, 32, 17),
    NVFP4(40, 64, 36),
    Q1_0(41, 128, 18),
    Q2_0(42, 64, 18);

    /** ggml's GGML_TYPE_COUNT: valid ids are [0, COUNT). */
    public static final int COUNT = 43;

    private static final GgmlType[] BY_ID = new GgmlType[COUNT];

    static {
        for (GgmlType t : values()) {
            BY_ID[t.id] = t;
        }
    }

    private final int id;
    private final int blockSize;
    private final int typeSize;

    GgmlType(int id, int blockSize, int typeSize) {
        this.id = id;
        this.blockSize = blockSize;
        this.typeSize = typeSize;
    }

    /** A removed type: the id is reserved, no data of this type can exist. */
    GgmlType(int id) {
        this(id, 0, 0);
    }

    public int id() {
        return id;
    }

    /** Weights per block (1 for plain types). */
    public int blockSize() {
        return blockSize;
    }

    /** Bytes per block. */
    public int typeSize() {
        return typeSize;
    }

    public boolean isRemoved() {
        return blockSize == 0;
    }

    /** Quantized = stored in blocks of more than one weight. */
    public boolean isQuantized() {
        return blockSize > 1;
    }

    public double bitsPerWeight() {
        return typeSize * 8.0 / blockSize;
    }

    /** Bytes taken by {@code n} elements; {@code n} must be a whole number of blocks. */
    public long bytesFor(long n) {
        if (isRemoved()) {
            throw new IllegalArgumentException("ggml type " + id + " (" + name() + ") was removed from ggml");
        }
        if (n % blockSize != 0) {
            throw new IllegalArgumentException(
                    n + " elements is not a whole number of " + name() + " blocks of " + blockSize);
        }
        return Math.multiplyExact(n / blockSize, (long) typeSize);
    }

    /**
     * The type with this id; removed and unknown ids throw with a message that says which it is.
     */
    public static GgmlType fromId(long id) {
        if (id < 0 || id >= COUNT) {
            throw new IllegalArgumentException("unknown ggml type " + id + ": valid ids are 0.." + (COUNT - 1));
        }
        GgmlType t = BY_ID[(int) id];
        if (t.isRemoved()) {
            throw new IllegalArgumentException("ggml type " + id + " (" + t.name() + ") was removed from ggml");
        }
        return t;
    }

    /** Parses a type name case-insensitively ("q4_k", "Q4_K"). */
    public static GgmlType parse(String name) {
        try {
            GgmlType t = valueOf(name.toUpperCase(java.util.Locale.ROOT));
            if (t.isRemoved()) {
                throw new IllegalArgumentException("ggml type " + t.name() + " was removed from ggml");
            }
            return t;
        } catch (IllegalArgumentException e) {
            if (e.getMessage() != null && e.getMessage().contains("removed")) {
                throw e;
            }
            throw new IllegalArgumentException("unknown ggml type '" + name + "'");
        }
    }
}
