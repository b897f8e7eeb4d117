package org.slmlab.kernel;

import org.dflib.jjava.jupyter.channels.JupyterConnection;
import org.dflib.jjava.jupyter.kernel.KernelConnectionProperties;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** {@code java -jar slmlab-kernel.jar CONNECTION_FILE}: what Jupyter runs, as written in the kernelspec. */
public final class KernelMain {

    static final String VERSION = "0.1.0";

    private KernelMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: java -jar slmlab-kernel.jar CONNECTION_FILE  (Jupyter starts the kernel this way)");
            System.exit(2);
        }
        PrintStream log = System.err; // cells get their own System.err; this one stays Jupyter's log
        KernelConnectionProperties properties = KernelConnectionProperties.parse(Files.readString(Path.of(args[0])));
        JupyterConnection connection = new JupyterConnection(properties);
        LabKernel kernel = LabKernel.create(log);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> explainExit(kernel, log), "exit notice"));
        kernel.onStartup();
        kernel.becomeHandlerForConnection(connection);
        connection.connect();
        connection.waitUntilClose();
        // Threads a cell left behind (an abandoned interrupt, a pool) must not keep the process alive.
        System.exit(0);
    }

    /**
     * The exits the kernel cannot turn into an error (through reflection or a method handle, or from a JDK
     * class) still end the process; at least the notebook and the log say why.
     */
    private static void explainExit(LabKernel kernel, PrintStream log) {
        if (!kernel.executing()) {
            return;
        }
        String notice = "kernel: the JVM is exiting because a cell called System.exit in a way the kernel cannot "
                + "intercept; Jupyter will restart the kernel (variables are lost).";
        log.println(notice);
        System.err.println(notice); // the running cell's stderr, if the notebook is still connected
        System.err.flush();
        try {
            Thread.sleep(300); // let the message leave before the sockets close
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
