package org.slmlab.quant;

import java.util.EnumMap;
import java.util.Map;
import org.slmlab.gguf.GgmlType;

/** The codec of each ggml type. */
public final class Codecs {

    private static final Map<GgmlType, QuantCodec> BY_TYPE = new EnumMap<>(GgmlType.class);

    static {
        // Each codec registers here, one line per type.
    }

    private Codecs() {
    }

    private static void register(QuantCodec codec) {
        BY_TYPE.put(codec.type(), codec);
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
