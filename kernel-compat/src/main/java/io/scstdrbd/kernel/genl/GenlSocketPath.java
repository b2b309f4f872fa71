package io.scstdrbd.kernel.genl;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Where the generic-netlink Unix socket of the daemon serving a FUSE root lives. The path
 * follows from {@code UMC_FS_ROOT} alone, so the LD_PRELOAD shim (tools/shim, which computes the
 * same name in C) finds the right daemon, and several daemons with different roots, or a kernel
 * DRBD, never share a socket. A socket cannot live on the FUSE mount itself, hence /run.
 *
 * <p>Name: {@code /run/scst-drbd/<escaped root>.genl}. The root is normalised (repeated slashes
 * collapsed, trailing slashes removed, leading slash dropped); bytes {@code [A-Za-z0-9_]} and
 * {@code .} not starting a component are kept, {@code /} becomes {@code -}, every other byte {@code \xNN}
 * (lower-case hex), as {@code systemd-escape --path} does. The root {@code /} escapes to
 * {@code -}. A name that would make the path longer than a Unix socket allows (107 bytes) is
 * replaced by {@code h-} and the 64-bit FNV-1a hash of the normalised root in 16 hex digits.
 * Examples: {@code /UMCfuse} → {@code /run/scst-drbd/UMCfuse.genl};
 * {@code /tmp/drbd-h/root1} → {@code /run/scst-drbd/tmp-drbd\x2dh-root1.genl}.
 */
public final class GenlSocketPath {
    public static final String DIR = "/run/scst-drbd";
    static final String SUFFIX = ".genl";
    static final int MAX_PATH = 107;

    private GenlSocketPath() {
    }

    public static Path forRoot(String fsRoot) {
        return Path.of(name(fsRoot));
    }

    static String name(String fsRoot) {
        String norm = normalize(fsRoot);
        String p = DIR + "/" + escape(norm) + SUFFIX;
        if (p.getBytes(StandardCharsets.UTF_8).length > MAX_PATH) {
            p = DIR + "/h-" + String.format("%016x", fnv1a64(norm)) + SUFFIX;
        }
        return p;
    }

    /** Collapses repeated slashes and strips the leading and trailing ones. */
    static String normalize(String root) {
        StringBuilder sb = new StringBuilder();
        for (String part : root.split("/")) {
            if (!part.isEmpty()) {
                if (sb.length() > 0) {
                    sb.append('/');
                }
                sb.append(part);
            }
        }
        return sb.toString();
    }

    static String escape(String norm) {
        if (norm.isEmpty()) {
            return "-";
        }
        StringBuilder sb = new StringBuilder();
        byte[] b = norm.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < b.length; i++) {
            int c = b[i] & 0xff;
            boolean keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'
                    || (c == '.' && i > 0 && b[i - 1] != '/');
            if (c == '/') {
                sb.append('-');
            } else if (keep) {
                sb.append((char) c);
            } else {
                sb.append(String.format("\\x%02x", c));
            }
        }
        return sb.toString();
    }

    static long fnv1a64(String s) {
        long h = 0xcbf29ce484222325L;
        for (byte x : s.getBytes(StandardCharsets.UTF_8)) {
            h ^= x & 0xff;
            h *= 0x100000001b3L;
        }
        return h;
    }
}
