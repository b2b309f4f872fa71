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
 * new current UUID. When the disk is attached again, only the blocks written meanwhile resync.
 */
class ReplicationDisklessPrimarySystemTest {

    @Test
    void detachedPrimaryReadsAndWritesThroughThePeerThenResyncsOnlyWhatChanged() throws Exception {
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

            // attaching under a Primary is refused: the disk would have to be a sync target under I/O
            Cmd.Result refused = a.adm("attach", "r0");
            assertTrue(refused.exit() != 0 && refused.output().contains("attach while Primary is not supported"),
                    refused.output());
            assertTrue(a.status().contains("  disk:Diskless client:no\n"), a.status());

            // the disk comes back (after a demotion): beta resyncs exactly the blocks written meanwhile
            a.adm("secondary", "r0").ok();
            a.adm("attach", "r0").ok();
            n.awaitInSync(Duration.ofSeconds(30));
            // the blocks written while alpha was diskless (beta's bits), and the activity-log extent
            // alpha's writes as Primary made hot (blocks 0-1023: drbdadm attach runs drbdmeta apply-al
            // first, which marks it): extent 0 covers blocks 7 and 100, 2049 and the last are extra
            List<Long> sourceBits = b.resyncBits();
            assertEquals(List.of(bits, 1024L + 2), sourceBits,
                    "beta must resync exactly the blocks written while alpha was diskless, plus alpha's hot AL extent");
            n.assertSameData("after the attach and resync");
        }
    }
}
