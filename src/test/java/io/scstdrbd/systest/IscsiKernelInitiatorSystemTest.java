package io.scstdrbd.systest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The real Linux initiator (open-iscsi + iscsi_tcp in a QEMU guest, see the workspace's
 * shared/vm) against the daemon: SendTargets discovery, login, mkfs.ext4, mount, write, sync,
 * umount, e2fsck, logout; the file's md5 read back on the host from the LUN's backing file must
 * match. Plain, with mutual CHAP, and with CRC32C header and data digests. Skipped, with the
 * reason, where QEMU or the harness is missing or the guest image cannot be built.
 */
class IscsiKernelInitiatorSystemTest {
    static final int PORT = IscsiTestSupport.PORT_BASE + 7;
    static final String PLAIN = "iqn.2024-01.io.scst-drbd:kernel-plain";
    static final String CHAP = "iqn.2024-01.io.scst-drbd:kernel-chap";
    static final String DIGEST = "iqn.2024-01.io.scst-drbd:kernel-digest";
    static Path vm;
    static Path dir;
    static Path lunFile;
    static Map<String, String> vmEnv;
    static DaemonProcess daemon;

    @BeforeAll
    static void start() throws Exception {
        DaemonProcess.requireRoot();
        IscsiTestSupport.requireTools("qemu-system-x86_64", "python3", "debugfs");
        Path shared = IscsiTestSupport.shared();
        assumeTrue(shared != null, "the QEMU guest harness (shared/vm) is not in this workspace");
        vm = shared.resolve("vm");
        dir = IscsiTestSupport.scratch("kernel");
        String cache = System.getenv().getOrDefault("VM_CACHE_DIR", DaemonProcess.VM_CACHE);
        vmEnv = Map.of("VM_CACHE_DIR", cache, "VM_LOG_DIR", dir.toString(), "VM_SKIP_HOST_TOOLS", "1");
        Cmd.Result build = Cmd.run(Duration.ofMinutes(10), vmEnv, vm.resolve("build-guest.sh").toString());
        assumeTrue(build.exit() == 0, "the guest image cannot be built here:\n" + build.output());
        IscsiTestSupport.freePort(PORT);
        lunFile = dir.resolve("lun0.img");
        Files.deleteIfExists(lunFile);
        Path conf = dir.resolve("iscsi-scstd.conf");
        Files.writeString(conf, String.join("\n",
                "Target " + PLAIN,
                "\tNopInInterval 1",
                "\tNopInTimeout 3",
                "Target " + CHAP,
                "\tIncomingUser guestuser guestsecret123",
                "\tOutgoingUser kerneltarget targetsecret456",
                "Target " + DIGEST,
                "\tHeaderDigest CRC32C",
                "\tDataDigest CRC32C",
                ""));
        daemon = DaemonProcess.builder("iscsi-kernel").fuseRoot(dir.resolve("root"))
                .backend("tcmu000:ram:" + lunFile + ":256M")
                .arg("--iscsi-listen", "127.0.0.1:" + PORT, "--iscsi-conf", conf.toString(),
                        "--scst-state-dir", dir.resolve("state").toString())
                .start();
        daemon.waitForLog("iSCSI portal /127.0.0.1:" + PORT, Duration.ofSeconds(30));
    }

    @AfterAll
    static void stop() {
        if (daemon != null) {
            try {
                daemon.stop();
            } finally {
                daemon.close();
            }
        }
    }

    /** Runs the login/mkfs scenario in a guest; returns its results. */
    private static Map<String, String> scenario(String name, String target, String... env) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("python3", vm.resolve("run-guest.py").toString(), "--name", name,
                "--quiet", "--timeout", "400", "-e", "ISCSI_PORT=" + PORT, "-e", "TARGET_IQN=" + target,
                "-e", "FILE_MB=16"));
        for (String e : env) {
            cmd.add("-e");
            cmd.add(e);
        }
        cmd.add(vm.resolve("scenarios/iscsi-login-mkfs.sh").toString());
        Cmd.Result r = Cmd.run(Duration.ofMinutes(8), vmEnv, cmd.toArray(new String[0]));
        Path log = dir.resolve(name + ".serial.log");
        String serial = Files.exists(log) ? Files.readString(log) : "(no serial log)";
        assertEquals(0, r.exit(), "guest scenario failed:\n" + r.output() + "\n" + tail(serial) + "\n"
                + daemon.tail());
        Map<String, String> results = new LinkedHashMap<>();
        for (String line : Files.readAllLines(dir.resolve(name + ".results"))) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                results.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return results;
    }

    private static String tail(String s) {
        String[] l = s.split("\n");
        return String.join("\n", java.util.Arrays.copyOfRange(l, Math.max(0, l.length - 40), l.length));
    }

    /** md5 of /payload.bin in the ext4 file system on the LUN's backing file, read on the host. */
    private static String hostMd5(String name) throws Exception {
        Path out = dir.resolve(name + ".payload");
        Files.deleteIfExists(out);
        Cmd.run("debugfs", "-R", "dump /payload.bin " + out, lunFile.toString()).ok();
        String md5 = Cmd.run("md5sum", out.toString()).ok().output();
        return md5.substring(0, 32);
    }

    private static void check(String name, Map<String, String> r) throws Exception {
        assertEquals("clean", r.get("fsck"), r.toString());
        assertEquals(String.valueOf(256L << 20), r.get("disk_bytes"), r.toString());
        assertEquals(r.get("md5"), hostMd5(name), "the data the guest wrote is on the host");
    }

    /** Also answers NOP-In pings: the plain target pings every second and wants the answer within 3 s. */
    @Test
    void plain() throws Exception {
        check("kplain", scenario("kplain", PLAIN));
        assertEquals(0, daemon.countLog("no answer to NOP-In"), daemon.tail());
    }

    @Test
    void mutualChap() throws Exception {
        long before = daemon.countLog("kernel-chap TSIH \\d+ logged in \\(CHAP user guestuser\\)");
        check("kchap", scenario("kchap", CHAP, "CHAP_USER=guestuser", "CHAP_PASS=guestsecret123",
                "ISCSI_NODE_OPTS=node.session.auth.username_in=kerneltarget "
                        + "node.session.auth.password_in=targetsecret456"));
        assertTrue(daemon.countLog("kernel-chap TSIH \\d+ logged in \\(CHAP user guestuser\\)") > before);
    }

    @Test
    void crc32cDigests() throws Exception {
        check("kdigest", scenario("kdigest", DIGEST,
                "ISCSI_NODE_OPTS=node.conn[0].iscsi.HeaderDigest=CRC32C node.conn[0].iscsi.DataDigest=CRC32C"));
        assertTrue(daemon.countLog("kernel-digest TSIH \\d+ logged in.*HeaderDigest=CRC32C DataDigest=CRC32C") > 0,
                daemon.tail());
    }

    /**
     * ErrorRecoveryLevel 0 session recovery: the target is restarted under a logged-in kernel
     * initiator, which logs in again by itself; writes before and after land on the host. Before
     * that the session idles while the target pings it with NOP-In every second.
     */
    @Test
    void sessionRecoveryAcrossATargetRestart() throws Exception {
        int port = IscsiTestSupport.freePort(IscsiTestSupport.PORT_BASE + 8);
        Path work = IscsiTestSupport.scratch("kernel-recovery");
        Path share = work.resolve("share");
        Files.createDirectories(share);
        Files.deleteIfExists(share.resolve("phase1"));
        Files.deleteIfExists(share.resolve("phase2"));
        Path lun = work.resolve("lun.img");
        Files.deleteIfExists(lun);
        Path script = work.resolve("iscsi-recovery.sh");
        try (var in = IscsiKernelInitiatorSystemTest.class.getResourceAsStream("/vm/iscsi-recovery.sh")) {
            Files.write(script, in.readAllBytes());
        }
        String iqn = "iqn.2024-01.io.scst-drbd:recovery";
        Path conf = work.resolve("iscsi-scstd.conf");
        Files.writeString(conf, "Target " + iqn + "\n\tNopInInterval 1\n\tNopInTimeout 3\n");
        DaemonProcess.Builder b = DaemonProcess.builder("iscsi-recovery").fuseRoot(work.resolve("root"))
                .backend("tcmu000:ram:" + lun + ":64M")
                .arg("--iscsi-listen", "127.0.0.1:" + port, "--iscsi-conf", conf.toString(), "--log-level", "DEBUG",
                        "--scst-state-dir", work.resolve("state").toString());
        DaemonProcess first = b.start();
        Process guest = null;
        try {
            ProcessBuilder pb = new ProcessBuilder("python3", vm.resolve("run-guest.py").toString(), "--name", "krec",
                    "--quiet", "--share", share.toString(), "--timeout", "300", "-e", "ISCSI_PORT=" + port,
                    "-e", "IDLE_S=5",
                    "-e", "TARGET_IQN=" + iqn, script.toString());
            pb.environment().putAll(vmEnv);
            pb.environment().put("VM_LOG_DIR", work.toString());
            pb.redirectErrorStream(true);
            pb.redirectOutput(work.resolve("guest.out").toFile());
            guest = pb.start();
            long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
            while (!Files.exists(share.resolve("phase1")) && guest.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            assertTrue(Files.exists(share.resolve("phase1")), "the guest logged in and wrote:\n"
                    + Files.readString(work.resolve("guest.out")));
            // while the guest idled, the target pinged it every second and got its answers
            assertTrue(first.countLog("idle, NOP-In ping") >= 2, first.tail());
            assertEquals(0, first.countLog("no answer to NOP-In"), first.tail());
            first.stop();
            first.close();
            first = null;
            try (DaemonProcess second = b.start()) {
                Files.writeString(share.resolve("phase2"), "go");
                assertTrue(guest.waitFor(5, java.util.concurrent.TimeUnit.MINUTES), "guest finished");
                assertEquals(0, guest.exitValue(), Files.readString(work.resolve("guest.out")) + "\n"
                        + second.tail());
                assertTrue(second.countLog("krec,i,0x\\S+ -> " + iqn + " TSIH \\d+ logged in") > 0,
                        "the initiator logged in again:\n" + second.tail());
                second.stop();
            }
            Map<String, String> r = new LinkedHashMap<>();
            for (String line : Files.readAllLines(work.resolve("krec.results"))) {
                int eq = line.indexOf('=');
                if (eq > 0) {
                    r.put(line.substring(0, eq), line.substring(eq + 1));
                }
            }
            byte[] img = Files.readAllBytes(lun);
            java.security.MessageDigest md5 = java.security.MessageDigest.getInstance("MD5");
            md5.update(img, 0, 4 << 20);
            assertEquals(r.get("md5a"), java.util.HexFormat.of().formatHex(md5.digest()), "written before");
            md5.update(img, 8 << 20, 4 << 20);
            assertEquals(r.get("md5b"), java.util.HexFormat.of().formatHex(md5.digest()), "written after recovery");
        } finally {
            if (guest != null && guest.isAlive()) {
                guest.destroyForcibly();
            }
            if (first != null) {
                first.close();
            }
        }
    }
}
