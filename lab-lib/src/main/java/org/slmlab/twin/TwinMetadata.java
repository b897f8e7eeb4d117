package org.slmlab.twin;

import java.util.LinkedHashMap;
import java.util.Map;
import org.slmlab.catalog.ModelSpec;
import org.slmlab.gguf.GGUFValue;
import org.slmlab.quant.LlamaFileType;

/** The {@code general.*} and architecture metadata a real GGUF of a catalog model carries. */
final class TwinMetadata {

    /** Ends every twin's {@code general.name}: how a twin is told from a real model (see {@link ShapeTwin#isTwin}). */
    static final String NAME_SUFFIX = " shape twin (random weights)";

    private TwinMetadata() {
    }

    static Map<String, GGUFValue> of(ModelSpec m, LlamaFileType fileType) {
        String a = m.architecture();
        Map<String, GGUFValue> kv = new LinkedHashMap<>();
        kv.put("general.architecture", GGUFValue.of(a));
        kv.put("general.name", GGUFValue.of(m.name() + NAME_SUFFIX));
        kv.put(a + ".context_length", GGUFValue.ofUInt32(m.contextLength()));
        kv.put(a + ".embedding_length", GGUFValue.ofUInt32(m.hiddenSize()));
        kv.put(a + ".block_count", GGUFValue.ofUInt32(m.layers()));
        kv.put(a + ".feed_forward_length", GGUFValue.ofUInt32(m.ffnSize()));
        kv.put(a + ".attention.head_count", GGUFValue.ofUInt32(m.heads()));
        kv.put(a + ".attention.head_count_kv", GGUFValue.ofUInt32(m.kvHeads()));
        kv.put(a + ".attention.key_length", GGUFValue.ofUInt32(m.headDim()));
        kv.put(a + ".attention.value_length", GGUFValue.ofUInt32(m.headDim()));
        kv.put(a + ".attention.layer_norm_rms_epsilon", GGUFValue.of((float) m.rmsNormEps()));
        kv.put(a + ".rope.freq_base", GGUFValue.of((float) m.ropeTheta()));
        kv.put(a + ".rope.dimension_count", GGUFValue.ofUInt32(m.rotaryDim()));
        kv.put(a + ".vocab_size", GGUFValue.ofUInt32(m.vocabSize()));
        if (m.slidingWindow() != null) {
            // Gemma 3 files carry only the window; llama.cpp knows the 5-local-1-global pattern and the local base.
            kv.put(a + ".attention.sliding_window", GGUFValue.ofUInt32(m.slidingWindow()));
        }
        ModelSpec.RopeScaling s = m.ropeScaling();
        if (s != null && "linear".equals(s.type())) {
            kv.put(a + ".rope.scaling.type", GGUFValue.of("linear"));
            kv.put(a + ".rope.scaling.factor", GGUFValue.of(s.factor().floatValue()));
        }
        if (s != null && "longrope".equals(s.type())) {
            kv.put(a + ".rope.scaling.attn_factor", GGUFValue.of(s.attnFactor().floatValue()));
            kv.put(a + ".rope.scaling.original_context_length", GGUFValue.ofUInt32(s.originalContextLength()));
        }
        kv.put("general.file_type", GGUFValue.ofUInt32(fileType.id()));
        if (fileType.baseType().isQuantized()) {
            kv.put("general.quantization_version", GGUFValue.ofUInt32(2));
        }
        return kv;
    }
}
