package org.slmlab.quant;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import org.slmlab.gguf.GgmlType;

/**
 * llama.cpp's file types ({@code llama_ftype}, written as {@code general.file_type}): a recipe for a whole
 * model rather than one tensor type. Each has a base ggml type ({@code llama_ftype_get_default_type}); the
 * mixtures (the _S/_M/_L suffixes and most IQ types) give some tensors a different type by rule — see
 * {@link QuantRecipe}.
 *
 * <p>Ids are llama.h's; the gaps are removed file types.
 */
public enum LlamaFileType {
    F32(0, GgmlType.F32),
    F16(1, GgmlType.F16),
    Q4_0(2, GgmlType.Q4_0),
    Q4_1(3, GgmlType.Q4_1),
    Q8_0(7, GgmlType.Q8_0),
    Q5_0(8, GgmlType.Q5_0),
    Q5_1(9, GgmlType.Q5_1),
    Q2_K(10, GgmlType.Q2_K),
    Q3_K_S(11, GgmlType.Q3_K),
    Q3_K_M(12, GgmlType.Q3_K),
    Q3_K_L(13, GgmlType.Q3_K),
    Q4_K_S(14, GgmlType.Q4_K),
    Q4_K_M(15, GgmlType.Q4_K),
    Q5_K_S(16, GgmlType.Q5_K),
    Q5_K_M(17, GgmlType.Q5_K),
    Q6_K(18, GgmlType.Q6_K),
    IQ2_XXS(19, GgmlType.IQ2_XXS),
    IQ2_XS(20, GgmlType.IQ2_XS),
    Q2_K_S(21, GgmlType.Q2_K),
    IQ3_XS(22, GgmlType.IQ3_S),
    IQ3_XXS(23, GgmlType.IQ3_XXS),
    IQ1_S(24, GgmlType.IQ1_S),
    IQ4_NL(25, GgmlType.IQ4_NL),
    IQ3_S(26, GgmlType.IQ3_S),
    IQ3_M(27, GgmlType.IQ3_S),
    /** Named after its bits per weight, not its base type: llama.cpp's IQ2_S file type is mostly IQ2_XS. */
    IQ2_S(28, GgmlType.IQ2_XS),
    IQ2_M(29, GgmlType.IQ2_S),
    IQ4_XS(30, GgmlType.IQ4_XS),
    IQ1_M(31, GgmlType.IQ1_M),
    BF16(32, GgmlType.BF16),
    TQ1_0(36, GgmlType.TQ1_0),
    TQ2_0(37, GgmlType.TQ2_0),
    /** MXFP4 for mixture-of-experts tensors (3-D), Q8_0 for the rest — unless quantized with --pure. */
    MXFP4_MOE(38, GgmlType.MXFP4),
    NVFP4(39, GgmlType.NVFP4),
    Q1_0(40, GgmlType.Q1_0),
    Q2_0(41, GgmlType.Q2_0);

    private final int id;
    private final GgmlType baseType;

    LlamaFileType(int id, GgmlType baseType) {
        this.id = id;
        this.baseType = baseType;
    }

    /** The value of {@code general.file_type}. */
    public int id() {
        return id;
    }

    /** The type most tensors get ({@code llama_ftype_get_default_type}). */
    public GgmlType baseType() {
        return baseType;
    }

    /**
     * A file type by name, as llama-quantize accepts it: the names above, case-insensitive, plus its aliases
     * Q3_K, Q4_K and Q5_K for the _M mixtures, and MXFP4 for MXFP4_MOE.
     */
    public static LlamaFileType parse(String name) {
        String n = name.toUpperCase(Locale.ROOT);
        switch (n) {
            case "Q3_K": return Q3_K_M;
            case "Q4_K": return Q4_K_M;
            case "Q5_K": return Q5_K_M;
            case "MXFP4": return MXFP4_MOE;
            default: break;
        }
        for (LlamaFileType t : values()) {
            if (t.name().equals(n)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown quantization type '" + name + "'; use one of "
                + Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", "))
                + " (aliases: Q3_K, Q4_K, Q5_K, MXFP4)");
    }
}
