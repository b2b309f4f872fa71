package io.scstdrbd.drbd.testutil;

import io.scstdrbd.drbd.DrbdModule;
import io.scstdrbd.drbd.model.ReplicationFactory;
import io.scstdrbd.kernel.Kernel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * One in-process DRBD node for tests with the real drbd-utils: a kernel whose "FUSE root" is a
 * plain directory under /tmp/drbd-h (dev/NAME files back the registry's devices, sys/block/NAME
 * directories mark them as block devices for the shim, proc/drbd holds the banner), the drbd
 * module with its netlink socket, and helpers to run drbdadm/drbdsetup/drbdmeta through the shim.
 */
public final class TestNode implements AutoCloseable {
    public final Path root;
    public final Kernel kernel;
    public final DrbdModule drbd;
    public final String host;
    private final List<FileBlockDevice> devices = new ArrayList<>();

    public TestNode(String tag) throws Exception {
        this(tag, ReplicationFactory.NONE);
    }

    public TestNode(String tag, ReplicationFactory replication) throws Exception {
        Path base = Path.of("/tmp/drbd-h");
        Files.createDirectories(base);
        root = Files.createTempDirectory(base, tag + "-");
        Files.createDirectories(root.resolve("dev"));
        Files.createDirectories(root.resolve("proc"));
        Files.createDirectories(root.resolve("sys/block"));
        kernel = new Kernel(root.toString());
        host = Run.of("uname", "-n").out.strip();
        drbd = new DrbdModule(kernel, host, replication);
        drbd.init();
        Files.writeString(root.resolve("proc/drbd"), drbd.proc().banner());
    }

    /** A backing device NAME of {@code bytes}, visible as $root/dev/NAME. */
    public FileBlockDevice addDisk(String name, long bytes) throws Exception {
        FileBlockDevice d = new FileBlockDevice(name, root.resolve("dev").resolve(name), bytes);
        kernel.devices().register(d);
        Files.createDirectories(root.resolve("sys/block").resolve(name));
        devices.add(d);
        return d;
    }

    public static String shim() {
        String s = System.getProperty("scstdrbd.shim", "../tools/target/shim/libscst-drbd-preload.so");
        return Path.of(s).toAbsolutePath().normalize().toString();
    }

    public static boolean toolsAvailable() {
        return Run.available("drbdadm") && Files.exists(Path.of(shim()))
                && "0".equals(System.getProperty("scstdrbd.uid", uid()));
    }

    static String uid() {
        try {
            return Run.of("id", "-u").out.strip();
        } catch (Exception e) {
            return "?";
        }
    }

    public Map<String, String> env() {
        Map<String, String> e = new HashMap<>();
        e.put("UMC_FS_ROOT", root.toString());
        e.put("LD_PRELOAD", shim());
        return e;
    }

    /** Runs a drbd-utils command with UMC_FS_ROOT and the shim. */
    public Run run(String... argv) throws Exception {
        return Run.of(env(), argv);
    }

    /** Writes a resource file for this host with one peer that never answers. */
    public Path resourceFile(String res, int minor, String disk, int port) throws IOException {
        return resourceFile(res, minor, disk, "internal", port);
    }

    /** As above with another meta-disk ("internal", or a FUSE node path for external metadata). */
    public Path resourceFile(String res, int minor, String disk, String metaDisk, int port) throws IOException {
        String conf = "resource " + res + " {\n"
                + "  disk { c-plan-ahead 0; resync-rate 40000K; c-min-rate 0k; }\n"
                + "  on " + host + " {\n    node-id 0;\n    address 127.0.0.1:" + port + ";\n"
                + "    volume 0 { device drbd" + minor + " minor " + minor + "; disk \"" + root + "/dev/" + disk
                + "\"; meta-disk " + metaDisk + "; }\n  }\n"
                + "  on peer-absent {\n    node-id 1;\n    address 127.0.0.2:" + port + ";\n"
                + "    volume 0 { device drbd" + minor + " minor " + minor + "; disk \"/dev/absent\"; meta-disk internal; }\n"
                + "  }\n}\n";
        Path f = root.resolve(res + ".res");
        Files.writeString(f, conf);
        return f;
    }

    @Override
    public void close() throws Exception {
        try {
            drbd.exit();
        } finally {
            for (FileBlockDevice d : devices) {
                try {
                    kernel.devices().unregister(d.name());
                } catch (Exception ignored) {
                    // still open after a failed test
                }
                d.close();
            }
            kernel.close();
            try (Stream<Path> s = Files.walk(root)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
            // the shim keeps drbd-utils' lock and state files next to the socket: <socket>.d
            String sock = io.scstdrbd.kernel.genl.GenlSocketPath.forRoot(root.toString()).toString();
            Path state = Path.of(sock.substring(0, sock.length() - ".genl".length()) + ".d");
            if (Files.exists(state)) {
                try (Stream<Path> s = Files.walk(state)) {
                    s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
    }
}
