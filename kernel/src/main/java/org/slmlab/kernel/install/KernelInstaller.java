package org.slmlab.kernel.install;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;

/**
 * {@code ./lab kernel install [--prefix DIR]}: writes the kernelspec folder {@code slmlab-java} — kernel.json
 * and the kernel jar itself — for the current user, or under {@code DIR/share/jupyter/kernels} (what
 * {@code jupyter kernelspec install --prefix} does; tests and CI point {@code JUPYTER_PATH} there).
 */
public final class KernelInstaller {

    private KernelInstaller() {
    }

    public static void main(String[] args) {
        Path prefix = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--prefix" -> {
                    if (i + 1 == args.length) {
                        fail("--prefix needs a directory");
                    }
                    prefix = Path.of(args[++i]);
                }
                case "--user" -> prefix = null;
                default -> fail("unknown option '" + args[i] + "' (usage: kernel install [--user | --prefix DIR])");
            }
        }
        try {
            Path kernels = prefix == null ? userKernelsDir() : prefixKernelsDir(prefix);
            Path installed = install(ownJar(), kernels, Path.of(System.getProperty("java.home"), "bin", "java"));
            System.out.println("lab: installed kernel '" + KernelSpec.DISPLAY_NAME + "' (" + KernelSpec.NAME + ") in " + installed);
        } catch (IOException e) {
            fail("cannot install the kernel: " + e.getMessage());
        }
    }

    private static void fail(String message) {
        System.err.println("lab kernel install: " + message);
        System.exit(2);
    }

    /**
     * Writes {@code kernels/slmlab-java/} with {@code kernel.json} and a copy of {@code kernelJar};
     * replaces an earlier installation.
     */
    public static Path install(Path kernelJar, Path kernels, Path java) throws IOException {
        if (!Files.isRegularFile(kernelJar)) {
            throw new IOException("kernel jar " + kernelJar + " not found (build it with 'mvn -pl kernel -am package')");
        }
        Path dir = kernels.resolve(KernelSpec.NAME);
        Files.createDirectories(dir);
        Files.copy(kernelJar, dir.resolve(KernelSpec.JAR), StandardCopyOption.REPLACE_EXISTING);
        Files.writeString(dir.resolve("kernel.json"), KernelSpec.json(java));
        return dir;
    }

    /** Where {@code jupyter kernelspec install --prefix DIR} puts kernels. */
    public static Path prefixKernelsDir(Path prefix) {
        return prefix.toAbsolutePath().resolve("share/jupyter/kernels");
    }

    /** Jupyter's per-user data directory (as {@code jupyter --data-dir} prints it), plus {@code kernels}. */
    static Path userKernelsDir() {
        String dataDir = System.getenv("JUPYTER_DATA_DIR");
        if (dataDir != null && !dataDir.isBlank()) {
            return Path.of(dataDir, "kernels");
        }
        // Jupyter (Python's expanduser) follows $HOME; the JVM's user.home comes from the password database,
        // which differs under sudo, in containers and in tests that give Jupyter a home of its own.
        String homeEnv = System.getenv("HOME");
        Path home = Path.of(homeEnv != null && !homeEnv.isBlank() ? homeEnv : System.getProperty("user.home"));
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        if (os.contains("mac")) {
            return home.resolve("Library/Jupyter/kernels");
        }
        if (os.contains("win")) {
            return Path.of(System.getenv("APPDATA"), "jupyter", "kernels");
        }
        String xdg = System.getenv("XDG_DATA_HOME");
        Path data = xdg == null || xdg.isBlank() ? home.resolve(".local/share") : Path.of(xdg);
        return data.resolve("jupyter/kernels");
    }

    /** The jar this class was loaded from: the installer installs the very jar it runs from. */
    private static Path ownJar() throws IOException {
        try {
            return Path.of(KernelInstaller.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IOException("cannot locate the kernel jar", e);
        }
    }
}
