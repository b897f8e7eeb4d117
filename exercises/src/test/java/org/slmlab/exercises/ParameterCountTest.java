package org.slmlab.exercises;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.slmlab.catalog.Catalog;
import org.slmlab.catalog.ModelSpec;
import org.slmlab.catalog.SizeClass;
import org.slmlab.grading.Exercise;
import org.slmlab.grading.Points;

@Exercise(number = 1, title = "Parameter count and SLM class")
class ParameterCountTest {

    @Test
    @Points(2)
    void llamaFamilyCountsMatchTheCatalog() {
        for (String id : new String[] {"llama-3-8b", "llama-3.2-1b", "smollm2-135m"}) {
            ModelSpec m = Catalog.get(id);
            assertEquals(m.parameterCount(), ParameterCount.count(m), id);
        }
    }

    @Test
    @Points(1)
    void qwen3CountsItsQAndKNorms() {
        ModelSpec m = Catalog.get("qwen3-0.6b");
        assertEquals(m.parameterCount(), ParameterCount.count(m), "Qwen3-0.6B: one layer alone is 15,730,944");
    }

    @Test
    @Points(1)
    void everyCatalogModelMatches() {
        for (ModelSpec m : Catalog.all()) {
            assertEquals(m.parameterCount(), ParameterCount.count(m), m.id());
        }
    }

    @Test
    @Points(2)
    void classesFollowTheCourse() {
        assertEquals(SizeClass.TINY, ParameterCount.classify(260_000));
        assertEquals(SizeClass.MICRO, ParameterCount.classify(100_000_000));
        assertEquals(SizeClass.MICRO, ParameterCount.classify(1_235_814_400L));
        assertEquals(SizeClass.SMALL, ParameterCount.classify(1_500_000_000L));
        assertEquals(SizeClass.SMALL, ParameterCount.classify(13_900_000_000L));
        assertEquals(SizeClass.MEDIUM, ParameterCount.classify(14_000_000_000L));
        assertEquals(SizeClass.MEDIUM, ParameterCount.classify(30_000_000_000L));
        assertEquals(SizeClass.LARGE, ParameterCount.classify(30_000_000_001L));
        for (ModelSpec m : Catalog.all()) {
            assertEquals(SizeClass.classify(m.params()), ParameterCount.classify(m.params()), m.id());
        }
    }
}
