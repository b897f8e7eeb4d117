package org.slmlab.gguf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;

/**
 * A GGUF file as one JSON object, with the field names of gguf-py's reader as used in
 * {@code ../shared/reference/gguf/*.reader.json}, so that our view and llama.cpp's compare directly:
 * {@code file, file_size, version, tensor_count, kv_count, alignment, data_offset},
 * {@code kv[] = {key, type, value}} (arrays: {@code element_type, length, first} = the first 3 elements), and
 * {@code tensors[] = {name, type, type_id, shape, offset, nbytes, n_elements}}.
 */
public final class GGUFJson {

    /** Arrays are summarised by this many leading elements. */
    public static final int ARRAY_PREVIEW = 3;

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private GGUFJson() {
    }

    public static ObjectNode describe(GGUFFile f) {
        ObjectNode root = JSON.objectNode();
        root.put("file", f.path().getFileName().toString());
        root.put("file_size", f.fileSize());
        root.put("version", f.version());
        root.put("tensor_count", f.tensors().size());
        root.put("kv_count", f.metadata().size());
        root.put("alignment", f.alignment());
        root.put("data_offset", f.dataOffset());
        ArrayNode kv = root.putArray("kv");
        f.metadata().forEach((key, value) -> {
            ObjectNode o = kv.addObject();
            o.put("key", key);
            o.put("type", value.type().name());
            if (value instanceof GGUFArray a) {
                o.put("element_type", a.elementType().name());
                o.put("length", a.length());
                ArrayNode first = o.putArray("first");
                a.first(ARRAY_PREVIEW).forEach(e -> first.add(scalar(e)));
            } else {
                o.set("value", scalar(value));
            }
        });
        ArrayNode tensors = root.putArray("tensors");
        for (TensorInfo t : f.tensors()) {
            ObjectNode o = tensors.addObject();
            o.put("name", t.name());
            o.put("type", t.type().name());
            o.put("type_id", t.type().id());
            ArrayNode shape = o.putArray("shape");
            for (long d : t.shape()) {
                shape.add(d);
            }
            o.put("offset", t.offset());
            o.put("nbytes", t.byteSize());
            o.put("n_elements", t.elementCount());
        }
        return root;
    }

    /** A scalar value as the JSON number, boolean or string it stands for. */
    public static JsonNode scalar(GGUFValue v) {
        return switch (v) {
            case GGUFValue.IntValue i when i.exceedsLong() -> JSON.numberNode(new BigInteger(i.toString()));
            case GGUFValue.IntValue i -> JSON.numberNode(i.value());
            case GGUFValue.FloatValue x -> JSON.numberNode(x.value());
            case GGUFValue.BoolValue b -> JSON.booleanNode(b.value());
            case GGUFValue.StringValue s -> JSON.textNode(s.value());
            case GGUFArray a -> JSON.textNode(a.toString());
        };
    }
}
