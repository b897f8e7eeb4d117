package org.slmlab.kernel.install;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KernelInstallerTest {

    @Test
    void writesARelocatableKernelspecUnderThePrefix(@TempDir Path tmp) throws IOException {
        Path jar = Files.write(tmp.resolve("built.jar"), new byte[]{1, 2, 3});
        Path java = Path.of("/opt/jdk-25/bin/java");
        Path dir = KernelInstaller.install(jar, KernelInstaller.prefixKernelsDir(tmp.resolve("prefix")), java);

        assertEquals(tmp.resolve("prefix/share/jupyter/kernels/slmlab-java").toAbsolutePath(), dir);
        assertArrayEquals(new byte[]{1, 2, 3}, Files.readAllBytes(dir.resolve("slmlab-kernel.jar")));
        JsonNode spec = new ObjectMapper().readTree(dir.resolve("kernel.json").toFile());
        assertEquals("Java (SLM Lab)", spec.get("display_name").asText());
        assertEquals("java", spec.get("language").asText());
        assertEquals("message", spec.get("interrupt_mode").asText());
        List<String> argv = new ArrayList<>();
        spec.get("argv").forEach(a -> argv.add(a.asText()));
        assertEquals(java.toString(), argv.getFirst());
        assertEquals(List.of("-jar", "{resource_dir}/slmlab-kernel.jar", "{connection_file}"), argv.subList(argv.size() - 3, argv.size()));
        assertEquals("jdk.incubator.vector", argv.get(argv.indexOf("--add-modules") + 1));
        assertTrue(argv.contains("-Djava.awt.headless=true"));
        assertFalse(String.join(" ", argv).contains(tmp.toString()), "nothing points into the install location");
    }

    @Test
    void reinstallingReplacesTheJar(@TempDir Path tmp) throws IOException {
        Path kernels = KernelInstaller.prefixKernelsDir(tmp);
        Path dir = KernelInstaller.install(Files.write(tmp.resolve("a.jar"), new byte[]{1}), kernels, Path.of("java"));
        KernelInstaller.install(Files.write(tmp.resolve("b.jar"), new byte[]{2}), kernels, Path.of("java"));
        assertArrayEquals(new byte[]{2}, Files.readAllBytes(dir.resolve("slmlab-kernel.jar")));
    }

    @Test
    void aMissingJarIsAClearError(@TempDir Path tmp) {
        IOException e = assertThrows(IOException.class,
                () -> KernelInstaller.install(tmp.resolve("none.jar"), tmp, Path.of("java")));
        assertTrue(e.getMessage().contains("none.jar"), e.getMessage());
    }
}
