package org.slmlab.catalog;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The lab's model catalog, read from {@code datasets/models.json} (packaged into the lab-lib jar as
 * {@code /slmlab/datasets/models.json}).
 */
public final class Catalog {

    static final String RESOURCE = "/slmlab/datasets/models.json";

    private static final List<ModelSpec> MODELS = load();

    private Catalog() {
    }

    /** Every model, in catalog order. */
    public static List<ModelSpec> all() {
        return MODELS;
    }

    /**
     * A model by id ({@code qwen3-0.6b}) or name ({@code Qwen3-0.6B}), case-insensitively; an unknown model is an
     * error that lists the known ids.
     */
    public static ModelSpec get(String idOrName) {
        String key = idOrName.trim().toLowerCase(Locale.ROOT);
        return MODELS.stream()
                .filter(m -> m.id().equals(key) || m.name().toLowerCase(Locale.ROOT).equals(key))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown model '" + idOrName + "'; the catalog has: "
                        + MODELS.stream().map(ModelSpec::id).collect(Collectors.joining(", "))));
    }

    private static List<ModelSpec> load() {
        ObjectMapper json = new ObjectMapper()
                .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
        try (InputStream in = Catalog.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the catalog " + RESOURCE + " is missing from the lab-lib jar");
            }
            JsonNode models = json.readTree(in).get("models");
            return List.copyOf(Arrays.asList(json.treeToValue(models, ModelSpec[].class)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the model catalog " + RESOURCE, e);
        }
    }
}
