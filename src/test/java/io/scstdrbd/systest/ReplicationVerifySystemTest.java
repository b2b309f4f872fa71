package io.scstdrbd.systest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * drbdadm verify with verify-alg finds a block that differs behind DRBD's back (changed in the
 * Secondary's backing store) and marks it out of sync; the next connect resyncs it, and so do
 * invalidate / invalidate-remote --reset-bitmap=no without a reconnect (only the marked block). With csums-alg,
 * a resync skips the blocks whose checksums are equal and transfers only the changed ones. Also
 * protocols A and B replicate (asynchronously acknowledged writes reach the peer).
 */
class ReplicationVerifySystemTest {
    @Test
    void onlineVerifyFindsACorruptBlockAndCsumsResyncSkipsEqualBlocks() throws Exception {
        DrbdTools.require();
        try (TwoNodes n = new TwoNodes("verify", 17720, "64M")) {
            n.net = "protocol C; verify-alg sha1; csums-alg md5;";
            n.upConnected();
            n.a.adm("primary", "--force", "r0").ok();
            n.awaitInSync(Duration.ofMinutes(1));
            long size = n.a.dataBytes();

            // behind DRBD's back: change one block in beta's image (the ram backend maps that file)
            n.b.scribble(1000, 3);
            assertNotEquals(n.a.md5(size), n.b.md5(size));

            n.a.adm("verify", "r0").ok();
            n.a.daemon.waitForLog("online verify done; 1 blocks of 4 KiB found out of sync", Duration.ofMinutes(1));
            n.a.awaitStatus(s -> !s.contains("replication:Verify"), Duration.ofSeconds(30));
            String stats = n.a.setup("status", "r0", "--verbose", "--statistics").ok().output();
            assertTrue(stats.contains("out-of-sync:4 "), stats);
            assertNotEquals(n.a.md5(size), n.b.md5(size), "verify itself must not change data");
            n.a.adm("disconnect", "r0").ok();
            n.a.adm("connect", "r0").ok();
            n.awaitInSync(Duration.ofMinutes(1));
            List<Long> bits = n.a.resyncBits();
            assertEquals(1L, bits.get(bits.size() - 1));
            n.assertSameData("after verify and reconnect");

            // invalidate --reset-bitmap=no on the target, then invalidate-remote --reset-bitmap=no on
            // the source: each resyncs only the block the verify before it marked, without a reconnect
            n.b.scribble(1500, 4);
            n.a.adm("verify", "r0").ok();
            awaitVerifyDone(n, 2);
            n.a.awaitStatus(s -> !s.contains("replication:Verify"), Duration.ofSeconds(30));
            assertNotEquals(n.a.md5(size), n.b.md5(size));
            int before = n.b.resyncBits().size();
            n.b.adm("invalidate", "--reset-bitmap=no", "r0").ok();
            n.awaitInSync(Duration.ofMinutes(1));
            for (int i = 0; i < 100 && n.b.resyncBits().size() == before; i++) {
                Thread.sleep(100);
            }
            assertEquals(1L, n.b.resyncBits().get(before), "only the marked block: " + n.b.resyncBits());
            assertEquals("UpToDate/UpToDate\n", n.b.adm("dstate", "r0").output());
            n.assertSameData("after invalidate --reset-bitmap=no");

            n.b.scribble(1600, 5);
            n.a.adm("verify", "r0").ok();
            awaitVerifyDone(n, 3);
            n.a.awaitStatus(s -> !s.contains("replication:Verify"), Duration.ofSeconds(30));
            before = n.a.resyncBits().size();
            n.a.adm("invalidate-remote", "--reset-bitmap=no", "r0").ok();
            n.awaitInSync(Duration.ofMinutes(1));
            for (int i = 0; i < 100 && n.a.resyncBits().size() == before; i++) {
                Thread.sleep(100);
            }
            assertEquals(1L, n.a.resyncBits().get(before), "only the marked block: " + n.a.resyncBits());
            n.assertSameData("after invalidate-remote --reset-bitmap=no");
            bits = n.a.resyncBits();

            // csums: 40 blocks rewritten with what they held, 2 really changed
            n.a.adm("disconnect", "r0").ok();
            long[] same = new long[40];
            for (int i = 0; i < same.length; i++) {
                same[i] = 2000 + i * 3;
            }
            byte[] block = new byte[4096];
            try (RandomAccessFile f = new RandomAccessFile(n.a.drbd1().toFile(), "rw")) {
                for (long blk : same) {
                    f.seek(blk * 4096);
                    f.readFully(block);
                    f.seek(blk * 4096);
                    f.write(block);
                }
                f.getFD().sync();
            }
            TwoNodes.writeBlocks(n.a.drbd1(), new long[] {5000, 5002}, 8);
            // the full sync after primary --force used csums too (all blocks equal): count its line
            long csumsLines = n.a.daemon.countLog("% had equal checksums");
            n.a.adm("connect", "r0").ok();
            n.awaitInSync(Duration.ofMinutes(1));
            bits = n.a.resyncBits();
            assertEquals(42L, bits.get(bits.size() - 1), "all rewritten blocks are out of sync");
            for (int i = 0; i < 100 && n.a.daemon.countLog("% had equal checksums") == csumsLines; i++) {
                Thread.sleep(100);
            }
            List<String> lines = n.a.daemon.logText().lines().filter(l -> l.contains("% had equal checksums")).toList();
            assertEquals(csumsLines + 1, lines.size(), "one csums summary for the reconnect resync");
            String line = lines.get(lines.size() - 1);
            assertTrue(line.contains("eliminated: 160K; transferred 8K total 168K"), line);
            n.assertSameData("after the csums resync");
        }
    }

    @Test
    void protocolsAAndBReplicate() throws Exception {
        DrbdTools.require();
        for (String proto : List.of("A", "B")) {
            try (TwoNodes n = new TwoNodes("proto" + proto, 17722, "64M")) {
                n.net = "protocol " + proto + ";";
                n.upConnected();
                n.a.adm("primary", "--force", "r0").ok();
                n.awaitInSync(Duration.ofMinutes(1));
                Cmd.run("mkfs.ext4", "-q", "-F", n.a.drbd1().toString()).ok();
                TwoNodes.writeBlocks(n.a.drbd1(), new long[] {9, 99, 999, 9999}, 11);
                long size = n.a.dataBytes();
                // A and B acknowledge before the peer's disk has the data: allow it a moment
                for (int i = 0; i < 50 && !n.a.md5(size).equals(n.b.md5(size)); i++) {
                    Thread.sleep(100);
                }
                n.assertSameData("protocol " + proto);
                assertTrue(n.a.daemon.logText().contains("agreed network protocol version 121"));
                String show = n.a.setup("show", "r0").ok().output();
                assertTrue(show.matches("(?s).*protocol\\s+" + proto + ";.*"), show);
            }
        }
    }

    /** Waits for the n-th "verify done" line of alpha reporting one block out of sync. */
    private static void awaitVerifyDone(TwoNodes n, long count) throws InterruptedException {
        String line = "online verify done; 1 blocks of 4 KiB found out of sync";
        for (int i = 0; i < 600 && n.a.daemon.countLog(line) < count; i++) {
            Thread.sleep(100);
        }
        assertEquals(count, n.a.daemon.countLog(line), n.a.daemon.tail());
    }
}
