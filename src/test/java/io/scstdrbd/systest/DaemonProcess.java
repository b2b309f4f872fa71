package io.scstdrbd.systest;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real daemon as a process, for system tests: {@code java -jar scst-drbd.jar -f} with a
 * private FUSE root, its log in {@code target/systest-logs/}, started and stopped the way an admin
 * would (SIGTERM). Reusable for iSCSI and DRBD tests: add arguments ({@link Builder#arg}), an
 * environment ({@link Builder#env}), and wait for any log line ({@link #waitForLog}).
 *
 * <p>Use it in try-with-resources: {@link #close} always leaves the machine clean, even when the
 * test failed halfway: it unmounts file systems the test registered ({@link #track}), detaches loop
 * devices over this daemon's nodes, stops (or kills) the daemon and removes its FUSE mount.
 *
 * <pre>
 * try (DaemonProcess d = DaemonProcess.builder("ext4").backend("tcmu000:ram:@:64M").start()) {
 *     Cmd.run("mkfs.ext4", "-q", d.dev("tcmu000").toString()).ok();
 *     d.stop(); // SIGTERM, asserts exit status 0 and that the FUSE root is unmounted
 * }
 * </pre>
 */
public final class DaemonProcess implements AutoCloseable {
    /** Where FUSE roots and ext4 mount points of system tests live. */
    public static final Path SCRATCH = scratchRoot();
    /** The QEMU guest image cache of ../shared/vm (kept across runs: a cold build takes ~20 s). */
    public static final String VM_CACHE = "/tmp/scst-drbd-vmcache";
    private static final Pattern READY = Pattern.compile("scst-drbd \\S+ ready: ");
    private static final AtomicInteger RUNS = new AtomicInteger();

    private final Builder spec;
    private final Path log;
    private final Process process;
    private final List<Path> tracked = new ArrayList<>();
    private Integer exitStatus;

    /**
     * Mount points and images live under /tmp/scst-drbd-systest-HASH, HASH from the checkout's
     * path, so two checkouts can run the suite at once on one machine without sharing mounts.
     */
    private static Path scratchRoot() {
        String top = System.getProperty("scstdrbd.top", ".");
        String key = Path.of(top).toAbsolutePath().normalize().toString();
        return Path.of("/tmp/scst-drbd-systest-" + Integer.toHexString(key.hashCode()));
    }

    private DaemonProcess(Builder spec, Path log, Process process) {
        this.spec = spec;
        this.log = log;
        this.process = process;
    }

    /** A daemon named {@code name} (used for its log file and default FUSE root). */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** What to start. */
    public static final class Builder {
        private final String name;
        private Path fuseRoot;
        private boolean rootFromEnv;
        private final List<String> backends = new ArrayList<>();
        private final List<String> args = new ArrayList<>();
        private boolean defaultPortal;
        private final Map<String, String> env = new LinkedHashMap<>();
        private final List<String> jvmArgs = new ArrayList<>();
        private Duration readyTimeout = Duration.ofSeconds(60);
        private boolean waitReady = true;

        private Builder(String name) {
            this.name = name;
            this.fuseRoot = SCRATCH.resolve(name + "-root");
        }

        public Builder fuseRoot(Path root) {
            this.fuseRoot = root;
            return this;
        }

        /** Pass the FUSE root as UMC_FS_ROOT instead of --fuse-root. */
        public Builder fuseRootFromEnv() {
            this.rootFromEnv = true;
            return this;
        }

        /** A {@code --backend NAME:SUBTYPE:CFG[:SIZE]}; none at all runs the embedded default. */
        public Builder backend(String spec) {
            backends.add(spec);
            return this;
        }

        /** Extra command-line arguments (e.g. {@code --iscsi-listen 127.0.0.1:3270}). */
        public Builder arg(String... a) {
            args.addAll(List.of(a));
            return this;
        }

        public Builder env(String key, String value) {
            env.put(key, value);
            return this;
        }

        public Builder jvmArg(String a) {
            jvmArgs.add(a);
            return this;
        }

        public Builder readyTimeout(Duration d) {
            this.readyTimeout = d;
            return this;
        }

        /** Do not wait for the ready line (for start-up failures). */
        /** Keep the daemon's default iSCSI portal (127.0.0.1:3260) instead of a free port. */
        public Builder defaultPortal() {
            defaultPortal = true;
            return this;
        }

        public Builder noWait() {
            this.waitReady = false;
            return this;
        }

        public Path fuseRoot() {
            return fuseRoot;
        }

        /** The full command line. */
        public List<String> command() {
            List<String> cmd = new ArrayList<>();
            cmd.add(javaBinary());
            cmd.addAll(jvmArgs);
            cmd.add("-jar");
            cmd.add(jar().toString());
            cmd.add("-f");
            if (!rootFromEnv) {
                cmd.add("--fuse-root");
                cmd.add(fuseRoot.toString());
            }
            for (String b : backends) {
                cmd.add("--backend");
                cmd.add(b);
            }
            cmd.addAll(args);
            if (!args.contains("--iscsi-listen") && !defaultPortal) {
                // never the shared default 3260: tests run next to other daemons
                cmd.add("--iscsi-listen");
                cmd.add("127.0.0.1:" + freeLoopbackPort());
            }
            return cmd;
        }

        /** Starts the daemon and (unless {@link #noWait}) waits until it is ready and mounted. */
        public DaemonProcess start() {
            requireRoot();
            Path logDir = logDir();
            Path logFile = logDir.resolve(name + "-" + RUNS.incrementAndGet() + ".log");
            ProcessBuilder pb = new ProcessBuilder(command());
            pb.environment().remove("UMC_FS_ROOT");
            if (rootFromEnv) {
                pb.environment().put("UMC_FS_ROOT", fuseRoot.toString());
            }
            pb.environment().putAll(env);
            pb.redirectErrorStream(true);
            pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            Process p;
            try {
                Files.writeString(logFile, "# " + String.join(" ", command()) + "\n");
                pb.redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
                p = pb.start();
            } catch (IOException e) {
                throw new AssertionError("cannot start the daemon: " + e.getMessage(), e);
            }
            DaemonProcess d = new DaemonProcess(this, logFile, p);
            if (waitReady) {
                try {
                    d.waitReady(readyTimeout);
                } catch (RuntimeException | Error e) {
                    d.close();
                    throw e;
                }
            }
            return d;
        }
    }

    // ---- environment ----

    /** The jar the build produced (system property scstdrbd.jar, set by the pom). */
    public static Path jar() {
        Path jar = Path.of(System.getProperty("scstdrbd.jar", "daemon/target/scst-drbd.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new AssertionError(jar + " is missing: build it first (mvn -DskipTests package, or mvn verify)");
        }
        return jar;
    }

    static String javaBinary() {
        Path j = Path.of(System.getProperty("java.home"), "bin", "java");
        return Files.isExecutable(j) ? j.toString() : "java";
    }

    static Path logDir() {
        Path d = Path.of(System.getProperty("scstdrbd.top", ".")).resolve("src/test/target/systest-logs");
        try {
            Files.createDirectories(d);
        } catch (IOException e) {
            throw new AssertionError("cannot create " + d, e);
        }
        return d;
    }

    /**
     * A 127.0.0.1 port nobody listens on right now, for a daemon's --iscsi-listen or DRBD
     * addresses (so tests never take 3260 or 7788 from a real service).
     */
    public static int freeLoopbackPort() {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new AssertionError("no free loopback port", e);
        }
    }

    public static boolean isRoot() {
        return "root".equals(System.getProperty("user.name")) || Cmd.run("id", "-u").output().strip().equals("0");
    }

    /** Skips the calling test, with a reason, when not running as root (CI runs as root). */
    public static void requireRoot() {
        assumeTrue(isRoot(), "system tests mount FUSE and ext4 and need root; skipped for this user");
        assumeTrue(Files.exists(Path.of("/dev/fuse")), "/dev/fuse is missing; system tests skipped");
    }

    /** True if /proc/self/mountinfo lists a mount at {@code path}. */
    public static boolean isMounted(Path path) {
        return mountTypeAt(path) != null;
    }

    /** The file system type mounted at {@code path}, or null. */
    public static String mountTypeAt(Path path) {
        try {
            String type = null;
            for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
                String[] f = line.split(" ");
                int dash = List.of(f).indexOf("-");
                if (f.length > 4 && dash > 0 && f[4].equals(path.toString())) {
                    type = f[dash + 1];
                }
            }
            return type;
        } catch (IOException e) {
            return null;
        }
    }

    // ---- accessors ----

    public Path fuseRoot() {
        return spec.fuseRoot;
    }

    /** {@code <root>/dev/NAME}. */
    public Path dev(String name) {
        return spec.fuseRoot.resolve("dev").resolve(name);
    }

    public Path path(String relative) {
        return spec.fuseRoot.resolve(relative);
    }

    public Path log() {
        return log;
    }

    public String logText() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Number of threads of the daemon process (from /proc). */
    public int threadCount() {
        return Integer.parseInt(statusField("Threads"));
    }

    /** Resident set size in KiB (from /proc). */
    public long rssKib() {
        return Long.parseLong(statusField("VmRSS").replace("kB", "").strip());
    }

    private String statusField(String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid() + "/status"))) {
                if (line.startsWith(key + ":")) {
                    return line.substring(key.length() + 1).strip();
                }
            }
        } catch (IOException e) {
            throw new AssertionError("daemon " + pid() + " is gone", e);
        }
        throw new AssertionError("no " + key + " in /proc/" + pid() + "/status");
    }

    // ---- waiting ----

    /** Waits for the ready line and the FUSE mount; fails with the log if the daemon died. */
    public void waitReady(Duration timeout) {
        waitForLog(READY.pattern(), timeout);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!isMounted(fuseRoot())) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("daemon said ready but " + fuseRoot() + " is not mounted\n" + tail());
            }
            sleep(20);
        }
    }

    /** Waits until a log line matches {@code regex}; returns that line. */
    public String waitForLog(String regex, Duration timeout) {
        Pattern p = Pattern.compile(regex);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            for (String line : logText().split("\n")) {
                Matcher m = p.matcher(line);
                if (m.find()) {
                    return line;
                }
            }
            if (!process.isAlive()) {
                throw new AssertionError("daemon exited (" + process.exitValue() + ") before logging /" + regex + "/\n"
                        + tail());
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no log line /" + regex + "/ within " + timeout + "\n" + tail());
            }
            sleep(50);
        }
    }

    /** Number of log lines matching {@code regex} so far. */
    public long countLog(String regex) {
        Pattern p = Pattern.compile(regex);
        return logText().lines().filter(l -> p.matcher(l).find()).count();
    }

    /** The last 40 log lines, for failure messages. */
    public String tail() {
        String[] lines = logText().split("\n");
        StringBuilder sb = new StringBuilder("---- " + log + " (last lines) ----\n");
        for (int i = Math.max(0, lines.length - 40); i < lines.length; i++) {
            sb.append(lines[i]).append('\n');
        }
        return sb.toString();
    }

    // ---- stopping ----

    /** Sends SIGTERM (what Ctrl-C or kill does), without waiting. */
    public void signalTerm() {
        Cmd.run("kill", "-TERM", Long.toString(pid()));
    }

    /** Waits for the exit; returns the status or null if still running after {@code timeout}. */
    public Integer awaitExit(Duration timeout) {
        try {
            if (process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                exitStatus = process.exitValue();
                return exitStatus;
            }
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /**
     * Clean stop: SIGTERM, then asserts the daemon exits with status 0 within a minute and that
     * its FUSE root is no longer mounted.
     */
    public void stop() {
        signalTerm();
        Integer rc = awaitExit(Duration.ofSeconds(60));
        if (rc == null) {
            throw new AssertionError("daemon did not exit within 60 s of SIGTERM\n" + tail());
        }
        if (rc != 0) {
            throw new AssertionError("daemon exited with " + rc + " after SIGTERM\n" + tail());
        }
        if (isMounted(fuseRoot())) {
            throw new AssertionError("daemon exited but " + fuseRoot() + " is still mounted\n" + tail());
        }
    }

    /** SIGKILL, as if the daemon crashed (leaves a dead FUSE mount behind). */
    public void kill() {
        process.destroyForcibly();
        awaitExit(Duration.ofSeconds(30));
    }

    public Integer exitStatus() {
        return exitStatus;
    }

    /** Registers an ext4 (or other) mount point on this daemon's nodes, unmounted by {@link #close}. */
    public Path track(Path mountPoint) {
        tracked.add(mountPoint);
        return mountPoint;
    }

    /** mkdir -p and mount {@code node} (a loop mount of the FUSE file) at {@code mountPoint}. */
    public Path mount(Path node, Path mountPoint) {
        Cmd.run("mkdir", "-p", mountPoint.toString()).ok();
        if (isMounted(mountPoint)) {
            Cmd.run("umount", "-l", mountPoint.toString()); // left over by an aborted earlier run
        }
        track(mountPoint);
        Cmd.run("mount", node.toString(), mountPoint.toString()).ok();
        return mountPoint;
    }

    /** Always leaves the machine clean: mounts, loop devices, the daemon, its FUSE mount. */
    @Override
    public void close() {
        for (int i = tracked.size() - 1; i >= 0; i--) {
            Path m = tracked.get(i);
            if (isMounted(m)) {
                if (Cmd.run("umount", m.toString()).exit() != 0) {
                    Cmd.run("umount", "-l", m.toString());
                }
            }
        }
        tracked.clear();
        detachLoops();
        if (process.isAlive()) {
            signalTerm();
            if (awaitExit(Duration.ofSeconds(20)) == null) {
                process.destroyForcibly();
                awaitExit(Duration.ofSeconds(20));
            }
        }
        if (isMounted(fuseRoot())) {
            Cmd.run("umount", "-l", fuseRoot().toString());
        }
    }

    /** Detaches loop devices whose backing file is a node of this daemon's tree. */
    private void detachLoops() {
        String out = Cmd.run("losetup", "-n", "-O", "NAME,BACK-FILE", "--list").output();
        Map<String, String> loops = new HashMap<>();
        for (String line : out.split("\n")) {
            String[] f = line.trim().split("\\s+", 2);
            if (f.length == 2 && f[1].startsWith(fuseRoot().toString() + "/")) {
                loops.put(f[0], f[1]);
            }
        }
        for (String dev : loops.keySet()) {
            Cmd.run("losetup", "-d", dev);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
