package io.scstdrbd.systest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The admin commands of a connected pair, with drbd-utils 9.22 on two daemons: new-current-uuid
 * --clear-bitmap right after create-md and up (both UpToDate, no initial sync; --force-resync in
 * its own test: a full initial sync without a promotion), invalidate on the
 * Secondary (full resync with it as SyncTarget), invalidate-remote on the Primary (full resync with
 * it as SyncSource), invalidate on the Primary (a Primary SyncTarget), and pause-sync / resume-sync on either side of a running resync (PausedSyncS /
 * PausedSyncT on both, resync-suspended:user here and :peer there, no progress while paused). Before
 * each invalidation a block of beta's backing store is changed behind DRBD's back, so only the
 * resync makes the two data areas equal again.
 */
class ReplicationAdminSystemTest {
    private static final Pattern OUT_OF_SYNC = Pattern.compile("out-of-sync:(\\d+)");

    @Test
    void skipInitialSyncInvalidateInvalidateRemoteAndPauseSync() throws Exception {
        DrbdTools.require();
        try (TwoNodes n = new TwoNodes("admin", 17724, "64M")) {
            // 64 MiB at 16 MiB/s: a full resync takes about 4 s, long enough to pause it
            n.disk = "c-plan-ahead 0; resync-rate 16M; c-min-rate 0k;";
            TwoNodes.Node a = n.a;
            TwoNodes.Node b = n.b;
            n.upConnected();
            a.awaitStatus(s -> s.contains("peer-disk:Inconsistent"), Duration.ofSeconds(10));
            long size = a.dataBytes();
            long fullBits = (size + 4095) / 4096;

            // skip the initial sync: both fresh, connected, Inconsistent
            assertEquals("r0 role:Secondary\n  disk:Inconsistent\n  beta role:Secondary\n    peer-disk:Inconsistent\n\n",
                    a.status());
            a.adm("new-current-uuid", "--clear-bitmap", "r0/0").ok();
            n.awaitInSync(Duration.ofSeconds(20));
            assertEquals("r0 role:Secondary\n  disk:UpToDate\n  alpha role:Secondary\n    peer-disk:UpToDate\n\n",
                    b.status());
            assertTrue(a.resyncBits().isEmpty() && b.resyncBits().isEmpty(), "no resync after --clear-bitmap");
            assertTrue(b.daemon.logText().contains("skipping the initial sync"), b.daemon.tail());
            n.assertSameData("after new-current-uuid --clear-bitmap");
            // both have the same data generation now: a reconnect finds nothing to resync
            b.adm("disconnect", "r0").ok();
            b.adm("connect", "r0").ok();
            n.awaitConnected();
            n.awaitInSync(Duration.ofSeconds(20));
            assertTrue(a.resyncBits().isEmpty() && b.resyncBits().isEmpty(), "no resync after the reconnect");

            a.adm("primary", "r0").ok();
            TwoNodes.writeBlocks(a.drbd1(), new long[] {0, 10, 777, 4000, 12345, fullBits - 1}, 5);
            n.assertSameData("after writes on the Primary");

            // invalidate on the Secondary: beta becomes SyncTarget of a full resync
            n.b.scribble(777, 1);
            assertNotEquals(a.md5(size), b.md5(size));
            b.adm("invalidate", "r0").ok();
            String t = b.awaitStatus(s -> s.contains("replication:SyncTarget") || s.contains("  disk:UpToDate"),
                    Duration.ofSeconds(10));
            assertTrue(t.contains("replication:SyncTarget peer-disk:UpToDate done:") && t.contains("  disk:Inconsistent"),
                    "beta must be an Inconsistent SyncTarget:\n" + t);
            n.awaitInSync(Duration.ofSeconds(30));
            assertEquals(List.of(fullBits), b.resyncBits(), "invalidate resyncs the whole device");
            assertEquals(List.of(fullBits), a.resyncBits(), "alpha was the source");
            n.assertSameData("after invalidate on beta");

            // invalidate-remote on the Primary: alpha is SyncSource of a full resync
            n.b.scribble(4000, 2);
            assertNotEquals(a.md5(size), b.md5(size));
            a.adm("invalidate-remote", "r0").ok();
            String s1 = a.awaitStatus(s -> s.contains("replication:SyncSource") || !s.contains("replication:"),
                    Duration.ofSeconds(10));
            assertTrue(s1.contains("replication:SyncSource peer-disk:Inconsistent done:"), s1);
            n.awaitInSync(Duration.ofSeconds(30));
            assertEquals(List.of(fullBits, fullBits), a.resyncBits(), "invalidate-remote resyncs the whole device");
            assertEquals(List.of(fullBits, fullBits), b.resyncBits());
            n.assertSameData("after invalidate-remote on alpha");
            // invalidate on the Primary: alpha becomes a Primary SyncTarget of a full resync (its reads
            // meanwhile are served by beta for the blocks it has not received yet)
            a.adm("invalidate", "r0").ok();
            String s2 = a.awaitStatus(s -> s.contains("replication:SyncTarget") || !s.contains("replication:"),
                    Duration.ofSeconds(10));
            assertTrue(s2.startsWith("r0 role:Primary\n") && s2.contains("replication:SyncTarget peer-disk:UpToDate done:")
                    && s2.contains("  disk:Inconsistent\n"), s2);
            n.awaitInSync(Duration.ofSeconds(30));
            assertEquals(List.of(fullBits, fullBits, fullBits), a.resyncBits(), "invalidate on the Primary resyncs all");
            n.assertSameData("after invalidate on the Primary alpha");

            // pause-sync on the source while invalidate-remote runs, then on the target while invalidate runs
            n.b.scribble(12345, 3);
            a.adm("invalidate-remote", "r0").ok();
            a.adm("pause-sync", "r0").ok();
            assertPaused(a, b, "PausedSyncS", "PausedSyncT");
            a.adm("resume-sync", "r0").ok();
            n.awaitInSync(Duration.ofSeconds(30));
            n.assertSameData("after pause-sync and resume-sync on the source");

            n.b.scribble(10, 4);
            b.adm("invalidate", "r0").ok();
            java.nio.file.Path events = n.work().resolve("pause-events");
            Process live = b.spawn(events, "drbdsetup", "events2", "r0");
            Thread.sleep(300);
            b.adm("pause-sync", "r0").ok();
            assertPaused(b, a, "PausedSyncT", "PausedSyncS");
            Cmd.Result again = b.adm("pause-sync", "r0");
            assertNotEquals(0, again.exit(), "a second pause-sync is refused: " + again.output());
            b.adm("resume-sync", "r0").ok();
            n.awaitInSync(Duration.ofSeconds(30));
            live.destroy();
            // one state change each, as the kernel prints them
            List<String> ev = java.nio.file.Files.readAllLines(events);
            assertTrue(ev.stream().anyMatch(l -> l.contains("replication:PausedSyncT resync-suspended:user")), ev.toString());
            assertTrue(ev.stream().anyMatch(l -> l.contains("replication:SyncTarget resync-suspended:no")), ev.toString());
            assertTrue(ev.stream().noneMatch(l -> l.contains("resync-suspended:user") && !l.contains("replication:")),
                    ev.toString());
            n.assertSameData("after pause-sync and resume-sync on the target");
            List<Long> five = List.of(fullBits, fullBits, fullBits, fullBits, fullBits);
            assertEquals(five, a.resyncBits());
            assertEquals(five, b.resyncBits());

            // a running resync reports its progress in events2 every 3 s, without a state change (the
            // kernel's RS_PROGRESS), on both sides: at 8 MiB/s the full resync takes about 8 s
            b.setup("peer-device-options", "r0", "0", "0", "--resync-rate=8M").ok();
            java.nio.file.Path progressA = n.work().resolve("progress-events-alpha");
            java.nio.file.Path progressB = n.work().resolve("progress-events-beta");
            Process liveA = a.spawn(progressA, "drbdsetup", "events2", "r0");
            Process liveB = b.spawn(progressB, "drbdsetup", "events2", "r0");
            Thread.sleep(300);
            a.adm("invalidate-remote", "r0").ok();
            // drbdsetup -vv --statistics: the target shows the rate it asks for (want:, MiB/s; the
            // in-flight counters are checked against held writes in ResyncStatisticsTest)
            String vv = "";
            for (int i = 0; i < 40 && !vv.contains(" want:"); i++) {
                Thread.sleep(100);
                vv = b.setup("status", "r0", "--verbose", "--verbose", "--statistics").ok().output();
            }
            assertTrue(vv.contains("replication:SyncTarget") && vv.contains(" want:8.00"), vv);
            n.awaitInSync(Duration.ofSeconds(30));
            liveA.destroy();
            liveB.destroy();
            assertProgressReported(progressA, "1 conn-name:beta");
            assertProgressReported(progressB, "0 conn-name:alpha");
            n.assertSameData("after the resync reported in events2");
        }
    }

    /**
     * new-current-uuid --force-resync right after create-md and up, connected: this node becomes
     * UpToDate with a new data generation and the peer SyncTarget of a full sync, without a promotion.
     */
    @Test
    void forceResyncRightAfterCreateMdSyncsEverything() throws Exception {
        DrbdTools.require();
        try (TwoNodes n = new TwoNodes("forcers", 17769, "32M")) {
            n.upConnected();
            n.a.awaitStatus(s -> s.contains("peer-disk:Inconsistent"), Duration.ofSeconds(10));
            long size = n.a.dataBytes();
            long fullBits = (size + 4095) / 4096;
            n.b.scribble(100, 5);
            n.b.scribble(fullBits - 1, 6);
            assertNotEquals(n.a.md5(size), n.b.md5(size));

            n.a.adm("new-current-uuid", "--force-resync", "r0/0").ok();
            n.awaitInSync(Duration.ofSeconds(30));
            assertEquals("r0 role:Secondary\n  disk:UpToDate\n  beta role:Secondary\n    peer-disk:UpToDate\n\n",
                    n.a.status());
            assertEquals(List.of(fullBits), n.a.resyncBits(), "alpha was the source of a full sync");
            assertEquals(List.of(fullBits), n.b.resyncBits(), "beta was its target");
            n.assertSameData("after new-current-uuid --force-resync");
            // one data generation on both now: a reconnect finds nothing to resync
            n.b.adm("disconnect", "r0").ok();
            n.b.adm("connect", "r0").ok();
            n.awaitConnected();
            n.awaitInSync(Duration.ofSeconds(20));
            assertEquals(List.of(fullBits), n.b.resyncBits(), "no resync after the reconnect");

            // net-options on one node while connected: the peer takes the shared ones, as the kernel's
            n.a.setup("net-options", "r0", "1", "--protocol=B", "--verify-alg=sha1").ok();
            String shown = "";
            for (int i = 0; i < 100 && !(shown.contains("\tB;") && shown.contains("\"sha1\"")); i++) {
                Thread.sleep(100);
                shown = n.b.setup("show", "r0").ok().output();
            }
            assertTrue(shown.contains("protocol        \tB;") && shown.contains("verify-alg      \t\"sha1\";"), shown);
            n.a.adm("verify", "r0").ok();
            n.awaitInSync(Duration.ofSeconds(30));
            n.b.adm("disconnect", "r0").ok();
            n.b.adm("connect", "r0").ok();
            n.awaitConnected();
        }
    }

    /**
     * drbdadm resize while connected, as on kernels: the size is agreed with the peer whichever node
     * asks. A grow (the disk-size taken out of the configuration) resyncs exactly the new part from
     * the Primary; beyond the old end alpha's disk holds data beta never had, so only that resync
     * makes the data areas equal. A shrink (drbdsetup resize --size) moves nothing, and the agreed
     * size survives a reconnect and a restart of the Secondary.
     */
    @Test
    void resizeWhileConnectedIsAgreedWithThePeerAndResyncsOnlyTheNewPart() throws Exception {
        DrbdTools.require();
        try (TwoNodes n = new TwoNodes("resize", 17780, "64M")) {
            n.disk += " size 32M;";
            n.upConnected();
            n.a.adm("primary", "--force", "r0").ok();
            n.awaitInSync(Duration.ofSeconds(60));
            assertEquals(32L << 20, n.a.dataBytes());
            assertEquals(32L << 20, n.b.dataBytes());
            long oldBits = (32L << 20) / 4096;
            n.a.scribble(oldBits + 3, 31);
            n.a.scribble((60L << 20) / 4096, 32);

            n.disk = n.disk.replace(" size 32M;", "");
            n.a.writeConf();
            n.b.writeConf();
            n.b.adm("resize", "r0").ok(); // the Secondary asks; the Primary is the sync source
            long full = awaitSize(n.a, s -> s > (32L << 20));
            assertTrue(full > (60L << 20), "the whole data area of 64M less the metadata: " + full);
            assertEquals(full, awaitSize(n.b, s -> s == full));
            n.awaitInSync(Duration.ofSeconds(60));
            long newBits = full / 4096 - oldBits;
            assertEquals(List.of(oldBits, newBits), n.b.resyncBits(), "the initial sync, then the new part only");
            n.assertSameData("after the online grow");

            n.a.setup("resize", "1", "--size=48M").ok();
            assertEquals(48L << 20, awaitSize(n.a, s -> s == (48L << 20)));
            assertEquals(48L << 20, awaitSize(n.b, s -> s == (48L << 20)));
            String shown = n.b.setup("show", "r0").ok().output();
            assertTrue(shown.matches("(?s).*\\n\\s*size\\s+98304s;.*"), "beta took alpha's size:\n" + shown);
            n.b.adm("disconnect", "r0").ok();
            n.b.adm("connect", "r0").ok();
            n.awaitConnected();
            n.awaitInSync(Duration.ofSeconds(30));
            List<Long> bits = n.b.resyncBits();
            // the Primary's new data generation after the disconnect makes a resync of nothing
            assertTrue(bits.subList(2, bits.size()).stream().allMatch(b -> b == 0), "nothing moved after the shrink: "
                    + bits);
            n.assertSameData("after the shrink and a reconnect");
            // beta's configuration has no size, but a restarted beta keeps the size last agreed
            n.b.kill();
            n.b.start();
            n.b.up();
            assertEquals(48L << 20, n.b.dataBytes(), "after the restart");
            n.awaitConnected();
            n.awaitInSync(Duration.ofSeconds(30));
            assertEquals(48L << 20, n.b.dataBytes());
            n.assertSameData("after a restart of beta");

            // a resize during a resync is refused
            n.b.adm("disconnect", "r0").ok();
            n.a.adm("invalidate-remote", "r0").ok();
            n.b.adm("pause-sync", "r0").ok();
            n.b.adm("connect", "r0").ok();
            n.b.awaitStatus(s -> s.contains("PausedSyncT"), Duration.ofSeconds(20));
            Cmd.Result r = n.a.setup("resize", "1", "--size=40M");
            assertNotEquals(0, r.exit(), r.output());
            assertTrue(r.output().contains("(130) Resize not allowed during resync"), r.output());
            n.b.adm("resume-sync", "r0").ok();
            n.awaitInSync(Duration.ofSeconds(60));
            assertEquals(48L << 20, n.b.dataBytes());
            n.assertSameData("after the refused resize");
        }
    }

    /** Waits until this node's drbd1 has a size {@code ok} accepts; returns it. */
    private static long awaitSize(TwoNodes.Node node, java.util.function.LongPredicate ok) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        long s = node.dataBytes();
        while (!ok.test(s)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(node.name + ": drbd1 has " + s + " bytes\n" + node.status());
            }
            Thread.sleep(100);
            s = node.dataBytes();
        }
        return s;
    }

    /** At least one events2 line of the peer device that carries only the progress, between 0 and 100 %. */
    private static void assertProgressReported(java.nio.file.Path events, String peer) throws java.io.IOException {
        List<String> lines = java.nio.file.Files.readAllLines(events);
        Pattern progress = Pattern.compile(
                "change peer-device name:r0 peer-node-id:" + peer + " volume:0 done:(\\d+\\.\\d\\d)");
        List<Double> done = lines.stream().map(progress::matcher).filter(Matcher::matches)
                .map(m -> Double.parseDouble(m.group(1))).toList();
        assertFalse(done.isEmpty(), "no progress line in " + lines);
        assertTrue(done.stream().allMatch(d -> d > 0 && d < 100), done.toString());
    }

    /**
     * The node that paused shows {@code mine} with resync-suspended:user, its peer {@code theirs} with
     * resync-suspended:peer, and the target's out-of-sync count stands still while paused.
     */
    private static void assertPaused(TwoNodes.Node paused, TwoNodes.Node other, String mine, String theirs)
            throws Exception {
        String st = paused.awaitStatus(s -> s.contains("replication:" + mine), Duration.ofSeconds(10));
        assertTrue(st.contains("resync-suspended:user"), st);
        other.awaitStatus(s -> s.contains("replication:" + theirs), Duration.ofSeconds(10));
        String ev = paused.setup("events2", "--now", "r0").ok().output();
        assertTrue(ev.contains("replication:" + mine) && ev.contains("resync-suspended:user"), ev);
        String evOther = other.setup("events2", "--now", "r0").ok().output();
        assertTrue(evOther.contains("replication:" + theirs) && evOther.contains("resync-suspended:peer"), evOther);
        TwoNodes.Node target = mine.endsWith("T") ? paused : other;
        long before = outOfSync(target);
        Thread.sleep(1500);
        long after = outOfSync(target);
        assertTrue(before > 0, "the resync was paused before it finished");
        assertEquals(before, after, "no resync progress while paused");
        assertTrue(paused.status().contains("replication:" + mine), paused.status());
    }

    private static long outOfSync(TwoNodes.Node n) {
        String st = n.setup("status", "r0", "--verbose", "--statistics").ok().output();
        Matcher m = OUT_OF_SYNC.matcher(st);
        long max = 0;
        while (m.find()) {
            max = Math.max(max, Long.parseLong(m.group(1)));
        }
        return max;
    }
}
