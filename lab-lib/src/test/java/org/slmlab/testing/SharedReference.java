package org.slmlab.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The one way tests reach the llama.cpp reference data in {@code ../shared/reference}.
 *
 * <p>Looked up in this order: the system property {@code slmlab.shared}, the environment variable
 * {@code SLMLAB_SHARED}, then a {@code shared/} folder beside any ancestor of the working directory
 * (the project sits next to it: {@code work/main} and {@code work/shared}). When it is absent, tests that
 * need it are skipped with a message saying where it was looked for; CI always has it.
 */
public final class SharedReference {

    private SharedReference() {
    }

    /** {@code shared/reference}, or a skipped test if it cannot be found. */
    public static Path reference() {
        Path root = locate();
        assumeTrue(root != null, "../shared/reference not found (set -Dslmlab.shared or SLMLAB_SHARED to the shared/ "
                + "folder); skipping a test that compares with llama.cpp's reference data");
        return root.resolve("reference");
    }

    /** A file under {@code shared/reference}, e.g. {@code path("quant/quant-Q4_0.gguf")}. */
    public static Path path(String relative) {
        Path p = reference().resolve(relative);
        assumeTrue(Files.exists(p), "reference file missing: " + p);
        return p;
    }

    /** {@code shared/}, or null when it is nowhere to be found. */
    public static Path locate() {
        String explicit = System.getProperty("slmlab.shared", System.getenv("SLMLAB_SHARED"));
        if (explicit != null && !explicit.isBlank()) {
            Path p = Path.of(explicit);
            return Files.isDirectory(p.resolve("reference")) ? p : null;
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolveSibling("shared");
            if (Files.isDirectory(candidate.resolve("reference"))) {
                return candidate;
            }
        }
        return null;
    }
}
