package io.scstdrbd.systest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One daemon serving two 256 MiB RAM LUNs over iSCSI, driven by libiscsi's tools and QEMU's
 * iSCSI driver: listing and inquiry, the qemu-img data round trip (also with header digests),
 * header digests asked for with libiscsi URL arguments, and many sessions at once.
 */
class IscsiToolsSystemTest {
    static final int PORT = IscsiTestSupport.PORT_BASE + 3;
    static final String IQN = "iqn.2024-01.io.scst-drbd:systest";
    /** A second target over the same LUNs that only allows CRC32C header and data digests. */
    static final String DIGEST_IQN = "iqn.2024-01.io.scst-drbd:systest-digest";
    static DaemonProcess daemon;

    @BeforeAll
    static void start() throws Exception {
        DaemonProcess.requireRoot();
        IscsiTestSupport.requireTools("iscsi-ls", "iscsi-inq", "iscsi-readcapacity16", "qemu-img", "qemu-io");
        IscsiTestSupport.freePort(PORT);
        Path dir = IscsiTestSupport.scratch("tools");
        Path conf = dir.resolve("iscsi-scstd.conf");
        Files.writeString(conf, "Target " + IQN + "\n\tHeaderDigest CRC32C,None\n\tDataDigest CRC32C,None\n"
                + "Target " + DIGEST_IQN + "\n\tHeaderDigest CRC32C\n");
        daemon = DaemonProcess.builder("iscsi-tools").fuseRoot(dir.resolve("root"))
                .backend("tcmu000:ram:@:256M").backend("tcmu001:ram:@:256M")
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

    @Test
    void listAndInquire() {
        String ls = Cmd.run("iscsi-ls", "-s", "iscsi://127.0.0.1:" + PORT + "/").ok().output();
        assertEquals(java.util.Set.of(IQN, DIGEST_IQN), java.util.Set.copyOf(IscsiTestSupport.targets(ls)), ls);
        assertTrue(ls.contains("Portal:127.0.0.1:" + PORT + ",1"), ls);
        assertEquals(List.of(0, 1, 0, 1), IscsiTestSupport.luns(ls), "both targets show LUN 0 and 1:\n" + ls);
        String inq = Cmd.run("iscsi-inq", IscsiTestSupport.url(PORT, IQN, 0)).ok().output();
        assertTrue(inq.contains("Peripheral Device Type:DIRECT_ACCESS"), inq);
        String cap = Cmd.run("iscsi-readcapacity16", IscsiTestSupport.url(PORT, IQN, 1)).ok().output();
        assertTrue(cap.contains("Total size:268435456"), cap);
    }

    /**
     * libiscsi's tools offer HeaderDigest=None,CRC32C whatever the URL says (1.19 sets it after
     * parsing ?header_digest=), so a target that allows only CRC32C is what makes them use it.
     */
    @Test
    void headerDigestWithLibiscsiTools() throws Exception {
        String who = "iscsi-inq,i,0x\\S+ -> " + DIGEST_IQN + " TSIH \\d+ logged in.*HeaderDigest=CRC32C";
        long before = daemon.countLog(who);
        String inq = Cmd.run("iscsi-inq", IscsiTestSupport.url(PORT, DIGEST_IQN, 0) + "?header_digest=crc32c").ok()
                .output();
        assertTrue(inq.contains("DIRECT_ACCESS"), inq);
        assertEquals(before + 1, IscsiTestSupport.awaitLogCount(daemon, who, before + 1, Duration.ofSeconds(5)),
                daemon.tail());
        String cap = Cmd.run("iscsi-readcapacity16", IscsiTestSupport.url(PORT, DIGEST_IQN, 1)).ok().output();
        assertTrue(cap.contains("268435456"), cap);
    }

    /** The workspace's own round-trip script, when this checkout sits in the workspace. */
    @Test
    void sharedQemuRoundTripScript() {
        Path shared = IscsiTestSupport.shared();
        org.junit.jupiter.api.Assumptions.assumeTrue(shared != null
                && Files.isExecutable(shared.resolve("tools/iscsi/qemu-roundtrip.sh")), "no shared/tools/iscsi here");
        Cmd.Result r = Cmd.run(Duration.ofMinutes(5), Map.of("ISCSI_NO_INSTALL", "1"),
                shared.resolve("tools/iscsi/qemu-roundtrip.sh").toString(), IscsiTestSupport.url(PORT, IQN, 1),
                "-s", "32");
        assertEquals(0, r.exit(), r.output());
        assertTrue(r.output().contains("8 passed, 0 failed"), r.output());
    }

    @Test
    void qemuRoundTrip() throws Exception {
        roundTrip(1, null);
    }

    @Test
    void qemuRoundTripWithHeaderDigest() throws Exception {
        long before = daemon.countLog("linux-kvm.*HeaderDigest=CRC32C");
        roundTrip(0, "\"header-digest\":\"crc32c\"");
        assertTrue(IscsiTestSupport.awaitLogCount(daemon, "linux-kvm.*HeaderDigest=CRC32C", before + 1,
                Duration.ofSeconds(5)) > before, daemon.tail());
    }

    /** qemu-img info, convert and compare at both ends of the LUN, read back, then a one-sided overwrite. */
    private void roundTrip(int lun, String extra) throws Exception {
        Path dir = IscsiTestSupport.scratch("tools-rt" + lun);
        long size = 256L << 20;
        long region = 16L << 20;
        String whole = IscsiTestSupport.qemuJson(PORT, IQN, lun, 0, 0, extra);
        String info = Cmd.run("qemu-img", "info", whole).ok().output();
        assertTrue(info.contains("file format: raw") && info.contains("268435456 bytes"), info);
        for (long offset : new long[] {0, size - region}) {
            Path src = dir.resolve("src-" + offset);
            byte[] data = new byte[(int) region];
            new Random(offset + lun).nextBytes(data);
            Files.write(src, data);
            String lunRegion = IscsiTestSupport.qemuJson(PORT, IQN, lun, offset, region, extra);
            Cmd.run("qemu-img", "convert", "-n", "-f", "raw", "-O", "raw", src.toString(), lunRegion).ok();
            String cmp = Cmd.run("qemu-img", "compare", "-f", "raw", "-F", "raw", src.toString(), lunRegion).ok()
                    .output();
            assertTrue(cmp.contains("Images are identical"), cmp);
            Path back = dir.resolve("back-" + offset);
            Files.deleteIfExists(back);
            Cmd.run("qemu-img", "convert", "-f", "raw", "-O", "raw", lunRegion, back.toString()).ok();
            assertArrayEquals(data, Files.readAllBytes(back));
        }
        String start = IscsiTestSupport.qemuJson(PORT, IQN, lun, 0, region, extra);
        Cmd.run("qemu-io", "-c", "write -P 0x5a 1048576 4096", start).ok();
        Cmd.Result cmp = Cmd.run("qemu-img", "compare", "-f", "raw", "-F", "raw",
                dir.resolve("src-0").toString(), start);
        assertEquals(1, cmp.exit(), cmp.output());
        assertTrue(cmp.output().contains("Content mismatch at offset 1048576!"), cmp.output());
    }

    @Test
    void manySessionsAtOnce() throws Exception {
        int sessions = 200;
        int threadsBefore = daemon.threadCount();
        List<RawIscsi> open = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<RawIscsi>> logins = new ArrayList<>();
            for (int i = 0; i < sessions; i++) {
                long isid = 0x400000000000L | i;
                logins.add(pool.submit(() -> {
                    RawIscsi c = RawIscsi.connect(PORT, 20_000);
                    Map<String, String> k = c.login("iqn.2024-01.test:many", IQN, isid);
                    assertEquals("1", k.get("TargetPortalGroupTag"));
                    return c;
                }));
            }
            for (Future<RawIscsi> f : logins) {
                open.add(f.get(60, TimeUnit.SECONDS));
            }
            assertEquals(sessions, IscsiTestSupport.awaitLogCount(daemon,
                    "iqn.2024-01.test:many,i,0x4\\S+ -> \\S+ TSIH \\d+ logged in", sessions, Duration.ofSeconds(10)),
                    "every session logged in");
            List<Future<byte[]>> reads = new ArrayList<>();
            for (int i = 0; i < open.size(); i++) {
                RawIscsi c = open.get(i);
                int n = i;
                reads.add(pool.submit(() -> {
                    int st = c.testUnitReady();
                    for (int tries = 0; st != 0 && tries < 3; tries++) {
                        st = c.testUnitReady(); // the first command of a nexus reports UNIT ATTENTION
                    }
                    assertEquals(0, st);
                    byte[] block = new byte[4096];
                    new Random(n).nextBytes(block);
                    c.write10(1000 + 8L * n, block, 512);
                    assertArrayEquals(block, c.read10(1000 + 8L * n, 8, 512));
                    return block;
                }));
            }
            for (Future<byte[]> f : reads) {
                f.get(60, TimeUnit.SECONDS);
            }
            int threads = daemon.threadCount();
            assertTrue(threads < threadsBefore + 20, "no thread per session: " + threadsBefore + " -> " + threads);
            for (RawIscsi c : open) {
                c.logout();
            }
        } finally {
            for (RawIscsi c : open) {
                c.close();
            }
            pool.shutdownNow();
        }
        assertNotEquals(0, daemon.countLog("logout of session iqn.2024-01.test:many"));
    }
}
