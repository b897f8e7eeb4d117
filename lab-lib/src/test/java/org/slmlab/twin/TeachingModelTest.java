package org.slmlab.twin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.slmlab.testing.SharedReference;

class TeachingModelTest {

    @Test
    void referenceModelsAreFoundBesideTheProject() throws IOException {
        Path golden = SharedReference.path("models/stories260K-F32.golden.gguf");
        Path found = TeachingModel.referenceModel("stories260K-F32.golden.gguf").orElseThrow();
        assertTrue(Files.isSameFile(golden, found), found + " is not " + golden);
        if (System.getenv("SLMLAB_MODEL") == null) {
            assertEquals(TeachingModel.referenceModel("stories260K-F32.gguf").orElseThrow(), TeachingModel.path());
        }
    }

    @Test
    void aMissingReferenceModelIsEmpty() {
        assertTrue(TeachingModel.referenceModel("no-such-model.gguf").isEmpty());
    }
}
