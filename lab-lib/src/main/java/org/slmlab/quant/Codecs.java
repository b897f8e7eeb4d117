package org.slmlab.quant;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.slmlab.gguf.GgmlType;

/** The codec of each ggml type. */
public final class Codecs {

    private static final Map<GgmlType, QuantCodec> BY_TYPE = new EnumMap<>(GgmlType.class);

    static {
        // Each codec registers here, one line per type.
        register(new F32Codec());
        register(new F16Codec());
        register(new BF16Codec());
        register(new Q4_0Codec());
        register(new Q4_1Codec());
        register(new Q5_0Codec());
        register(new Q5_1Codec());
        register(new Q8_0Codec());
        register(new Q8_1Codec());
        register(new Q2_KCodec());
        register(new Q3_KCodec());
        register(new Q4_KCodec());
        register(new Q5_KCodec());
        register(new Q6_KCodec());
        register(new Q8_KCodec());
        register(new Tq1_0Codec());
        register(new Tq2_0Codec());
        register(new Mxfp4Codec());
        register(new Nvfp4Codec());
        register(new Q1_0Codec());
        register(new Q2_0Codec());
        register(new Iq4NlCodec());
        register(new Iq4XsCodec());
        register(new Iq3SCodec());
        register(new Iq3XxsCodec());
        register(new Iq2SCodec());
        register(new Iq2XsCodec());
        register(new Iq2XxsCodec());
        register(new Iq1SCodec());
        register(new Iq1MCodec());
    }

    private Codecs() {
    }

    private static void register(QuantCodec codec) {
        BY_TYPE.put(codec.type(), codec);
    }

    /** Every registered codec, in type-id order (tests run over this list, so a new codec is tested at once). */
    public static List<QuantCodec> all() {
        return List.copyOf(BY_TYPE.values());
    }

    public static boolean supports(GgmlType type) {
        return BY_TYPE.containsKey(type);
    }

    /** The codec for {@code type}; a clear error for types the lab cannot handle. */
    public static QuantCodec of(GgmlType type) {
        QuantCodec c = BY_TYPE.get(type);
        if (c == null) {
            throw new UnsupportedOperationException("no codec for ggml type " + type + " in this version of SLM Lab");
        }
        return c;
    }
}
