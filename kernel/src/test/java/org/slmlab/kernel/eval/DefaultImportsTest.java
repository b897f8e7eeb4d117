package org.slmlab.kernel.eval;

import org.junit.jupiter.api.Test;
import org.slmlab.gguf.GgmlType;
import org.slmlab.quant.Codecs;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DefaultImportsTest {

    @Test
    void labLibPackagesAreDiscoveredOnTheClassPath() {
        List<String> packages = DefaultImports.labPackages(KernelClasspath.entries());
        assertTrue(packages.contains(GgmlType.class.getPackageName()), packages.toString());
        assertTrue(packages.contains(Codecs.class.getPackageName()), packages.toString());
        assertFalse(packages.stream().anyMatch(p -> p.startsWith("org.slmlab.cli") || p.startsWith("org.slmlab.kernel")),
                packages.toString());
    }

    @Test
    void theJshellDefaultsComeFirstAndTheNotebookHelpersLast() {
        List<String> statements = DefaultImports.statements(KernelClasspath.entries());
        assertTrue(statements.getFirst().equals("import java.io.*;"), statements.toString());
        assertTrue(statements.contains("import " + GgmlType.class.getPackageName() + ".*;"));
        assertTrue(statements.getLast().equals("import static org.slmlab.kernel.display.Notebook.*;"));
    }
}
