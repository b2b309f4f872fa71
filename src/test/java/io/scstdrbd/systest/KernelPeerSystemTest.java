package io.scstdrbd.systest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The daemon against the in-kernel DRBD 8.4.11 of a QEMU guest (../shared/vm, scenario
 * drbd84-peer.sh): full sync with the guest as Primary (we are the sync target) and with us as
 * Primary (we are the sync source), protocol C writes, then a full resync agreed with the kernel
 * (P_STATE_CHG_REQ): drbdadm invalidate on our Secondary, invalidate-remote on our Primary, then
 * invalidate on our Primary (a Primary SyncTarget of the kernel, written to meanwhile); an online
 * shrink and grow agreed with the kernel (the new part resynced from the Primary); the md5
 * of the whole volume equal on both sides. About 30 s (software emulation); SCSTDRBD_KERNEL_PEER=0 leaves it out, and it skips
 * itself without the harness. The guest image is built by the harness into VM_CACHE_DIR (default
 * DaemonProcess.VM_CACHE, shared with the iSCSI kernel-initiator test).
 *
 * Wiring: we listen on 127.0.0.1:17760, where the guest connects to (10.0.2.2:17760); the guest's
 * DRBD port 7789 is forwarded from 127.0.0.1:17761, where we connect to.
 */
class KernelPeerSystemTest {
    private static final int HOST_PORT = 17760;
    private static final int GUEST_FWD = 17761;
    private static final Pattern GUEST_MD5 = Pattern.compile("DEVICE md5 ([0-9a-f]{32}) \\S+ \\((\\d+) bytes\\)");

    @Test
    void guestPrimaryHostIsSyncTarget() throws Exception {
        run("primary");
    }

    @Test
    void hostPrimaryHostIsSyncSource() throws Exception {
        run("secondary");
    }

    /** SCSTDRBD_VM_DIR, else the workspace's shared/vm (as the iSCSI kernel-initiator test finds it). */
    private static Path vmDir() {
        String d = System.getenv("SCSTDRBD_VM_DIR");
        if (d != null) {
            return Path.of(d);
        }
        Path shared = IscsiTestSupport.shared();
        return shared == null ? Path.of("/nonexistent/shared/vm") : shared.resolve("vm");
    }

    private void run(String guestRole) throws Exception {
        assumeTrue(!"0".equals(System.getenv("SCSTDRBD_KERNEL_PEER")), "SCSTDRBD_KERNEL_PEER=0 leaves the kernel peer out");
        DrbdTools.require();
        Path vm = vmDir();
        assumeTrue(Files.isExecutable(vm.resolve("run-guest.py")), "no guest harness at " + vm);
        String cache = System.getenv().getOrDefault("VM_CACHE_DIR", DaemonProcess.VM_CACHE);
        Cmd.run(Duration.ofMinutes(10), Map.of("VM_CACHE_DIR", cache), vm.resolve("build-guest.sh").toString()).ok();

        Path work = TwoNodes.SCRATCH.resolve("kpeer-" + guestRole);
        Path share = work.resolve("share");
        Cmd.run("rm", "-rf", work.toString()).ok();
        Files.createDirectories(share);
        Path root = work.resolve("root");
        Path conf = work.resolve("r0.res");
        Files.writeString(conf, "resource r0 {\n"
                + "  net { protocol C; }\n"
                + "  disk { c-plan-ahead 0; resync-rate 100M; }\n"
                + "  on hostpeer { node-id 0; address 127.0.0.1:" + HOST_PORT + ";\n"
                + "    volume 0 { device drbd1 minor 1; disk \"" + root + "/dev/tcmu001\"; meta-disk internal; } }\n"
                + "  on drbd-guest { node-id 1; address 127.0.0.1:" + GUEST_FWD + ";\n"
                + "    volume 0 { device drbd1 minor 1; disk \"" + root + "/dev/tcmu001\"; meta-disk internal; } }\n"
                + "}\n");
        Map<String, String> env = Map.of("UMC_FS_ROOT", root.toString(), "LD_PRELOAD", DrbdTools.shim(),
                "__DRBD_NODE__", "hostpeer");
        try (DaemonProcess d = DaemonProcess.builder("kpeer-" + guestRole).fuseRoot(root).fuseRootFromEnv()
                .backend("tcmu001:ram:" + work.resolve("k.img") + ":80M").arg("--node", "hostpeer").start()) {
            adm(env, conf, "create-md", "--force", "r0").ok();
            Cmd.Result up = adm(env, conf, "up", "r0");
            for (int i = 0; i < 5 && up.exit() != 0 && up.output().contains("busy"); i++) {
                adm(env, conf, "down", "r0");
                TwoNodes.sleep(500);
                up = adm(env, conf, "up", "r0");
            }
            up.ok();

            List<String> cmd = new ArrayList<>(List.of(vm.resolve("run-guest.py").toString(), "--name", "drbd-guest",
                    "--cache", cache, "--share", share.toString(), "--hostfwd", GUEST_FWD + ":7789",
                    "--log", work.resolve("guest.log").toString(), "--quiet", "--timeout", "240",
                    "-e", "PEER_PORT=" + HOST_PORT, "-e", "PEER_NAME=hostpeer", "-e", "ROLE=" + guestRole,
                    "-e", "DRBD_MB=64", "-e", "WRITE_MB=8", "-e", "STATUS_INTERVAL=10", "-e", "SYNC_TIMEOUT=120",
                    "-e", "CONNECT_TIMEOUT=90"));
            // the guest waits before its md5 so that the host can run a full resync against it first
            cmd.addAll(List.of("-e", "SIGNAL_FILE=written", "-e", "HOLD_FILE=release"));
            cmd.add(vm.resolve("scenarios/drbd84-peer.sh").toString());
            Process guest = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(work.resolve("guest.out").toFile()).start();
            try {
                if (guestRole.equals("secondary")) {
                    awaitStatus(env, conf, s -> s.contains("drbd-guest role:Secondary"), guest, work);
                    adm(env, conf, "primary", "--force", "r0").ok();
                    awaitStatus(env, conf, s -> s.contains("peer-disk:UpToDate") && !s.contains("replication:"), guest, work);
                    Cmd.run("dd", "if=/dev/urandom", "of=" + d.dev("drbd1"), "bs=1M", "count=8", "seek=4",
                            "oflag=direct", "conv=notrunc", "status=none").ok();
                }
                // a full resync agreed with the 8.4 kernel through P_STATE_CHG_REQ: invalidate-remote on the
                // host Primary (the guest becomes SyncTarget), invalidate on the host Secondary (it becomes one)
                for (int i = 0; i < 600 && !Files.exists(share.resolve("written")) && guest.isAlive(); i++) {
                    Thread.sleep(200);
                }
                assertTrue(Files.exists(share.resolve("written")), "the guest did not get to its hold point");
                adm(env, conf, guestRole.equals("secondary") ? "invalidate-remote" : "invalidate", "r0").ok();
                awaitStatus(env, conf, s -> s.contains("peer-disk:UpToDate") && s.contains("  disk:UpToDate")
                        && !s.contains("replication:"), guest, work);
                if (guestRole.equals("secondary")) {
                    // invalidate on the host Primary: it becomes a Primary SyncTarget of the kernel, writing meanwhile
                    adm(env, conf, "invalidate", "r0").ok();
                    Cmd.run("dd", "if=/dev/urandom", "of=" + d.dev("drbd1"), "bs=1M", "count=4", "seek=2",
                            "oflag=direct", "conv=notrunc", "status=none").ok();
                    awaitStatus(env, conf, s -> s.contains("peer-disk:UpToDate") && s.contains("  disk:UpToDate")
                            && !s.contains("replication:"), guest, work);
                    assertEquals(1, d.countLog("began resync as SyncTarget"), "the Primary's own resync:\n" + d.tail());
                }
                // online resize agreed with the kernel: a shrink moves nothing, the grow back resyncs the new part
                long full = Files.size(d.dev("drbd1"));
                setup(env, "resize", "1", "--size=48M").ok();
                awaitSize(d, 48L << 20, guest, work, env, conf);
                setup(env, "resize", "1").ok();
                awaitSize(d, full, guest, work, env, conf);
                awaitStatus(env, conf, s -> s.contains("peer-disk:UpToDate") && s.contains("  disk:UpToDate")
                        && !s.contains("replication:"), guest, work);
                Files.writeString(share.resolve("release"), "go\n");
                assertTrue(guest.waitFor(5, TimeUnit.MINUTES), "the guest did not finish");
                String log = Files.exists(work.resolve("guest.log")) ? Files.readString(work.resolve("guest.log")) : "";
                assertEquals(0, guest.exitValue(), "guest scenario failed:\n" + tail(log) + d.tail());
                Matcher m = GUEST_MD5.matcher(log);
                assertTrue(m.find(), "no md5 in the guest log:\n" + tail(log));
                String status = adm(env, conf, "status", "r0").output();
                String host = TwoNodes.md5Of(d.dev("tcmu001"), Long.parseLong(m.group(2)));
                assertEquals(m.group(1), host, "guest and host data differ; host status:\n" + status);
                assertTrue(d.countLog("agreed network protocol version 101") > 0, d.tail());
                String side = guestRole.equals("primary") ? "SyncTarget" : "SyncSource";
                assertEquals(3, d.countLog("began resync as " + side), "the initial sync, the invalidate one and the "
                        + "new part after the grow:\n" + d.tail());
                assertEquals(1, d.countLog("resync of new storage after online grow"), d.tail());
            } finally {
                guest.destroyForcibly();
                adm(env, conf, "down", "r0");
            }
        }
    }

    private static Cmd.Result setup(Map<String, String> env, String... args) {
        List<String> argv = new ArrayList<>(List.of("/usr/sbin/drbdsetup"));
        argv.addAll(List.of(args));
        return Cmd.run(Duration.ofMinutes(2), env, argv.toArray(new String[0]));
    }

    /** Waits until our drbd1 has {@code bytes}: the size agreed with the kernel. */
    private static void awaitSize(DaemonProcess d, long bytes, Process guest, Path work, Map<String, String> env,
            Path conf) throws Exception {
        for (int i = 0; i < 150 && Files.size(d.dev("drbd1")) != bytes; i++) {
            Thread.sleep(100);
        }
        assertEquals(bytes, Files.size(d.dev("drbd1")), "drbd1's size; status:\n"
                + adm(env, conf, "status", "r0").output() + d.tail() + (guest.isAlive() ? "" : "guest gone"));
    }

    private static Cmd.Result adm(Map<String, String> env, Path conf, String... args) {
        List<String> argv = new ArrayList<>(List.of("/usr/sbin/drbdadm", "-c", conf.toString()));
        argv.addAll(List.of(args));
        return Cmd.run(Duration.ofMinutes(2), env, argv.toArray(new String[0]));
    }

    private static void awaitStatus(Map<String, String> env, Path conf, java.util.function.Predicate<String> ok,
            Process guest, Path work) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        String s = adm(env, conf, "status", "r0").output();
        while (!ok.test(s)) {
            if (!guest.isAlive() || System.nanoTime() > deadline) {
                String log = Files.exists(work.resolve("guest.log")) ? Files.readString(work.resolve("guest.log")) : "";
                throw new AssertionError("status not reached:\n" + s + "\n" + tail(log));
            }
            TwoNodes.sleep(500);
            s = adm(env, conf, "status", "r0").output();
        }
    }

    private static String tail(String log) {
        List<String> l = log.lines().toList();
        return String.join("\n", l.subList(Math.max(0, l.size() - 40), l.size()));
    }
}
