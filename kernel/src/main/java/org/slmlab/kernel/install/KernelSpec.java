package org.slmlab.kernel.install;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The kernel.json Jupyter reads to start the kernel. The jar is named relative to the kernelspec folder
 * ({@code {resource_dir}}), so the folder can be moved; the JVM is the JDK that installed it.
 */
public final class KernelSpec {

    public static final String NAME = "slmlab-java";
    public static final String DISPLAY_NAME = "Java (SLM Lab)";
    public static final String JAR = "slmlab-kernel.jar";

    /** The JVM flags, each with the reason it is there. */
    static final List<String> JVM_FLAGS = List.of(
            "--add-modules", "jdk.incubator.vector",          // the Vector API, for SIMD in cells and lab-lib
            "--enable-native-access=ALL-UNNAMED",             // lab-lib maps model files with the FFM API
            "--sun-misc-unsafe-memory-access=allow",          // Guava (via Tablesaw) would warn on every start
            "-Djava.awt.headless=true",                       // charts are drawn into images, never windows
            "-XX:MaxRAMPercentage=50",                        // models are big; half the machine, not a quarter
            "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"); // jjava's protocol logging: warnings only

    private KernelSpec() {
    }

    /** The argv Jupyter runs: {@code java FLAGS -jar {resource_dir}/slmlab-kernel.jar {connection_file}}. */
    static List<String> argv(Path java) {
        List<String> argv = new ArrayList<>();
        argv.add(java.toString());
        argv.addAll(JVM_FLAGS);
        argv.add("-jar");
        argv.add("{resource_dir}/" + JAR);
        argv.add("{connection_file}");
        return argv;
    }

    static String json(Path java) {
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("argv", argv(java));
        spec.put("display_name", DISPLAY_NAME);
        spec.put("language", "java");
        // Interrupts arrive as messages: a signal would end the JVM rather than the running cell.
        spec.put("interrupt_mode", "message");
        spec.put("metadata", Map.of("debugger", false));
        try {
            return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(spec) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot write kernel.json", e);
        }
    }
}
