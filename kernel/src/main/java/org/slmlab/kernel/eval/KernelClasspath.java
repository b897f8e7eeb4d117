package org.slmlab.kernel.eval;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * The class path that cells compile against: the kernel's own ({@code java.class.path}), with the
 * {@code Class-Path} of jar manifests followed — test runners start the JVM with a one-entry "manifest jar".
 */
public final class KernelClasspath {

    private KernelClasspath() {
    }

    /** Every class path entry (jar or directory) of this JVM, in order, without duplicates. */
    public static List<Path> entries() {
        Set<Path> found = new LinkedHashSet<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (!entry.isBlank()) {
                add(Path.of(entry).toAbsolutePath().normalize(), found);
            }
        }
        return new ArrayList<>(found);
    }

    private static void add(Path entry, Set<Path> found) {
        if (!Files.exists(entry) || !found.add(entry) || Files.isDirectory(entry)) {
            return;
        }
        for (Path referenced : manifestClassPath(entry)) {
            add(referenced, found);
        }
    }

    private static List<Path> manifestClassPath(Path jar) {
        try (JarFile file = new JarFile(jar.toFile())) {
            Manifest manifest = file.getManifest();
            String classPath = manifest == null ? null : manifest.getMainAttributes().getValue(Attributes.Name.CLASS_PATH);
            if (classPath == null || classPath.isBlank()) {
                return List.of();
            }
            List<Path> paths = new ArrayList<>();
            URI base = jar.toUri();
            for (String item : classPath.trim().split("\\s+")) {
                URI uri = base.resolve(item);
                if ("file".equals(uri.getScheme())) {
                    paths.add(Path.of(uri).normalize());
                }
            }
            return paths;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the manifest of class path entry " + jar, e);
        }
    }
}
