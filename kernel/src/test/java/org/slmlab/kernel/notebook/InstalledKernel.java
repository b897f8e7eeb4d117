package org.slmlab.kernel.notebook;

import org.junit.jupiter.api.Assumptions;
import org.slmlab.kernel.install.KernelInstaller;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The packaged kernel (target/slmlab-kernel.jar, built by {@code package} before the *IT tests run), installed
 * once per test JVM into a temporary prefix, as {@code ./lab kernel install --prefix DIR} would.
 */
final class InstalledKernel {

    private static Path jupyterPath;

    private InstalledKernel() {
    }

    /** The Jupyter data directory to put on JUPYTER_PATH; skips the test when Jupyter is not installed. */
    static synchronized Path jupyterPath() {
        Assumptions.assumeTrue(NotebookRunner.jupyter() != null,
                "Jupyter is not installed: apt-get install jupyter-notebook jupyter-nbconvert python3-nbclient (.ci/run does)");
        if (jupyterPath == null) {
            try {
                Path prefix = Files.createTempDirectory("slmlab-jupyter");
                Path jar = Path.of(System.getProperty("slmlab.kernel.jar", "target/slmlab-kernel.jar"));
                KernelInstaller.install(jar, KernelInstaller.prefixKernelsDir(prefix),
                        Path.of(System.getProperty("java.home"), "bin", "java"));
                jupyterPath = prefix.resolve("share/jupyter");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return jupyterPath;
    }

    /** The lab's root directory (notebooks/ is under it). */
    static Path labHome() {
        return Path.of(System.getProperty("slmlab.home", "..")).toAbsolutePath().normalize();
    }
}
