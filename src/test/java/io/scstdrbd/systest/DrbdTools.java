package io.scstdrbd.systest;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs Debian's drbd-utils 9.22 (/usr/sbin/drbdadm, drbdsetup, drbdmeta) against a daemon, the way
 * the wrappers do: UMC_FS_ROOT set and the LD_PRELOAD shim this build produced. Resource files
 * are written per test ({@code drbdadm -c FILE}); /etc/drbd.conf is never touched.
 */
public final class DrbdTools {
    /** FUSE roots, backing files and mount points of the DRBD system tests. */
    public static final Path SCRATCH = Path.of("/tmp/drbd-h");

    private final DaemonProcess daemon;
    private final Path conf;

    public DrbdTools(DaemonProcess daemon, Path conf) {
        this.daemon = daemon;
        this.conf = conf;
    }

    /** Skips the test unless drbd-utils and the built shim are there (and we are root). */
    public static void require() {
        DaemonProcess.requireRoot();
        assumeTrue(Files.isExecutable(Path.of("/usr/sbin/drbdadm")), "drbd-utils 9.22 not installed");
        assumeTrue(Files.isRegularFile(Path.of(shim())), "shim not built: " + shim());
    }

    public static String shim() {
        return Path.of(System.getProperty("scstdrbd.shim", "tools/target/shim/libscst-drbd-preload.so"))
                .toAbsolutePath().normalize().toString();
    }

    public static String host() {
        return Cmd.run("uname", "-n").ok().output().strip();
    }

    public Map<String, String> env() {
        Map<String, String> e = new HashMap<>();
        e.put("UMC_FS_ROOT", daemon.fuseRoot().toString());
        e.put("LD_PRELOAD", shim());
        return e;
    }

    public Path conf() {
        return conf;
    }

    private Cmd.Result run(String tool, String... args) {
        List<String> argv = new ArrayList<>();
        argv.add("/usr/sbin/" + tool);
        argv.addAll(Arrays.asList(args));
        return Cmd.run(Duration.ofMinutes(2), env(), argv.toArray(new String[0]));
    }

    /** {@code drbdadm -c CONF ARGS}. */
    public Cmd.Result adm(String... args) {
        List<String> a = new ArrayList<>(List.of("-c", conf.toString()));
        a.addAll(Arrays.asList(args));
        return run("drbdadm", a.toArray(new String[0]));
    }

    public Cmd.Result setup(String... args) {
        return run("drbdsetup", args);
    }

    public Cmd.Result meta(String... args) {
        return run("drbdmeta", args);
    }

    /** {@code drbdmeta 1 v09 NODE internal CMD...} on a backing node of the daemon. */
    public Cmd.Result metaOn(String device, String... cmd) {
        List<String> a = new ArrayList<>(List.of("1", "v09", daemon.dev(device).toString(), "internal"));
        a.addAll(Arrays.asList(cmd));
        return meta(a.toArray(new String[0]));
    }

    /** Starts a long-running drbd tool (events2) whose output goes to {@code out}. */
    public Process spawn(Path out, String tool, String... args) throws IOException {
        List<String> argv = new ArrayList<>();
        argv.add("/usr/sbin/" + tool);
        argv.addAll(Arrays.asList(args));
        ProcessBuilder pb = new ProcessBuilder(argv);
        pb.environment().putAll(env());
        pb.redirectErrorStream(true);
        pb.redirectOutput(out.toFile());
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        return pb.start();
    }

    /**
     * A resource file in the seed's shape for this host: node id 0 on 127.0.0.1:PORT with the
     * daemon's backing node, a peer "vagrant" (node id 1, 127.0.0.2) that never answers, and
     * {@code extra} added to the resource (options, handlers).
     */
    public static Path writeResource(Path file, String res, Path backingNode, int minor, int port, String extra)
            throws IOException {
        return writeResource(file, res, backingNode, minor, port, extra, "");
    }

    /** As above, with {@code diskOptions} added to the disk section (e.g. "al-extents 67;"). */
    public static Path writeResource(Path file, String res, Path backingNode, int minor, int port, String extra,
            String diskOptions) throws IOException {
        String conf = "resource " + res + " {\n"
                + extra
                + "    on " + host() + " {\n"
                + "\tnode-id\t\t\t0;\n"
                + "\taddress\t\t\t127.0.0.1:" + port + ";\n"
                + "\tvolume 0 {\n"
                + "\t    device\t\tdrbd" + minor + " minor " + minor + ";\n"
                + "\t    disk\t\t\"" + backingNode + "\";\n"
                + "\t    meta-disk\t\tinternal;\n"
                + "\t}\n    }\n"
                + "    on vagrant {\n"
                + "\tnode-id\t\t\t1;\n"
                + "\taddress\t\t\t127.0.0.2:" + port + ";\n"
                + "\tvolume 0 {\n"
                + "\t    device\t\tdrbd" + minor + " minor " + minor + ";\n"
                + "\t    disk\t\t\"" + backingNode + "\";\n"
                + "\t    meta-disk\t\tinternal;\n"
                + "\t}\n    }\n"
                + "    disk {\n\tc-plan-ahead\t\t0;\n\tresync-rate\t\t40000K;\n\tc-min-rate\t\t0k;\n"
                + (diskOptions.isEmpty() ? "" : "\t" + diskOptions + "\n") + "    }\n"
                + "}\n";
        Files.createDirectories(file.getParent());
        Files.writeString(file, conf);
        return file;
    }

    /**
     * The bits of one slot in a {@code drbdmeta dump-md} text ("bitmap[N] { ... }"): the dump
     * prints 64-bit words, either single or as "K times 0xWORD", with "# at" comments between.
     */
    public static long[] dumpedBitmap(String dump, int slot) {
        int start = dump.indexOf("bitmap[" + slot + "] {");
        if (start < 0) {
            throw new AssertionError("no bitmap[" + slot + "] in dump:\n" + dump);
        }
        int end = dump.indexOf('}', start);
        String body = dump.substring(dump.indexOf('{', start) + 1, end);
        List<Long> words = new ArrayList<>();
        for (String line : body.split("\n")) {
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            for (String item : l.split(";")) {
                String it = item.strip();
                if (it.isEmpty()) {
                    continue;
                }
                long times = 1;
                String hex = it;
                int t = it.indexOf(" times ");
                if (t > 0) {
                    times = Long.parseLong(it.substring(0, t).strip());
                    hex = it.substring(t + 7).strip();
                }
                long w = Long.parseUnsignedLong(hex.substring(2), 16);
                for (long k = 0; k < times; k++) {
                    words.add(w);
                }
            }
        }
        long[] a = new long[words.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = words.get(i);
        }
        return a;
    }

    public static boolean bit(long[] words, long bit) {
        int w = (int) (bit / 64);
        return w < words.length && (words[w] >>> (bit % 64) & 1) != 0;
    }
}
