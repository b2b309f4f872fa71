package io.scstdrbd.daemon;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/** Entry point of {@code scst-drbd.jar}: parse, validate, then run in the foreground or detach. */
public final class Main {
    static final String DEFAULT_PID_FILE = "/run/scst-drbd.pid";
    static final String DEFAULT_LOG_FILE = "/var/log/scst-drbd.log";
    private static final String LEAK_DETECTION = "io.netty.leakDetection.level";

    private Main() {
    }

    public static void main(String[] args) {
        DaemonOptions opts;
        try {
            opts = DaemonOptions.parse(args, System.getenv());
            if (opts.help()) {
                System.out.println(DaemonOptions.USAGE);
                System.exit(0);
            }
            if (opts.version()) {
                System.out.println("scst-drbd " + version());
                System.exit(0);
            }
            // before the first logger is created: logback.xml reads it
            System.setProperty("SCST_DRBD_LOG_LEVEL", opts.logLevel());
            // Netty's default leak detection records a stack trace for one buffer in 128: about 5% of
            // a replication peer's CPU. Off unless asked for (-Dio.netty.leakDetection.level=...),
            // as the tests do. Set before any Netty class loads.
            if (System.getProperty(LEAK_DETECTION) == null && System.getProperty("io.netty.leakDetectionLevel") == null) {
                System.setProperty(LEAK_DETECTION, "disabled");
            }
            Daemon.validate(opts);
        } catch (UsageException e) {
            System.err.println("scst-drbd: " + e.getMessage());
            System.exit(2);
            return;
        }
        if (!opts.foreground()) {
            System.exit(detach(args, opts));
        }
        int rc = new Daemon(opts).run();
        System.exit(rc);
    }

    static String version() {
        try (InputStream in = Main.class.getResourceAsStream("/scst-drbd-version.properties")) {
            Properties p = new Properties();
            if (in != null) {
                p.load(in);
            }
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    /**
     * Starts a copy of this JVM in the foreground mode in a new session, its output appended to
     * the log file, and waits until it has written its pid file (ready) or died.
     */
    private static int detach(String[] args, DaemonOptions opts) {
        String pidFile = opts.pidFile() != null ? opts.pidFile() : DEFAULT_PID_FILE;
        String logFile = opts.logFile() != null ? opts.logFile() : DEFAULT_LOG_FILE;
        Path pid = Path.of(pidFile);
        try {
            if (Files.exists(pid)) {
                long old = Long.parseLong(Files.readString(pid).trim());
                if (ProcessHandle.of(old).map(ProcessHandle::isAlive).orElse(false)) {
                    System.err.println("scst-drbd: already running (pid " + old + ", " + pidFile + ")");
                    return 2;
                }
                Files.delete(pid);
            }
        } catch (IOException | NumberFormatException e) {
            System.err.println("scst-drbd: cannot use pid file " + pidFile + ": " + e.getMessage());
            return 2;
        }
        List<String> cmd = new ArrayList<>();
        if (new File("/usr/bin/setsid").canExecute()) {
            cmd.add("/usr/bin/setsid");
        }
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(Main.class.getName());
        cmd.addAll(Arrays.asList(args));
        cmd.add("--foreground");
        if (opts.pidFile() == null) {
            cmd.add("--pid-file");
            cmd.add(pidFile);
        }
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(new File(logFile)));
        pb.redirectErrorStream(true);
        Process child;
        try {
            child = pb.start();
        } catch (IOException e) {
            System.err.println("scst-drbd: cannot start the daemon: " + e.getMessage());
            return 1;
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            if (Files.exists(pid)) {
                System.out.println("scst-drbd started (pid " + child.pid() + ", log " + logFile + ")");
                return 0;
            }
            if (!child.isAlive()) {
                System.err.println("scst-drbd: the daemon exited with status " + child.exitValue() + "; see " + logFile);
                return 1;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return 1;
            }
        }
        System.err.println("scst-drbd: the daemon did not become ready within 120 s; see " + logFile);
        return 1;
    }
}
