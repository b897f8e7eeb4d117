package org.slmlab.kernel.eval;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * What every cell can use without an import: the jshell tool's default imports, every lab-lib package found on
 * the class path (so a package added to lab-lib is importable the moment it exists), the Vector API, the basics
 * of Tablesaw and XChart, and the notebook's own {@code display(...)} helpers.
 */
public final class DefaultImports {

    /** The jshell tool's DEFAULT start-up imports. */
    static final List<String> JSHELL = List.of(
            "java.io.*", "java.math.*", "java.net.*", "java.nio.file.*", "java.util.*",
            "java.util.concurrent.*", "java.util.function.*", "java.util.prefs.*", "java.util.regex.*",
            "java.util.stream.*");

    static final List<String> LIBRARIES = List.of(
            "jdk.incubator.vector.*",
            "tech.tablesaw.api.*",
            "org.knowm.xchart.*",
            "org.knowm.xchart.style.Styler",
            "java.awt.image.BufferedImage");

    static final String NOTEBOOK_HELPERS = "static org.slmlab.kernel.display.Notebook.*";

    /** lab-lib packages that are not for notebooks: the command line, and this kernel itself. */
    private static final List<String> NOT_IMPORTED = List.of("org.slmlab.cli", "org.slmlab.kernel", "org.slmlab.testing");

    private DefaultImports() {
    }

    /** The import statements, in the order they are run before the first cell. */
    public static List<String> statements(List<Path> classpath) {
        List<String> imports = new ArrayList<>(JSHELL);
        labPackages(classpath).forEach(p -> imports.add(p + ".*"));
        imports.addAll(LIBRARIES);
        imports.add(NOTEBOOK_HELPERS);
        return imports.stream().map(i -> "import " + i + ";").toList();
    }

    /** Every {@code org.slmlab} package that holds a class somewhere on the class path, sorted. */
    static List<String> labPackages(List<Path> classpath) {
        TreeSet<String> packages = new TreeSet<>();
        for (Path entry : classpath) {
            classNames(entry).forEach(name -> {
                int slash = name.lastIndexOf('/');
                if (name.startsWith("org/slmlab/") && slash > 0) {
                    packages.add(name.substring(0, slash).replace('/', '.'));
                }
            });
        }
        packages.removeIf(p -> NOT_IMPORTED.stream().anyMatch(x -> p.equals(x) || p.startsWith(x + ".")));
        return List.copyOf(packages);
    }

    /** Paths ("org/slmlab/gguf/GgmlType.class") of the classes in a jar or class directory. */
    private static List<String> classNames(Path entry) {
        try {
            if (Files.isDirectory(entry)) {
                Path root = entry.resolve("org/slmlab");
                if (!Files.isDirectory(root)) {
                    return List.of();
                }
                try (Stream<Path> files = Files.walk(root)) {
                    return files.filter(f -> f.toString().endsWith(".class"))
                            .map(f -> entry.relativize(f).toString().replace('\\', '/'))
                            .toList();
                }
            }
            try (JarFile jar = new JarFile(entry.toFile())) {
                return jar.stream().map(JarEntry::getName)
                        .filter(n -> n.startsWith("org/slmlab/") && n.endsWith(".class"))
                        .toList();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the classes of class path entry " + entry, e);
        }
    }
}
