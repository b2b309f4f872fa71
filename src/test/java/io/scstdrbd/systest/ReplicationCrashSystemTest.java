package io.scstdrbd.systest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * kill -9 of either daemon during a write load. Protocol C promises that a write that completed
 * on the Primary is on the Secondary: after the Primary is killed, the promoted Secondary must hold
 * every acknowledged write. A killed Secondary misses writes; after its restart the resync makes
 * both devices identical.
 */
class ReplicationCrashSystemTest {
    private static final int STRIDE = 3;

    @Test
    void acknowledgedWritesSurviveTheCrashOfThePrimary() throws Exception {
        DrbdTools.require();
        try (TwoNodes n = new TwoNodes("crashpri", 17716, "128M")) {
            n.upConnected();
            n.a.adm("primary", "--force", "r0").ok();
            n.awaitInSync(Duration.ofMinutes(2));

            // one 4 KiB block per dd, O_DIRECT|O_DSYNC; its number is logged once dd returned
            int blocks = 6000;
            Path pattern = n.work().resolve("pattern");
            Path acked = n.work().resolve("acked");
            Files.write(pattern, pattern(blocks));
            Files.deleteIfExists(acked);
            String script = "i=0; while [ $i -lt " + blocks + " ]; do "
                    + "dd if=" + pattern + " of=" + n.a.drbd1() + " bs=4k skip=$i seek=$((i*" + STRIDE + ")) count=1 "
                    + "oflag=direct,dsync conv=notrunc status=none || exit 1; echo $i >> " + acked + "; i=$((i+1)); done";
            Process writer = new ProcessBuilder("bash", "-c", script).redirectErrorStream(true)
                    .redirectOutput(n.work().resolve("writer.out").toFile()).start();
            for (int i = 0; i < 100 && (!Files.exists(acked) || Files.readAllLines(acked).size() < 200); i++) {
                Thread.sleep(100);
            }
            n.a.kill();
            writer.waitFor(30, TimeUnit.SECONDS);
            writer.destroyForcibly();
            List<String> ack = Files.readAllLines(acked);
            assertTrue(ack.size() >= 200, "only " + ack.size() + " writes were acknowledged before the kill");

            n.b.awaitStatus(s -> s.contains("alpha connection:Connecting"), Duration.ofSeconds(20));
            n.b.adm("primary", "r0").ok();
            byte[] want = new byte[4096];
            byte[] got = new byte[4096];
            ByteBuffer p = ByteBuffer.wrap(pattern(blocks));
            try (RandomAccessFile f = new RandomAccessFile(n.b.drbd1().toFile(), "r")) {
                for (String line : ack) {
                    int i = Integer.parseInt(line.strip());
                    p.position(i * 4096);
                    p.get(want);
                    f.seek((long) i * STRIDE * 4096);
                    f.readFully(got);
                    assertArrayEquals(want, got, "acknowledged write " + i + " is not on the promoted peer");
                }
            }

            // the new Primary writes on; the crashed node comes back as sync target and catches up
            TwoNodes.writeBlocks(n.b.drbd1(), new long[] {1, 30000}, 9);
            n.a.start();
            n.a.up();
            n.awaitInSync(Duration.ofMinutes(2));
            n.assertSameData("after the crashed Primary came back");
            assertTrue(n.a.status().startsWith("r0 role:Secondary\n  disk:UpToDate\n  beta role:Primary\n"), n.a.status());
        }
    }

    /**
     * With fencing resource-only the Primary runs fence-peer when the Secondary dies; the handler
     * says "outdated" (4) and the peer's disk is Outdated in events2 and dstate.
     */
    @Test
    void killedSecondaryResyncsAfterRestart() throws Exception {
        DrbdTools.require();
        try (TwoNodes n = new TwoNodes("crashsec", 17718, "128M")) {
            n.net = "protocol C; fencing resource-only;";
            java.nio.file.Path calls = n.work().resolve("helper-calls");
            java.nio.file.Path helper = ReplicationFailuresSystemTest.helperScript(n.work(), calls);
            n.upConnected();
            Files.writeString(n.a.daemon.path("sys/module/drbd/parameters/usermode_helper"), helper.toString());
            n.a.adm("primary", "--force", "r0").ok();
            n.awaitInSync(Duration.ofMinutes(2));
            Process writer = new ProcessBuilder("dd", "if=/dev/urandom", "of=" + n.a.drbd1(), "bs=64k", "count=1200",
                    "oflag=direct", "conv=notrunc", "status=none").redirectErrorStream(true).start();
            Thread.sleep(800);
            n.b.kill();
            assertTrue(writer.waitFor(2, TimeUnit.MINUTES), "writes stalled after the Secondary died");
            assertEquals(0, writer.exitValue(), new String(writer.getInputStream().readAllBytes()));
            n.a.awaitStatus(s -> s.contains("beta connection:Connecting"), Duration.ofSeconds(20));
            ReplicationFailuresSystemTest.awaitFile(calls, "alpha fence-peer r0 peer=1");
            for (int i = 0; i < 50 && !n.a.adm("dstate", "r0").output().equals("UpToDate/Outdated\n"); i++) {
                Thread.sleep(100);
            }
            assertEquals("UpToDate/Outdated\n", n.a.adm("dstate", "r0").output());
            assertTrue(n.a.setup("events2", "--now", "r0").ok().output().contains(
                    "exists peer-device name:r0 peer-node-id:1 conn-name:beta volume:0 replication:Off peer-disk:Outdated"));
            n.b.start();
            n.b.up();
            n.awaitInSync(Duration.ofMinutes(2));
            List<Long> bits = n.a.resyncBits();
            assertEquals(2, bits.size(), "the initial sync and one resync after the restart");
            assertTrue(bits.get(1) > 0, "nothing resynced");
            n.assertSameData("after the killed Secondary came back");
        }
    }

    /**
     * With fencing resource-and-stonith the Primary freezes its I/O when the Secondary dies
     * (suspended:fencing) until fence-peer answers: here the handler waits for a file, then says
     * "shot" (7). No write completes meanwhile; then the peer is Outdated and the writes go on.
     */
    @Test
    void resourceAndStonithFreezesIoUntilFencePeerAnswers() throws Exception {
        DrbdTools.require();
        try (TwoNodes n = new TwoNodes("stonith", 17767, "64M")) {
            n.net = "protocol C; fencing resource-and-stonith;";
            Path calls = n.work().resolve("helper-calls");
            Path release = n.work().resolve("fence-release");
            Files.deleteIfExists(release);
            Path helper = n.work().resolve("stonith-helper.sh");
            Files.writeString(helper, "#!/bin/sh\necho \"$__DRBD_NODE__ $1 $2 peer=$DRBD_PEER_NODE_ID\" >> " + calls + "\n"
                    + "if [ \"$1\" = fence-peer ]; then while [ ! -e " + release + " ]; do sleep 0.1; done; exit 7; fi\n"
                    + "exit 0\n");
            Files.setPosixFilePermissions(helper, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
            n.upConnected();
            Files.writeString(n.a.daemon.path("sys/module/drbd/parameters/usermode_helper"), helper.toString());
            n.a.adm("primary", "--force", "r0").ok();
            n.awaitInSync(Duration.ofMinutes(1));
            FsyncedWriter writer = new FsyncedWriter(n, 9, "stonith-writer");
            try {
                Thread.sleep(500);
                assertTrue(writer.done.get() > 0, "no writes before the crash");
                n.b.kill();
                String frozen = n.a.awaitStatus(s -> s.contains("suspended:fencing"), Duration.ofSeconds(20));
                assertTrue(frozen.startsWith("r0 role:Primary suspended:fencing\n"), frozen);
                ReplicationFailuresSystemTest.awaitFile(calls, "alpha fence-peer r0 peer=1");
                long before = writer.done.get();
                Thread.sleep(1500);
                assertEquals(before, writer.done.get(), "a write completed while fence-peer had not answered");
                assertTrue(writer.isAlive() && writer.failed.get() == null, String.valueOf(writer.failed.get()));

                Files.writeString(release, "go\n");
                n.a.awaitStatus(s -> !s.contains("suspended"), Duration.ofSeconds(20));
                long after = writer.done.get();
                for (int i = 0; i < 100 && writer.done.get() < after + 20; i++) {
                    Thread.sleep(50);
                }
                assertTrue(writer.done.get() >= after + 20, "the writes did not resume after fence-peer answered");
                assertEquals("UpToDate/Outdated\n", n.a.adm("dstate", "r0").output());
                assertTrue(n.a.daemon.logText().contains("I/O suspended (fencing resource-and-stonith)"), n.a.daemon.tail());
            } finally {
                Files.writeString(release, "go\n"); // a held write must go on before the writer can stop
                writer.close();
            }
            assertTrue(writer.failed.get() == null, String.valueOf(writer.failed.get()));
            n.b.start();
            n.b.up();
            n.awaitInSync(Duration.ofMinutes(1));
            n.assertSameData("after the fenced Secondary came back");

            // a graceful disconnect of the Secondary outdates it: no fencing, no freeze
            n.b.adm("disconnect", "r0").ok();
            n.a.awaitStatus(s -> s.contains("peer-disk:Outdated") || !s.contains("beta role:"), Duration.ofSeconds(20));
            Cmd.run("timeout", "20", "dd", "if=/dev/urandom", "of=" + n.a.drbd1(), "bs=64k", "count=16",
                    "oflag=direct", "conv=notrunc", "status=none").ok();
            assertTrue(!n.a.status().contains("suspended"), n.a.status());
            assertEquals("UpToDate/Outdated\n", n.a.adm("dstate", "r0").output());
        }
    }

    /**
     * With fencing, a Secondary whose peer is out of reach may not become Primary until fence-peer
     * has outdated that peer (SS_PRIMARY_NOP): a handler that fails keeps it Secondary with the
     * kernel's message; one that answers "outdated" (4) lets the promotion through, the peer's disk
     * is then Outdated, and the peer resyncs from the new Primary when it comes back. Disconnects
     * between the two then outdate the Secondary, whichever side disconnects.
     */
    @Test
    void promotionWithUnreachablePeerRunsFencePeerFirst() throws Exception {
        DrbdTools.require();
        try (TwoNodes n = new TwoNodes("fencepromote", 17768, "32M")) {
            n.net = "protocol C; fencing resource-only;";
            Path calls = n.work().resolve("helper-calls");
            Files.deleteIfExists(calls);
            Path answer = n.work().resolve("fence-answer");
            Files.writeString(answer, "1\n");
            Path helper = n.work().resolve("fence-helper.sh");
            Files.writeString(helper, "#!/bin/sh\necho \"$__DRBD_NODE__ $1 $2 peer=$DRBD_PEER_NODE_ID\" >> " + calls + "\n"
                    + "[ \"$1\" = fence-peer ] && exit $(cat " + answer + ")\nexit 0\n");
            Files.setPosixFilePermissions(helper, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
            n.upConnected();
            Files.writeString(n.a.daemon.path("sys/module/drbd/parameters/usermode_helper"), helper.toString());
            n.a.adm("primary", "--force", "r0").ok();
            n.awaitInSync(Duration.ofMinutes(1));
            n.a.adm("secondary", "r0").ok();
            assertTrue(!Files.exists(calls) || !Files.readString(calls).contains("fence-peer"),
                    "fence-peer ran although the peer was connected");

            n.b.kill();
            n.a.awaitStatus(s -> s.contains("beta connection:Connecting"), Duration.ofSeconds(20));
            Cmd.Result refused = n.a.adm("primary", "r0");
            assertEquals(11, refused.exit(), refused.output());
            assertTrue(refused.output().contains("(-7) Refusing to be Primary while peer is not outdated"),
                    refused.output());
            ReplicationFailuresSystemTest.awaitFile(calls, "alpha fence-peer r0 peer=1");
            assertTrue(n.a.status().startsWith("r0 role:Secondary\n"), n.a.status());
            assertEquals("UpToDate/DUnknown\n", n.a.adm("dstate", "r0").output());

            Files.writeString(answer, "4\n");
            n.a.adm("primary", "r0").ok();
            assertTrue(n.a.status().startsWith("r0 role:Primary\n"), n.a.status());
            assertEquals("UpToDate/Outdated\n", n.a.adm("dstate", "r0").output());
            assertTrue(n.a.daemon.logText().contains("fence-peer returned 4: peer disk of beta is now Outdated"),
                    n.a.daemon.tail());
            Cmd.run("dd", "if=/dev/urandom", "of=" + n.a.drbd1(), "bs=64k", "count=16", "oflag=direct",
                    "conv=notrunc", "status=none").ok();

            n.b.start();
            n.b.up();
            n.awaitInSync(Duration.ofMinutes(1));
            List<Long> bits = n.a.resyncBits();
            assertTrue(bits.size() == 2 && bits.get(1) > 0, "no resync toward the fenced peer: " + bits);
            n.assertSameData("after the fenced peer came back");
            // a fencing Primary that disconnects has its Secondary outdate itself; a Secondary that
            // disconnects from it outdates itself (the kernel's outdate_on_disconnect)
            n.a.adm("disconnect", "r0").ok();
            assertEquals("UpToDate/Outdated\n", n.a.adm("dstate", "r0").output());
            n.b.awaitStatus(s -> s.contains("  disk:Outdated\n"), Duration.ofSeconds(10));
            n.a.adm("connect", "r0").ok();
            n.awaitConnected();
            n.awaitInSync(Duration.ofMinutes(1));
            n.b.adm("disconnect", "r0").ok();
            assertTrue(n.b.status().contains("  disk:Outdated\n"), n.b.status());
            for (int i = 0; i < 100 && !n.a.adm("dstate", "r0").output().equals("UpToDate/Outdated\n"); i++) {
                Thread.sleep(100);
            }
            assertEquals("UpToDate/Outdated\n", n.a.adm("dstate", "r0").output(), "alpha sees beta outdated");
            Cmd.Result outdated = n.b.adm("primary", "r0");
            assertTrue(outdated.exit() != 0, "an Outdated Secondary must not become Primary: " + outdated.output());
            n.b.adm("connect", "r0").ok();
            n.awaitConnected();
            n.awaitInSync(Duration.ofMinutes(1));
            n.assertSameData("after disconnects of the fencing Primary and of its Secondary");
            // down of the Secondary leaves the Outdated state in its metadata
            n.b.adm("down", "r0").ok();
            Cmd.Result onDisk = n.b.adm("dstate", "r0");
            assertTrue(onDisk.output().startsWith("Outdated"), onDisk.output());
        }
    }

    /** Block i: 512 copies of the long (i * 0x9E3779B97F4A7C15L + 1). */
    private static byte[] pattern(int blocks) {
        ByteBuffer b = ByteBuffer.allocate(blocks * 4096);
        for (int i = 0; i < blocks; i++) {
            long v = i * 0x9E3779B97F4A7C15L + 1;
            for (int k = 0; k < 512; k++) {
                b.putLong(v);
            }
        }
        return b.array();
    }
}
