package org.slmlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slmlab.catalog.Catalog;
import org.slmlab.gguf.GGUFFile;
import org.slmlab.gguf.TensorInfo;

/** {@code ./lab twin}, {@code ./lab inspect} and {@code ./lab footprint} as a user runs them, one after the other. */
class TwinFootprintCommandTest {

    @Test
    void twinThenInspectThenFootprintOfTheFile(@TempDir Path dir) throws Exception {
        Path twin = dir.resolve("smol.gguf");
        LabRun made = LabRun.inProcess("twin", "SmolLM2-135M", "--type", "Q4_0", "-o", twin.toString(), "--seed", "7");
        assertEquals(0, made.status(), made.err());
        assertTrue(made.out().contains("Q4_0 twin of SmolLM2-135M"), made.out());

        LabRun inspected = LabRun.inProcess("inspect", twin.toString(), "--json");
        assertEquals(0, inspected.status(), inspected.err());
        JsonNode info = new ObjectMapper().readTree(inspected.out());
        assertEquals(Catalog.get("smollm2-135m").ggufTensorCount().intValue(), info.get("tensor_count").asInt());

        LabRun footprint = LabRun.inProcess("footprint", twin.toString(), "--ctx", "1024", "--json");
        assertEquals(0, footprint.status(), footprint.err());
        long weights = new ObjectMapper().readTree(footprint.out()).get("weight_bytes").asLong();
        try (GGUFFile f = GGUFFile.open(twin)) {
            assertEquals(f.tensors().stream().mapToLong(TensorInfo::byteSize).sum(), weights,
                    "footprint of a file = the tensor data in the file");
        }
    }

    @Test
    void footprintOfACatalogModelNamesTheParts() {
        LabRun r = LabRun.inProcess("footprint", "gemma-3-1b", "--type", "Q4_K_M", "--ctx", "32768");
        assertEquals(0, r.status(), r.err());
        for (String part : new String[] {"weights", "KV cache", "working buffers", "Q4_K", "Q6_K"}) {
            assertTrue(r.out().contains(part), part + " missing from:\n" + r.out());
        }
    }

    @Test
    void anUnknownModelIsAOneLineError() {
        LabRun r = LabRun.inProcess("twin", "gpt-5", "--type", "Q4_0", "-o", "x.gguf");
        assertEquals(2, r.status());
        assertTrue(r.err().contains("unknown model 'gpt-5'") && r.err().contains("qwen3-0.6b"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }
}
