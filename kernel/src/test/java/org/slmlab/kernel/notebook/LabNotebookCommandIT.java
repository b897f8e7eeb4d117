package org.slmlab.kernel.notebook;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code ./lab notebook} as a user runs it — the first of the README's two commands: on a machine without
 * Jupyter it installs it with apt-get, installs the kernel for the user, and starts Jupyter on notebooks/.
 *
 * <p>A machine without Jupyter is made by giving the script a PATH of its own: every program of this machine
 * except {@code jupyter*}, {@code apt-get} and {@code sudo}, which are replaced by recording fakes (the fake
 * apt-get "installs" a fake jupyter). The last test starts the real Jupyter and asks its REST API for the kernel.
 * {@code LAB_NO_BUILD=1}: the jars were just built by this very Maven run, which must not rebuild them under
 * itself.
 */
class LabNotebookCommandIT {

    private static final List<String> SYSTEM_BIN = List.of("/usr/local/sbin", "/usr/local/bin", "/usr/sbin",
            "/usr/bin", "/sbin", "/bin");

    @TempDir
    Path tmp;

    /** A bin directory with links to every system program but Jupyter, apt-get and sudo. */
    private Path machineWithoutJupyter() throws IOException {
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        for (String dir : SYSTEM_BIN) {
            Path d = Path.of(dir);
            if (!Files.isDirectory(d)) {
                continue;
            }
            try (Stream<Path> programs = Files.list(d)) {
                for (Path p : (Iterable<Path>) programs::iterator) {
                    String name = p.getFileName().toString();
                    boolean hidden = name.startsWith("jupyter") || name.equals("apt-get") || name.equals("sudo");
                    if (!hidden && Files.notExists(bin.resolve(name))) {
                        Files.createSymbolicLink(bin.resolve(name), p);
                    }
                }
            }
        }
        return bin;
    }

    private static void script(Path file, String body) throws IOException {
        Files.writeString(file, "#!/bin/bash\n" + body);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private record Result(int status, String output) {
    }

    private Result lab(Path bin, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("bash", InstalledKernel.labHome().resolve("lab").toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.put("PATH", bin.toString());
        env.put("HOME", Files.createDirectories(tmp.resolve("home")).toString());
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.put("LAB_NO_BUILD", "1");
        env.remove("JUPYTER_DATA_DIR");
        env.remove("XDG_DATA_HOME");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(2, TimeUnit.MINUTES), "./lab " + String.join(" ", args) + " did not finish: " + out);
        return new Result(p.exitValue(), out);
    }

    @Test
    void onAMachineWithoutJupyterItInstallsJupyterWithAptThenTheKernelThenStartsIt() throws Exception {
        Path bin = machineWithoutJupyter();
        Path log = tmp.resolve("calls.log");
        // Once "installed", jupyter answers the version probes and records how the lab starts it.
        String fakeJupyter = "case \"$1 $2\" in\n"
                + "  'notebook --version'|'nbconvert --version') echo 6.4.12 ;;\n"
                + "  *) echo \"jupyter $*\" >> " + log + "; echo 'http://127.0.0.1/?token=fake' ;;\n"
                + "esac\n";
        script(bin.resolve("apt-get"), "echo \"apt-get $*\" >> " + log + "\n"
                + "if [[ \"$1\" == install ]]; then cat > " + bin.resolve("jupyter") + " <<'JUPYTER'\n#!/bin/bash\n"
                + fakeJupyter + "JUPYTER\nchmod +x " + bin.resolve("jupyter") + "; fi\n");
        script(bin.resolve("sudo"), "exec \"$@\"\n");

        Result r = lab(bin, "notebook", "--no-browser", "--port", "8899");

        assertEquals(0, r.status(), r.output());
        assertTrue(r.output().contains("Jupyter is missing; installing jupyter-notebook jupyter-nbconvert python3-nbclient"),
                r.output());
        List<String> calls = Files.readAllLines(log);
        assertEquals("apt-get update -qq", calls.get(0), calls.toString());
        assertEquals("apt-get install -y -qq jupyter-notebook jupyter-nbconvert python3-nbclient", calls.get(1));
        String started = calls.get(2);
        assertTrue(started.startsWith("jupyter notebook --notebook-dir=" + InstalledKernel.labHome().resolve("notebooks")
                + " --ip=127.0.0.1 --port=8899 --no-browser"), started);
        Path kernelJson = tmp.resolve("home/.local/share/jupyter/kernels/slmlab-java/kernel.json");
        assertTrue(Files.isRegularFile(kernelJson), "the kernel is installed for the user: " + r.output());
        assertTrue(Files.readString(kernelJson).contains("Java (SLM Lab)"));
    }

    @Test
    void withoutJupyterAndWithoutAptItSaysWhatToInstall() throws Exception {
        Result r = lab(machineWithoutJupyter(), "notebook", "--no-browser");

        assertEquals(1, r.status(), r.output());
        assertTrue(r.output().contains("Jupyter is missing. Install the classic notebook server and nbconvert"), r.output());
        assertTrue(r.output().contains("pip install --user notebook nbconvert nbclient"), r.output());
    }

    @Test
    void itStartsTheRealJupyterOnTheNotebooksWithTheKernelInstalled() throws Exception {
        InstalledKernel.jupyterPath(); // skips when Jupyter is absent
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String path = String.join(":", SYSTEM_BIN);
        ProcessBuilder pb = new ProcessBuilder("bash", InstalledKernel.labHome().resolve("lab").toString(),
                "notebook", "--no-browser", "--port", String.valueOf(port)).redirectErrorStream(true);
        pb.environment().put("PATH", path);
        pb.environment().put("HOME", Files.createDirectories(tmp.resolve("home")).toString());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().put("LAB_NO_BUILD", "1");
        Process jupyter = pb.start();
        try {
            String token = awaitToken(jupyter, Duration.ofSeconds(90));
            assertNotNull(token, "Jupyter printed no URL with a token");
            HttpResponse<String> specs = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + port + "/api/kernelspecs?token=" + token)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, specs.statusCode(), specs.body());
            assertTrue(specs.body().contains("\"slmlab-java\""), specs.body());
            HttpResponse<String> contents = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + port + "/api/contents?token=" + token)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, contents.statusCode(), contents.body());
            try (Stream<Path> entries = Files.list(InstalledKernel.labHome().resolve("notebooks"))) {
                for (Path entry : (Iterable<Path>) entries::iterator) {
                    String name = "\"name\": \"" + entry.getFileName() + "\"";
                    assertTrue(contents.body().contains(name), "Jupyter serves notebooks/, so lists " + name
                            + ": " + contents.body());
                }
            }
        } finally {
            jupyter.destroy();
            if (!jupyter.waitFor(10, TimeUnit.SECONDS)) {
                jupyter.destroyForcibly();
            }
        }
    }

    /**
     * Reads Jupyter's log until it prints its URL and returns the token in it; keeps draining the log afterwards
     * (a server whose stdout nobody reads would block, or die of a broken pipe, on its next log line).
     */
    private static String awaitToken(Process p, Duration limit) throws Exception {
        Pattern url = Pattern.compile("http://127\\.0\\.0\\.1:\\d+/\\S*token=([0-9a-f]+)");
        StringBuffer seen = new StringBuffer();
        CompletableFuture<String> token = new CompletableFuture<>();
        Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    seen.append(line).append('\n');
                    Matcher m = url.matcher(line);
                    if (m.find()) {
                        token.complete(m.group(1));
                    }
                }
            } catch (IOException e) {
                // the server was stopped
            }
            token.complete(null);
        });
        try {
            return token.get(limit.toSeconds(), TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("Jupyter did not print its URL within " + limit + ":\n" + seen);
        }
    }
}
