package io.scstdrbd.systest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A Primary that loses its disk keeps working through its peer, as a kernel Primary does after
 * {@code drbdadm detach} (or on-io-error detach): reads of dev/drbd1 are served by the peer,
 * writes go to the peer only and the peer tracks them out of sync toward the diskless node, with a
 * new current UUID. When the disk is attached again, still under the Primary, alpha becomes a
 * Primary sync target: it reads what it lacks from beta, and only the blocks written meanwhile
 * resync. {@code drbdadm invalidate} on the Primary does the same for the whole device.
 */
class ReplicationDisklessPrimarySystemTest {

    @Test
    void detachedPrimaryWorksThroughThePeerAndBecomesASyncTargetOnAttachAndInvalidate() throws Exception {
        DrbdTools.require();
        try (TwoNodes n = new TwoNodes("diskless", 17766, "32M")) {
            TwoNodes.Node a = n.a;
            TwoNodes.Node b = n.b;
            n.upConnected();
            a.adm("primary", "--force", "r0").ok();
            n.awaitInSync(Duration.ofSeconds(60));
            long size = a.dataBytes();
            long bits = (size + 4095) / 4096;
            TwoNodes.writeBlocks(a.drbd1(), new long[] {0, 1, 100}, 1);
            n.assertSameData("before the detach");

            a.adm("detach", "r0").ok();
            a.awaitStatus(s -> s.contains("  disk:Diskless client:no\n"), Duration.ofSeconds(10));
            String sb = b.awaitStatus(s -> s.contains("peer-disk:Diskless"), Duration.ofSeconds(10));
            assertTrue(sb.contains("  disk:UpToDate\n"), sb);
            assertTrue(b.daemon.logText().contains("the peer lost its disk; new current UUID"), b.daemon.tail());

            // writes on the diskless Primary land on beta only; its reads come from beta
            long[] changed = {7, 100, 2049, bits - 1};
            TwoNodes.writeBlocks(a.drbd1(), changed, 2);
            String onBeta = b.md5(size);
            assertEquals(onBeta, TwoNodes.md5Of(a.drbd1(), size), "alpha's reads must be served by beta");
            assertNotEquals(onBeta, a.md5(size), "alpha's detached backing device must not have the new writes");
            assertTrue(a.status().contains("  beta role:Secondary\n    peer-disk:UpToDate\n"), a.status());

            // the disk comes back under the Primary; with beta's resync paused, alpha waits as a Primary
            // sync target: what it lacks reads from beta, and what it writes meanwhile stays
            b.adm("pause-sync", "r0").ok();
            a.adm("attach", "r0").ok();
            // the model hears of the replication state and the disk state one after the other: wait for both
            String target = a.awaitStatus(s -> s.contains("replication:PausedSyncT") && !s.contains("  disk:Outdated\n"),
                    Duration.ofSeconds(20));
            assertTrue(target.startsWith("r0 role:Primary\n") && target.contains("  disk:Inconsistent\n"), target);
            assertEquals(b.md5(size), TwoNodes.md5Of(a.drbd1(), size), "a sync target reads what it lacks from beta");
            assertNotEquals(b.md5(size), a.md5(size), "alpha's own disk still lacks the blocks written while diskless");
            TwoNodes.writeBlocks(a.drbd1(), new long[] {100, 3000, 5000}, 3);
            b.adm("resume-sync", "r0").ok();
            n.awaitInSync(Duration.ofSeconds(30));
            // beta resyncs the blocks written while alpha was diskless (beta's bits), and the
            // activity-log extent alpha's writes as Primary made hot (blocks 0-1023: drbdadm attach
            // runs drbdmeta apply-al first, which marks it): extent 0 covers blocks 7 and 100, 2049
            // and the last are extra
            assertEquals(List.of(bits, 1024L + 2), b.resyncBits(),
                    "beta must resync exactly the blocks written while alpha was diskless, plus alpha's hot AL extent");
            n.assertSameData("after the attach under the Primary and its resync");
            assertEquals(a.md5(size), TwoNodes.md5Of(a.drbd1(), size));

            // invalidate on the Primary: a full resync from beta, with alpha's junk block read from beta
            // meanwhile and alpha's writes during the resync kept
            byte[] junk = new byte[4096];
            java.util.Arrays.fill(junk, (byte) 0x5a);
            try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(a.image.toFile(), "rw")) {
                f.seek(4000L * 4096);
                f.write(junk);
            }
            assertNotEquals(b.md5(size), a.md5(size));
            b.adm("pause-sync", "r0").ok();
            a.adm("invalidate", "r0").ok();
            a.awaitStatus(s -> s.contains("replication:PausedSyncT"), Duration.ofSeconds(20));
            assertEquals(b.md5(size), TwoNodes.md5Of(a.drbd1(), size), "the invalidated Primary reads from beta");
            TwoNodes.writeBlocks(a.drbd1(), new long[] {1, 4000, 6000}, 4);
            b.adm("resume-sync", "r0").ok();
            n.awaitInSync(Duration.ofSeconds(60));
            assertEquals(List.of(bits, 1024L + 2, bits), b.resyncBits(), "invalidate resyncs everything");
            n.assertSameData("after invalidate on the Primary");

            // the same at a slow resync rate under a steady write load on the Primary: each write races
            // the resync requests and replies of its blocks, and none may be overwritten by older data
            a.setup("peer-device-options", "r0", "1", "0", "--c-plan-ahead=0", "--resync-rate=4M", "--c-min-rate=0").ok();
            a.adm("invalidate", "r0").ok();
            a.awaitStatus(s -> s.contains("replication:SyncTarget"), Duration.ofSeconds(20));
            java.util.Random rnd = new java.util.Random(5);
            int rounds = 0;
            while (a.status().contains("replication:SyncTarget") && rounds < 400) {
                long[] blocks = new long[8];
                for (int i = 0; i < blocks.length; i++) {
                    blocks[i] = rnd.nextInt((int) bits);
                }
                TwoNodes.writeBlocks(a.drbd1(), blocks, 100 + rounds++);
            }
            assertTrue(rounds > 5, "the resync ended before the load ran: " + rounds);
            n.awaitInSync(Duration.ofSeconds(60));
            n.assertSameData("after a resync of the Primary under writes");
            assertEquals(a.md5(size), TwoNodes.md5Of(a.drbd1(), size));
        }
    }
}
