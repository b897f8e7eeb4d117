package org.slmlab.kernel.notebook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs notebooks the way CI and the course do: through the real Jupyter client ({@code jupyter nbconvert
 * --to notebook --execute}) on the {@code slmlab-java} kernel, whatever kernel the notebook names.
 * A cell that fails makes nbconvert fail, so "the notebook ran" means "no cell raised an error".
 *
 * <p>{@code ./lab notebook --execute FILE...} uses {@link #main}: it runs each notebook in place, so that it
 * is saved with the outputs of a clean run.
 */
public final class NotebookRunner {

    /** Longest a single cell may run (nbclient's per-cell timeout). */
    public static final Duration CELL_TIMEOUT = Duration.ofMinutes(5);

    private final Path jupyterPath;

    /** @param jupyterPath a Jupyter data directory holding {@code kernels/slmlab-java}, or null for the user's */
    public NotebookRunner(Path jupyterPath) {
        this.jupyterPath = jupyterPath;
    }

    /** What a run produced: the executed notebook (when nbconvert wrote one) and nbconvert's log. */
    public record Run(boolean succeeded, Path executed, String log) {
    }

    /** The {@code jupyter} command, or null when Jupyter is not installed. */
    public static Path jupyter() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(dir, "jupyter");
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    /** Executes {@code notebook}, writing the executed copy to {@code output} ({@code notebook} itself if equal). */
    public Run execute(Path notebook, Path output, Duration timeout) throws IOException, InterruptedException {
        Path jupyter = jupyter();
        if (jupyter == null) {
            throw new IOException("jupyter not found on PATH (Debian/Ubuntu: apt-get install jupyter-notebook "
                    + "jupyter-nbconvert python3-nbclient; elsewhere: pip install notebook nbconvert nbclient)");
        }
        List<String> command = new ArrayList<>(List.of(jupyter.toString(), "nbconvert", "--to", "notebook", "--execute",
                "--ExecutePreprocessor.kernel_name=slmlab-java",
                "--ExecutePreprocessor.timeout=" + CELL_TIMEOUT.toSeconds()));
        Path target = output.toAbsolutePath();
        if (target.equals(notebook.toAbsolutePath())) {
            command.add("--inplace");
        } else {
            command.addAll(List.of("--output-dir", target.getParent().toString(), "--output", target.getFileName().toString()));
        }
        command.add(notebook.toString());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        if (jupyterPath != null) {
            String existing = System.getenv("JUPYTER_PATH");
            builder.environment().put("JUPYTER_PATH",
                    jupyterPath.toAbsolutePath() + (existing == null ? "" : File.pathSeparator + existing));
        }
        Path log = Files.createTempFile("nbconvert", ".log");
        try {
            Process process = builder.redirectOutput(log.toFile()).start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                return new Run(false, null, Files.readString(log) + "\n(stopped after " + timeout.toSeconds() + " s)");
            }
            boolean written = Files.isRegularFile(target);
            return new Run(process.exitValue() == 0, written ? target : null, Files.readString(log, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(log);
        }
    }

    /** The error outputs a notebook holds, one line each ("cell 3: java.lang.ArithmeticException: / by zero"). */
    public static List<String> errorOutputs(Path notebook) throws IOException {
        JsonNode root = new ObjectMapper().readTree(notebook.toFile());
        List<String> errors = new ArrayList<>();
        int index = 0;
        for (JsonNode cell : root.path("cells")) {
            index++;
            for (JsonNode output : cell.path("outputs")) {
                if ("error".equals(output.path("output_type").asText())) {
                    errors.add("cell " + index + ": " + output.path("ename").asText() + ": " + output.path("evalue").asText());
                }
            }
        }
        return errors;
    }

    /** {@code [--jupyter-path DIR] FILE...}: executes each notebook in place; exit status 1 if any fails. */
    public static void main(String[] args) throws Exception {
        Path jupyterPath = null;
        List<Path> notebooks = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--jupyter-path") && i + 1 < args.length) {
                jupyterPath = Path.of(args[++i]);
            } else {
                notebooks.add(Path.of(args[i]));
            }
        }
        if (notebooks.isEmpty()) {
            System.err.println("lab notebook --execute: name at least one .ipynb file");
            System.exit(2);
        }
        NotebookRunner runner = new NotebookRunner(jupyterPath);
        int failed = 0;
        for (Path notebook : notebooks) {
            if (!Files.isRegularFile(notebook)) {
                System.err.println("lab notebook --execute: no such notebook: " + notebook);
                System.exit(2);
            }
            long start = System.nanoTime();
            Run run = runner.execute(notebook, notebook, Duration.ofMinutes(30));
            double seconds = (System.nanoTime() - start) / 1e9;
            if (run.succeeded()) {
                System.err.printf("lab: %s ran clean in %.1f s (outputs saved in place)%n", notebook, seconds);
            } else {
                failed++;
                System.err.printf("lab: %s FAILED after %.1f s%n%s%n", notebook, seconds, run.log());
            }
        }
        System.exit(failed == 0 ? 0 : 1);
    }
}
