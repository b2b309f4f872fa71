package io.scstdrbd.systest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The two-node walk-through of the replication issue with Debian's drbd-utils 9.22: node alpha at
 * 127.0.0.1:7788 and node beta at 127.0.0.2:7788, two daemons on this host. up on both (Connected,
 * both Inconsistent), primary --force on alpha (full sync with done: progress), mkfs/mount/copy on
 * alpha, switch-over to beta (the same tree), disconnect/connect (only the changed blocks resync),
 * kill -9 of the Secondary while the Primary writes and its restart (the changed blocks plus its
 * activity-log extents resync). The data areas of both backing devices are compared after every step.
 */
class ReplicationWalkthroughSystemTest {
    @Test
    void walkThrough() throws Exception {
        DrbdTools.require();
        try (TwoNodes n = new TwoNodes("walk", 7788, "512M")) {
            n.disk = "c-plan-ahead 0; resync-rate 100M; c-min-rate 0k; al-extents 67;";
            TwoNodes.Node a = n.a;
            TwoNodes.Node b = n.b;
            a.start();
            b.start();
            a.createMd();
            b.createMd();
            Path events = n.work().resolve("events2-alpha.out");
            Process live = a.spawn(events, "drbdsetup", "events2");
            for (int i = 0; i < 200 && !Files.readString(events).contains("exists -"); i++) {
                Thread.sleep(50);
            }

            a.up();
            assertEquals("r0 role:Secondary\n  disk:Inconsistent\n  beta connection:Connecting\n\n", a.status());
            b.up();
            n.awaitConnected();
            assertEquals("r0 role:Secondary\n  disk:Inconsistent\n  beta role:Secondary\n    peer-disk:Inconsistent\n\n",
                    a.awaitStatus(s -> s.contains("peer-disk:Inconsistent"), Duration.ofSeconds(10)));
            assertEquals("r0 role:Secondary\n  disk:Inconsistent\n  alpha role:Secondary\n    peer-disk:Inconsistent\n\n",
                    b.awaitStatus(s -> s.contains("peer-disk:Inconsistent"), Duration.ofSeconds(10)));
            assertEquals("Connected\n", a.adm("cstate", "r0").ok().output());
            n.assertSameData("after up");

            // full sync alpha -> beta, progress visible on both sides
            a.adm("primary", "--force", "r0").ok();
            String progress = b.awaitStatus(s -> s.contains("done:") || s.contains("  disk:UpToDate"),
                    Duration.ofSeconds(30));
            assertTrue(progress.matches("(?s)r0 role:Secondary\n  disk:Inconsistent\n  alpha role:Primary\n"
                    + "    replication:SyncTarget peer-disk:UpToDate done:\\d+\\.\\d\\d\n\n"), progress);
            String source = a.status();
            assertTrue(source.contains("replication:SyncSource peer-disk:Inconsistent done:")
                    || source.contains("peer-disk:UpToDate"), source);
            n.awaitInSync(Duration.ofMinutes(3));
            assertEquals("r0 role:Primary\n  disk:UpToDate\n  beta role:Secondary\n    peer-disk:UpToDate\n\n", a.status());
            assertEquals(List.of((a.dataBytes() + 4095) / 4096), a.resyncBits(), "full sync of the whole data area");
            n.assertSameData("after the initial full sync");

            // a file system written on alpha
            Cmd.run("mkfs.ext4", "-q", "-F", a.drbd1().toString()).ok();
            a.daemon.mount(a.drbd1(), a.mnt);
            Cmd.run("cp", "-a", "/usr/share/doc/drbd-utils", a.mnt.resolve("doc").toString()).ok();
            Cmd.run("umount", a.mnt.toString()).ok();
            n.assertSameData("after mkfs and copy on alpha");

            // switch-over: beta sees the same tree
            a.adm("secondary", "r0").ok();
            b.adm("primary", "r0").ok();
            b.daemon.mount(b.drbd1(), b.mnt);
            Cmd.run("diff", "-r", "/usr/share/doc/drbd-utils", b.mnt.resolve("doc").toString()).ok();
            Cmd.run("umount", b.mnt.toString()).ok();
            Cmd.Result fsck = Cmd.run("fsck.ext4", "-fn", b.drbd1().toString());
            assertEquals(0, fsck.exit(), fsck.output());
            n.assertSameData("after the switch-over");

            // disconnect, a change on beta while alpha is away, connect: only that change resyncs
            a.adm("disconnect", "r0").ok();
            assertEquals("r0 role:Secondary\n  disk:UpToDate\n  beta connection:StandAlone\n\n", a.status());
            b.awaitStatus(s -> s.contains("alpha connection:Connecting"), Duration.ofSeconds(10));
            long[] changed = {10, 11, 12, 5000, 70001};
            TwoNodes.writeBlocks(b.drbd1(), changed, 1);
            long size = a.dataBytes();
            assertNotEquals(a.md5(size), b.md5(size), "beta's change is not on alpha yet");
            a.adm("connect", "r0").ok();
            n.awaitInSync(Duration.ofMinutes(1));
            List<Long> bits = b.resyncBits();
            assertEquals(changed.length, bits.get(bits.size() - 1), "resync after reconnect moves only the changed blocks");
            n.assertSameData("after disconnect/connect");

            // kill -9 of the Secondary while the Primary writes; restart: the changed blocks and the
            // extents of the restarted node's activity log (it was Primary before) resync, not the device
            b.daemon.mount(b.drbd1(), b.mnt);
            Process writer = new ProcessBuilder("dd", "if=/dev/urandom", "of=" + b.mnt.resolve("during-crash"), "bs=64k",
                    "count=160", "oflag=direct").redirectErrorStream(true).start();
            Thread.sleep(300);
            a.kill();
            assertTrue(writer.waitFor(2, TimeUnit.MINUTES), "writes on the Primary stalled after the peer died");
            assertEquals(0, writer.exitValue());
            Cmd.run("umount", b.mnt.toString()).ok();
            b.awaitStatus(s -> s.contains("alpha connection:Connecting"), Duration.ofSeconds(10));
            a.start();
            a.up();
            n.awaitInSync(Duration.ofMinutes(2));
            List<Long> after = b.resyncBits();
            long moved = after.get(after.size() - 1);
            assertTrue(moved > 0 && moved < 67 * 1024 + 160 * 16 + 2048,
                    "resync after the restart moved " + moved + " bits (changed: 2560 + metadata, AL at most 68608)");
            n.assertSameData("after kill -9 and restart of the Secondary");
            b.daemon.mount(b.drbd1(), b.mnt);
            assertEquals(160L * 65536, Files.size(b.mnt.resolve("during-crash")));
            Cmd.run("umount", b.mnt.toString()).ok();

            String ev = Files.readString(events);
            // events2 prints what changed: connect, full sync as source, disconnect, resync as target
            for (String re : List.of(
                    "change connection name:r0 peer-node-id:1 conn-name:beta connection:Connected",
                    "change connection name:r0 peer-node-id:1 conn-name:beta role:Secondary",
                    "change peer-device name:r0 peer-node-id:1 conn-name:beta volume:0 replication:SyncSource done:0\\.00",
                    "change device name:r0 volume:0 minor:1 .*disk:UpToDate.*",
                    "change peer-device name:r0 peer-node-id:1 conn-name:beta volume:0 replication:Established",
                    "change peer-device name:r0 peer-node-id:1 conn-name:beta volume:0 peer-disk:UpToDate peer-client:no",
                    "change connection name:r0 peer-node-id:1 conn-name:beta connection:StandAlone",
                    "change peer-device name:r0 peer-node-id:1 conn-name:beta volume:0 replication:SyncTarget done:\\d+\\.\\d\\d",
                    "call helper name:r0 peer-node-id:1 conn-name:beta volume:0 minor:1 helper:before-resync-target",
                    "call helper name:r0 peer-node-id:1 conn-name:beta volume:0 minor:1 helper:after-resync-target")) {
                assertTrue(ev.lines().anyMatch(l -> l.matches(re)), "events2 lacks /" + re + "/:\n" + ev);
            }
            assertTrue(ev.lines().noneMatch(l -> l.contains("done:100.00")), "a resync starts at 100% done:\n" + ev);
            List<String> evl = ev.lines().toList();
            for (int i = 1; i < evl.size(); i++) {
                assertTrue(!(evl.get(i - 1).endsWith("connection:Connecting") && evl.get(i).endsWith("connection:Unconnected")),
                        "Connecting stepped back to Unconnected:\n" + ev);
            }
            live.destroy();
            String proc = Files.readString(b.daemon.path("proc/drbd"));
            assertTrue(proc.startsWith("version: 9."), proc);
        }
    }
}
