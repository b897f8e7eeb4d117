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
 *
 * <p>One entry is not upstream: {@link #I2_S}, Microsoft bitnet.cpp's ternary format. bitnet.cpp reuses ids 36-39
 * (I2_S, I8_S, TL1, TL2) — ids that mean something else upstream (39 is MXFP4) — so they are read as bitnet.cpp
 * types only in files whose {@code general.architecture} is {@value #BITNET_ARCHITECTURE}:
 * {@link #fromId(long, String)}.
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
    Q2_0(42, 64, 18),
    /**
     * bitnet.cpp's I2_S (id 36 in {@value #BITNET_ARCHITECTURE} files only): 2-bit codes 0/1/2 for −1/0/+1,
     * 32 bytes per 128 weights, and after all of a tensor's codes one f32 scale for the whole tensor, padded to
     * 32 bytes ({@link #tensorBytes}).
     */
    I2_S(36, 128, 32, true);

    /** ggml's GGML_TYPE_COUNT: valid ids are [0, COUNT). */
    public static final int COUNT = 43;

    /** The architecture name by which bitnet.cpp's files announce their own meaning of type ids 36-39. */
    public static final String BITNET_ARCHITECTURE = "bitnet-b1.58";

    /** bitnet.cpp's names for ids 36-39; only I2_S can be read. */
    private static final String[] BITNET_TYPES = {"I2_S", "I8_S", "TL1", "TL2"};

    /** Bytes after an I2_S tensor's codes: its f32 scale, padded to 32 for alignment. */
    private static final int I2_S_TRAILER = 32;

    private static final GgmlType[] BY_ID = new GgmlType[COUNT];

    static {
        for (GgmlType t : values()) {
            if (!t.bitnet) {
                BY_ID[t.id] = t;
            }
        }
    }

    private final int id;
    private final int blockSize;
    private final int typeSize;
    private final boolean bitnet;

    GgmlType(int id, int blockSize, int typeSize) {
        this(id, blockSize, typeSize, false);
    }

    GgmlType(int id, int blockSize, int typeSize, boolean bitnet) {
        this.id = id;
        this.blockSize = blockSize;
        this.typeSize = typeSize;
        this.bitnet = bitnet;
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

    /** True for bitnet.cpp's I2_S, which is no ggml type: its id means something else outside bitnet files. */
    public boolean isBitNetDialect() {
        return bitnet;
    }

    /**
     * Bytes of a whole tensor of {@code n} elements: {@link #bytesFor} plus, for I2_S, the trailing per-tensor
     * scale.
     */
    public long tensorBytes(long n) {
        return bitnet ? Math.addExact(bytesFor(n), I2_S_TRAILER) : bytesFor(n);
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

    /**
     * The type with this id in a file of this architecture (null when unknown): in {@value #BITNET_ARCHITECTURE}
     * files ids 36-39 are bitnet.cpp's, of which only I2_S is supported; elsewhere as {@link #fromId(long)}.
     */
    public static GgmlType fromId(long id, String architecture) {
        if (BITNET_ARCHITECTURE.equals(architecture) && id >= I2_S.id && id < I2_S.id + BITNET_TYPES.length) {
            if (id != I2_S.id) {
                throw new IllegalArgumentException("bitnet.cpp type " + id + " (" + BITNET_TYPES[(int) id - I2_S.id]
                        + ") is not supported: of bitnet.cpp's own types SLM Lab reads only I2_S");
            }
            return I2_S;
        }
        return fromId(id);
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
