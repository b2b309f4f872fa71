package io.scstdrbd.daemon;

import io.scstdrbd.backend.spi.BackendSpec;
import io.scstdrbd.kernel.errno.KernelException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The daemon's command line. Parsing only: nothing is created or opened here, so a bad
 * command line never leaves anything behind.
 */
record DaemonOptions(
        boolean foreground,
        boolean help,
        boolean version,
        String fuseRoot,
        List<BackendSpec> backends,
        String scstConf,
        String iscsiConf,
        InetSocketAddress iscsiListen,
        String node,
        String pidFile,
        String logFile,
        String logLevel,
        int fuseThreads,
        String scstStateDir) {

    static final String DEFAULT_FUSE_ROOT = "/UMCfuse";
    static final int DEFAULT_ISCSI_PORT = 3260;

    /** The seed's demo node: two 1 GiB ram disks over /tmp/cfg1 and /tmp/cfg2. */
    static List<BackendSpec> defaultBackends() {
        return List.of(new BackendSpec("tcmu000", "ram", "/tmp/cfg1", 1L << 30),
                new BackendSpec("tcmu001", "ram", "/tmp/cfg2", 1L << 30));
    }

    static final String USAGE = String.join("\n",
            "Usage: java -jar scst-drbd.jar [options]",
            "",
            "A usermode storage node: DRBD-compatible replication, SCST-style SCSI target over iSCSI,",
            "pluggable storage backends, and a FUSE tree of devices and status at $UMC_FS_ROOT.",
            "",
            "Options:",
            "  -f, --foreground          stay in the foreground (default: detach and write a pid file)",
            "  --fuse-root DIR           FUSE mount point (default: $UMC_FS_ROOT, else /UMCfuse)",
            "  --backend NAME:SUBTYPE:CFG[:SIZE]",
            "                            a storage backend; repeatable; replaces the default set",
            "                            e.g. tcmu000:ram:/tmp/cfg1:1G  r2:ram:@:256M  f0:file:/var/lib/disk.img",
            "  --scst-conf FILE          SCST configuration ([HANDLER]/[GROUP]/[ASSIGNMENT] format)",
            "  --scst-state-dir DIR      SCST state: persistent reservations, saved mode pages",
            "                            (default /var/lib/scst)",
            "  --iscsi-conf FILE         iSCSI target configuration (iscsi-scstd.conf format)",
            "  --iscsi-listen HOST:PORT  iSCSI portal (default 127.0.0.1:3260)",
            "  --node NAME               this node's name in DRBD resource files (default: host name)",
            "  --pid-file FILE           pid file (default without -f: /run/scst-drbd.pid)",
            "  --log-file FILE           log file when detached (default /var/log/scst-drbd.log)",
            "  --log-level LEVEL         ERROR, WARN, INFO, DEBUG or TRACE (default INFO)",
            "  --fuse-threads N          FUSE reader threads (default 4)",
            "  -h, --help                show this help",
            "  -V, --version             show the version",
            "",
            "Without --backend the daemon runs the demo node: tcmu000 and tcmu001 ram backends over",
            "/tmp/cfg1 and /tmp/cfg2 (1 GiB sparse files, created when absent), exported as LUN 0 and 1.");

    /** Parses the command line; {@code env} supplies UMC_FS_ROOT. */
    static DaemonOptions parse(String[] args, Map<String, String> env) throws UsageException {
        boolean fg = false;
        boolean help = false;
        boolean version = false;
        String fuseRoot = null;
        List<BackendSpec> backends = new ArrayList<>();
        String scstConf = null;
        String iscsiConf = null;
        String scstStateDir = "/var/lib/scst";
        InetSocketAddress listen = null;
        String node = null;
        String pidFile = null;
        String logFile = null;
        String logLevel = "INFO";
        int fuseThreads = 4;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String value = null;
            int eq = a.indexOf('=');
            if (a.startsWith("--") && eq > 0) {
                value = a.substring(eq + 1);
                a = a.substring(0, eq);
            }
            switch (a) {
                case "-f":
                case "--foreground":
                    fg = true;
                    break;
                case "-h":
                case "--help":
                    help = true;
                    break;
                case "-V":
                case "--version":
                    version = true;
                    break;
                case "--fuse-root":
                    fuseRoot = value != null ? value : arg(args, ++i, a);
                    if (!fuseRoot.startsWith("/")) {
                        throw new UsageException("--fuse-root: '" + fuseRoot + "' is not an absolute path");
                    }
                    break;
                case "--backend": {
                    String spec = value != null ? value : arg(args, ++i, a);
                    try {
                        BackendSpec b = BackendSpec.parse(spec);
                        for (BackendSpec other : backends) {
                            if (other.name().equals(b.name())) {
                                throw new UsageException("--backend: device name '" + b.name() + "' given twice");
                            }
                        }
                        backends.add(b);
                    } catch (KernelException e) {
                        throw new UsageException("--backend: " + e.getMessage());
                    }
                    break;
                }
                case "--scst-conf":
                    scstConf = value != null ? value : arg(args, ++i, a);
                    break;
                case "--scst-state-dir":
                    scstStateDir = value != null ? value : arg(args, ++i, a);
                    if (!scstStateDir.startsWith("/")) {
                        throw new UsageException("--scst-state-dir: '" + scstStateDir + "' is not an absolute path");
                    }
                    break;
                case "--iscsi-conf":
                    iscsiConf = value != null ? value : arg(args, ++i, a);
                    break;
                case "--iscsi-listen":
                    listen = hostPort(value != null ? value : arg(args, ++i, a));
                    break;
                case "--node":
                    node = value != null ? value : arg(args, ++i, a);
                    if (!node.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
                        throw new UsageException("--node: '" + node + "' is not a valid node name");
                    }
                    break;
                case "--pid-file":
                    pidFile = value != null ? value : arg(args, ++i, a);
                    break;
                case "--log-file":
                    logFile = value != null ? value : arg(args, ++i, a);
                    break;
                case "--log-level":
                    logLevel = (value != null ? value : arg(args, ++i, a)).toUpperCase(Locale.ROOT);
                    if (!List.of("ERROR", "WARN", "INFO", "DEBUG", "TRACE").contains(logLevel)) {
                        throw new UsageException("--log-level: '" + logLevel + "' is not one of ERROR WARN INFO DEBUG TRACE");
                    }
                    break;
                case "--fuse-threads":
                    fuseThreads = intArg(value != null ? value : arg(args, ++i, a), a, 1, 64);
                    break;
                default:
                    throw new UsageException("unknown option '" + args[i] + "' (see --help)");
            }
        }
        if (fuseRoot == null) {
            String env0 = env.get("UMC_FS_ROOT");
            fuseRoot = env0 != null && !env0.isEmpty() ? env0 : DEFAULT_FUSE_ROOT;
            if (!fuseRoot.startsWith("/")) {
                throw new UsageException("UMC_FS_ROOT: '" + fuseRoot + "' is not an absolute path");
            }
        }
        while (fuseRoot.length() > 1 && fuseRoot.endsWith("/")) {
            fuseRoot = fuseRoot.substring(0, fuseRoot.length() - 1);
        }
        if (backends.isEmpty()) {
            backends = defaultBackends();
        }
        if (listen == null) {
            listen = new InetSocketAddress(InetAddress.getLoopbackAddress(), DEFAULT_ISCSI_PORT);
        }
        return new DaemonOptions(fg, help, version, fuseRoot, List.copyOf(backends), scstConf, iscsiConf, listen,
                node, pidFile, logFile, logLevel, fuseThreads, scstStateDir);
    }

    private static String arg(String[] args, int i, String opt) throws UsageException {
        if (i >= args.length || args[i].isEmpty()) {
            throw new UsageException(opt + " needs a value (see --help)");
        }
        return args[i];
    }

    private static int intArg(String v, String opt, int min, int max) throws UsageException {
        try {
            int n = Integer.parseInt(v);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new UsageException(opt + ": '" + v + "' is not a number in " + min + ".." + max);
    }

    /** HOST:PORT with a literal IPv4/IPv6 address (no name lookups at start-up). */
    static InetSocketAddress hostPort(String v) throws UsageException {
        int colon = v.lastIndexOf(':');
        if (colon <= 0 || colon == v.length() - 1) {
            throw new UsageException("--iscsi-listen: '" + v + "' is not HOST:PORT");
        }
        String host = v.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port = intArg(v.substring(colon + 1), "--iscsi-listen port", 1, 65535);
        if (!host.matches("[0-9.]+") && !host.contains(":")) {
            throw new UsageException("--iscsi-listen: '" + host + "' is not an IP address");
        }
        try {
            return new InetSocketAddress(InetAddress.getByName(host), port);
        } catch (java.net.UnknownHostException e) {
            throw new UsageException("--iscsi-listen: '" + host + "' is not an IP address");
        }
    }
}
