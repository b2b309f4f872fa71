package io.scstdrbd.systest;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Shared bits of the iSCSI system tests: ports, scratch directories, tools, target names. */
final class IscsiTestSupport {
    /** The iSCSI tests' own ports are 13260-13299 (3260 only for the default node). */
    static final int PORT_BASE = 13260;
    /** Scratch space of the iSCSI tests (FUSE roots, work files). */
    static final Path SCRATCH = DaemonProcess.SCRATCH.resolve("iscsi");

    private IscsiTestSupport() {
    }

    static Path scratch(String name) throws IOException {
        Path p = SCRATCH.resolve(name);
        Files.createDirectories(p);
        return p;
    }

    /** Skips the test unless {@code port} on 127.0.0.1 is free. */
    static int freePort(int port) {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
        } catch (IOException e) {
            assumeTrue(false, "port 127.0.0.1:" + port + " is in use");
        }
        return port;
    }

    /** Skips the test unless every tool is on the PATH. */
    static void requireTools(String... tools) {
        for (String t : tools) {
            assumeTrue(Cmd.run("sh", "-c", "command -v " + t).exit() == 0, t + " is not installed");
        }
    }

    static String url(int port, String iqn, int lun) {
        return "iscsi://127.0.0.1:" + port + "/" + iqn + "/" + lun;
    }

    /** The target names iscsi-ls lists. */
    static java.util.List<String> targets(String lsOutput) {
        java.util.List<String> out = new java.util.ArrayList<>();
        Matcher m = Pattern.compile("Target:(\\S+) Portal:").matcher(lsOutput);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    /** The LUN numbers iscsi-ls -s lists. */
    static java.util.List<Integer> luns(String lsOutput) {
        java.util.List<Integer> out = new java.util.ArrayList<>();
        Matcher m = Pattern.compile("Lun:(\\d+)\\s").matcher(lsOutput);
        while (m.find()) {
            out.add(Integer.parseInt(m.group(1)));
        }
        return out;
    }

    /** Waits until {@code regex} matches at least {@code n} log lines; returns the count. */
    static long awaitLogCount(DaemonProcess d, String regex, long n, java.time.Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long c;
        while ((c = d.countLog(regex)) < n && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        return c;
    }

    /** The workspace's shared/ directory (test harnesses), or null when this checkout has none. */
    static Path shared() {
        String p = System.getProperty("scstdrbd.shared", System.getenv("SCST_DRBD_SHARED"));
        if (p != null && Files.isDirectory(Path.of(p))) {
            return Path.of(p);
        }
        String top = System.getProperty("scstdrbd.top", ".");
        for (Path c : new Path[] {Path.of(top).resolve("../shared"), Path.of(top).resolve("../../shared"),
            Path.of("/work/shared")}) {
            if (Files.isDirectory(c.resolve("vm"))) {
                return c.normalize();
            }
        }
        return null;
    }

    /** A qemu json: filename for an iSCSI LUN region (qemu-img cannot take ?args in iscsi URLs). */
    static String qemuJson(int port, String iqn, int lun, long offset, long size, String extra) {
        String file = "{\"driver\":\"iscsi\",\"transport\":\"tcp\",\"portal\":\"127.0.0.1:" + port
                + "\",\"target\":\"" + iqn + "\",\"lun\":" + lun + (extra == null ? "" : "," + extra) + "}";
        if (size <= 0) {
            return "json:{\"driver\":\"raw\",\"file\":" + file + "}";
        }
        return "json:{\"driver\":\"raw\",\"offset\":" + offset + ",\"size\":" + size + ",\"file\":" + file + "}";
    }
}
