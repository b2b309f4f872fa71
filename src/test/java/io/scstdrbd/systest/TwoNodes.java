package io.scstdrbd.systest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Two daemons on one host replicating to each other, as the replication system tests need them:
 * node "alpha" (node id 0) at 127.0.0.1:PORT and node "beta" (node id 1) at 127.0.0.2:PORT, each
 * with its own FUSE root under /tmp/repl-h/TAG/, a file-backed ram backend tcmu001 (so a killed
 * daemon finds its data again) and the resource r0, volume 0, drbd1 minor 1 with internal
 * metadata. drbdadm runs per node with the shim and {@code __DRBD_NODE__} so it picks that node's
 * "on" section; each node has its own copy of the resource file so a test can give the two sides
 * different options (a wrong secret, another protocol).
 */
final class TwoNodes implements AutoCloseable {
    static final Path SCRATCH = Path.of("/tmp/repl-h");

    final Node a;
    final Node b;
    private final Path work;
    private final int port;
    private final String size;

    /** Options shared by both resource files; a node adds its own with {@link Node#net}. */
    String net = "protocol C;";
    String disk = "c-plan-ahead 0; resync-rate 100M; c-min-rate 0k;";
    String handlers = "";
    String common = "";

    TwoNodes(String tag, int port, String size) throws IOException {
        this.work = SCRATCH.resolve(tag);
        this.port = port;
        this.size = size;
        Files.createDirectories(work);
        this.a = new Node("alpha", 0, "127.0.0.1", work.resolve("A"));
        this.b = new Node("beta", 1, "127.0.0.2", work.resolve("B"));
    }

    Path work() {
        return work;
    }

    /** Starts both daemons, creates metadata and brings r0 up on both; waits for Connected. */
    void upConnected() throws Exception {
        a.start();
        b.start();
        a.createMd();
        b.createMd();
        a.up();
        b.up();
        awaitConnected();
    }

    void awaitConnected() {
        a.awaitStatus(s -> s.contains("  " + b.name + " role:"), Duration.ofSeconds(30));
        b.awaitStatus(s -> s.contains("  " + a.name + " role:"), Duration.ofSeconds(30));
    }

    /** Both sides connected, UpToDate and with no resync running. */
    void awaitInSync(Duration timeout) {
        for (Node n : List.of(a, b)) {
            Node p = n == a ? b : a;
            n.awaitStatus(s -> s.contains("  disk:UpToDate\n  " + p.name + " role:")
                    && s.contains("    peer-disk:UpToDate\n") && !s.contains("replication:"), timeout);
        }
    }

    /** Asserts that the data areas (what drbd1 shows) of both backing devices are equal. */
    void assertSameData(String step) throws IOException {
        long bytes = Math.min(a.dataBytes(), b.dataBytes());
        String ma = a.md5(bytes);
        String mb = b.md5(bytes);
        assertEquals(ma, mb, step + ": the data of alpha and beta differ (" + bytes + " bytes)");
    }

    @Override
    public void close() {
        for (Node n : List.of(a, b)) {
            n.closeQuietly();
        }
    }

    /** One of the two nodes. */
    final class Node {
        final String name;
        final int nodeId;
        final String address;
        final Path dir;
        final Path root;
        final Path image;
        final Path conf;
        final Path mnt;
        /** Options only this node's resource file has in its net section. */
        String netExtra = "";
        DaemonProcess daemon;

        /**
         * Overwrites 4 KiB block {@code block} of this node's backing image with bytes from
         * {@code seed}, behind DRBD's back (the ram backend maps that file).
         */
        void scribble(long block, long seed) throws IOException {
            byte[] junk = new byte[4096];
            new java.util.Random(seed).nextBytes(junk);
            try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "rw")) {
                f.seek(block * 4096);
                f.write(junk);
            }
        }

        Node(String name, int nodeId, String address, Path dir) throws IOException {
            this.name = name;
            this.nodeId = nodeId;
            this.address = address;
            this.dir = dir;
            this.root = dir.resolve("root");
            this.image = dir.resolve("tcmu001.img");
            this.conf = dir.resolve("r0.res");
            this.mnt = dir.resolve("mnt");
            Files.createDirectories(dir);
            Files.deleteIfExists(image);
        }

        Node peer() {
            return this == a ? b : a;
        }

        /** Starts the daemon (fresh or on its existing image after a kill). */
        DaemonProcess start() throws IOException {
            writeConf();
            daemon = DaemonProcess.builder("repl-" + work.getFileName() + "-" + name).fuseRoot(root)
                    .fuseRootFromEnv().backend("tcmu001:ram:" + image + ":" + size).arg("--node", name).start();
            return daemon;
        }

        /** SIGKILL: the daemon crashes; its FUSE root is cleared so it can start again. */
        void kill() {
            daemon.kill();
            if (DaemonProcess.isMounted(root)) {
                Cmd.run("umount", "-l", root.toString());
            }
        }

        void writeConf() throws IOException {
            StringBuilder sb = new StringBuilder("resource r0 {\n");
            sb.append("    net { ").append(net).append(' ').append(netExtra).append(" }\n");
            sb.append("    disk { ").append(disk).append(" }\n");
            if (!handlers.isEmpty()) {
                sb.append("    handlers { ").append(handlers).append(" }\n");
            }
            sb.append(common);
            for (Node n : List.of(a, b)) {
                sb.append("    on ").append(n.name).append(" {\n")
                        .append("        node-id ").append(n.nodeId).append(";\n")
                        .append("        address ").append(n.address).append(':').append(port).append(";\n")
                        .append("        volume 0 { device drbd1 minor 1; disk \"").append(n.root)
                        .append("/dev/tcmu001\"; meta-disk internal; }\n    }\n");
            }
            sb.append("}\n");
            Files.writeString(conf, sb.toString());
        }

        Map<String, String> env() {
            return Map.of("UMC_FS_ROOT", root.toString(), "LD_PRELOAD", DrbdTools.shim(), "__DRBD_NODE__", name);
        }

        /** {@code drbdadm -c CONF ARGS} as this node. */
        Cmd.Result adm(String... args) {
            List<String> argv = new ArrayList<>(List.of("/usr/sbin/drbdadm", "-c", conf.toString()));
            argv.addAll(Arrays.asList(args));
            return tool(argv);
        }

        Cmd.Result setup(String... args) {
            List<String> argv = new ArrayList<>(List.of("/usr/sbin/drbdsetup"));
            argv.addAll(Arrays.asList(args));
            return tool(argv);
        }

        /**
         * Runs a drbd tool; output is stdout followed by stderr without drbdadm's notes that
         * __DRBD_NODE__ made it pick this node's section (on stderr, interleaved otherwise).
         */
        private Cmd.Result tool(List<String> argv) {
            ProcessBuilder pb = new ProcessBuilder(argv);
            pb.environment().putAll(env());
            pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            try {
                Path out = Files.createTempFile(dir, "tool", ".out");
                Path err = Files.createTempFile(dir, "tool", ".err");
                try {
                    pb.redirectOutput(out.toFile()).redirectError(err.toFile());
                    Process p = pb.start();
                    if (!p.waitFor(2, java.util.concurrent.TimeUnit.MINUTES)) {
                        p.destroyForcibly().waitFor();
                        throw new AssertionError(String.join(" ", argv) + " did not finish within 2 minutes");
                    }
                    StringBuilder text = new StringBuilder(Files.readString(out));
                    for (String l : Files.readAllLines(err)) {
                        if (!l.isBlank() && !l.contains("__DRBD_NODE__") && !l.contains("PRETENDING that I am")) {
                            text.append(l).append('\n');
                        }
                    }
                    return new Cmd.Result(argv, p.exitValue(), text.toString());
                } finally {
                    Files.deleteIfExists(out);
                    Files.deleteIfExists(err);
                }
            } catch (IOException e) {
                throw new AssertionError("cannot run " + argv + ": " + e.getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }

        /**
         * {@code drbdadm up r0}. The FUSE export admits one writer per device and the kernel sends
         * the release of a closed node asynchronously, so right after create-md (drbdmeta had the
         * backing node open) the attach can still find it busy: then down and once more.
         */
        Cmd.Result up() {
            Cmd.Result r = adm("up", "r0");
            for (int i = 0; i < 5 && r.exit() != 0
                    && (r.output().contains("failed with -16") || r.output().contains("Device or resource busy")); i++) {
                adm("down", "r0");
                sleep(500);
                r = adm("up", "r0");
            }
            return r.ok();
        }

        void createMd() {
            Cmd.Result r = adm("create-md", "--force", "r0");
            if (r.exit() != 0 || !r.output().contains("New drbd meta data block successfully created.")) {
                throw new AssertionError(name + ": create-md failed:\n" + r.output());
            }
        }

        /** Starts a long-running drbd tool (events2) writing to {@code out}. */
        Process spawn(Path out, String tool, String... args) throws IOException {
            List<String> argv = new ArrayList<>(List.of("/usr/sbin/" + tool));
            argv.addAll(Arrays.asList(args));
            ProcessBuilder pb = new ProcessBuilder(argv);
            pb.environment().putAll(env());
            pb.redirectErrorStream(true);
            pb.redirectOutput(out.toFile());
            pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            return pb.start();
        }

        String status() {
            return adm("status", "r0").output();
        }

        /** Polls {@code drbdadm status r0} until {@code ok} holds; returns that status. */
        String awaitStatus(Predicate<String> ok, Duration timeout) {
            long deadline = System.nanoTime() + timeout.toNanos();
            String s = status();
            while (!ok.test(s)) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError(name + ": status not reached within " + timeout + ":\n" + s
                            + "\n" + peer().name + ":\n" + peer().status() + "\n" + daemon.tail() + peer().daemon.tail());
                }
                sleep(150);
                s = status();
            }
            return s;
        }

        Path drbd1() {
            return daemon.dev("drbd1");
        }

        Path backing() {
            return daemon.dev("tcmu001");
        }

        /** Bytes of drbd1: the data area of the backing device (the rest is internal metadata). */
        long dataBytes() throws IOException {
            return Files.size(drbd1());
        }

        /** md5 of the first {@code bytes} of the backing device, read through this node's FUSE tree. */
        String md5(long bytes) throws IOException {
            return md5Of(backing(), bytes);
        }

        /** The bits a "began resync" log line of this node reported, by order of appearance. */
        List<Long> resyncBits() {
            List<Long> out = new ArrayList<>();
            Matcher m = RESYNC.matcher(daemon.logText());
            while (m.find()) {
                out.add(Long.parseLong(m.group(1)));
            }
            return out;
        }

        void closeQuietly() {
            if (daemon == null) {
                return;
            }
            try {
                if (daemon.isAlive()) {
                    adm("down", "r0");
                }
            } catch (RuntimeException | AssertionError e) {
                // the daemon is stopped below anyway
            }
            daemon.close();
        }
    }

    static final Pattern RESYNC = Pattern.compile("began resync as \\w+ \\(will sync \\d+ KiB \\[(\\d+) bits set\\]\\)");

    static String md5Of(Path file, long bytes) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer buf = ByteBuffer.allocate(1 << 20);
            long pos = 0;
            while (pos < bytes) {
                buf.clear().limit((int) Math.min(buf.capacity(), bytes - pos));
                int n = ch.read(buf, pos);
                if (n < 0) {
                    throw new IOException(file + " ends at " + pos + " before " + bytes);
                }
                buf.flip();
                md.update(buf);
                pos += n;
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /** Writes {@code count} blocks of 4 KiB of random data at the given 4 KiB block numbers (O_DIRECT). */
    static void writeBlocks(Path dev, long[] blocks, long seed) throws IOException {
        java.util.Random r = new java.util.Random(seed);
        byte[] data = new byte[4096];
        try (RandomAccessFile f = new RandomAccessFile(dev.toFile(), "rw")) {
            for (long blk : blocks) {
                r.nextBytes(data);
                f.seek(blk * 4096);
                f.write(data);
            }
            f.getFD().sync();
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
