package io.scstdrbd.systest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The bugs of the original system must not come back: a resync that did not start after a
 * reconnect, or started and never completed, and mkfs.ext4 on the replicated device that hung.
 */
class ReplicationCyclesSystemTest {
    /**
     * 20 disconnect/connect cycles (alternately from the Primary and from the Secondary) with
     * writes on the Primary while the peer is away: every time the resync starts, moves exactly
     * the blocks written, completes, and both sides hold the same data.
     */
    @Test
    void twentyDisconnectConnectCycles() throws Exception {
        DrbdTools.require();
        try (TwoNodes n = new TwoNodes("cycles", 17700, "128M")) {
            n.upConnected();
            n.a.adm("primary", "--force", "r0").ok();
            n.awaitInSync(Duration.ofMinutes(2));
            long blocks = n.a.dataBytes() / 4096;
            Random r = new Random(20);
            for (int cycle = 1; cycle <= 20; cycle++) {
                TwoNodes.Node side = cycle % 2 == 0 ? n.b : n.a;
                side.adm("disconnect", "r0").ok();
                n.a.awaitStatus(s -> !s.contains("role:Secondary\n    peer-disk"), Duration.ofSeconds(10));
                TreeSet<Long> set = new TreeSet<>();
                int count = 1 + r.nextInt(40);
                while (set.size() < count) {
                    set.add((long) r.nextInt((int) blocks));
                }
                long[] written = set.stream().mapToLong(Long::longValue).toArray();
                TwoNodes.writeBlocks(n.a.drbd1(), written, cycle);
                long size = n.a.dataBytes();
                assertNotEquals(n.a.md5(size), n.b.md5(size), "cycle " + cycle + ": the peer already has the writes");
                int before = n.a.resyncBits().size();
                side.adm("connect", "r0").ok();
                n.awaitInSync(Duration.ofMinutes(1));
                List<Long> bits = n.a.resyncBits();
                assertEquals(before + 1, bits.size(), "cycle " + cycle + ": exactly one resync started");
                assertEquals(written.length, bits.get(bits.size() - 1),
                        "cycle " + cycle + ": the resync moves exactly the " + written.length + " written blocks");
                n.assertSameData("cycle " + cycle);
            }
            assertEquals(21, n.b.daemon.countLog("resync done"), "the initial full sync and 20 resyncs\n" + n.b.daemon.tail());
        }
    }

    /** mkfs.ext4 and fsck ten times on the connected, replicated device; none may hang. */
    @Test
    void tenMkfsOnTheReplicatedDevice() throws Exception {
        DrbdTools.require();
        try (TwoNodes n = new TwoNodes("mkfs", 17702, "128M")) {
            n.upConnected();
            n.a.adm("primary", "--force", "r0").ok();
            n.awaitInSync(Duration.ofMinutes(2));
            for (int i = 1; i <= 10; i++) {
                Cmd.Result mkfs = Cmd.run(Duration.ofMinutes(2), java.util.Map.of(), "mkfs.ext4", "-q", "-F",
                        n.a.drbd1().toString());
                assertEquals(0, mkfs.exit(), "mkfs " + i + ": " + mkfs.output());
                Cmd.Result fsck = Cmd.run(Duration.ofMinutes(2), java.util.Map.of(), "fsck.ext4", "-fn",
                        n.a.drbd1().toString());
                assertEquals(0, fsck.exit(), "fsck " + i + ": " + fsck.output());
            }
            n.assertSameData("after 10 mkfs.ext4");
            n.a.adm("secondary", "r0").ok();
            n.b.adm("primary", "r0").ok();
            Cmd.Result fsck = Cmd.run(Duration.ofMinutes(2), java.util.Map.of(), "fsck.ext4", "-fn", n.b.drbd1().toString());
            assertEquals(0, fsck.exit(), "fsck on the peer: " + fsck.output());
        }
    }
}
