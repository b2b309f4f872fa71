package io.scstdrbd.systest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The walk-through of the DRBD issue with Debian's drbd-utils 9.22: create-md without --force,
 * up with an absent peer, status as drbdsetup prints it for the kernel, primary refused then
 * forced, mkfs/mount/copy/umount/fsck on drbd1, adjust issuing nothing, events2 --now and a live
 * events2 that streams the role and disk changes (ending when the daemon stops), secondary,
 * down, /proc/drbd and the module parameters, and dump-md agreeing with what the daemon reported.
 */
class DrbdWalkthroughSystemTest {
    private static final Path WORK = DrbdTools.SCRATCH.resolve("walk");
    private static final Path ROOT = DrbdTools.SCRATCH.resolve("walk-root");
    private static final Path MNT = DrbdTools.SCRATCH.resolve("walk-mnt");

    @Test
    void walkThrough() throws Exception {
        DrbdTools.require();
        Files.createDirectories(WORK);
        Path img = WORK.resolve("tcmu001.img");
        Files.deleteIfExists(img);
        DaemonProcess.Builder spec = DaemonProcess.builder("drbd-walk").fuseRoot(ROOT).fuseRootFromEnv()
                .backend("tcmu001:ram:" + img + ":256M").arg("--node", DrbdTools.host());
        try (DaemonProcess d = spec.start()) {
            Path conf = DrbdTools.writeResource(WORK.resolve("r0.res"), "r0", d.dev("tcmu001"), 1, 17788, "");
            DrbdTools drbd = new DrbdTools(d, conf);

            Cmd.Result md = drbd.metaOn("tcmu001", "create-md", "2");
            assertEquals(0, md.exit(), md.output());
            assertTrue(md.output().contains("New drbd meta data block successfully created."), md.output());

            Path events = WORK.resolve("events2.out");
            Process live = drbd.spawn(events, "drbdsetup", "events2");
            // listening once the (empty) initial state is through
            for (int i = 0; i < 200 && !Files.readString(events).contains("exists -"); i++) {
                Thread.sleep(50);
            }
            assertEquals("exists -\n", Files.readString(events));

            drbd.adm("up", "r0").ok();
            assertEquals("r0 role:Secondary\n  disk:Inconsistent\n  vagrant connection:Connecting\n\n",
                    drbd.adm("status", "r0").ok().output());
            long usable = 268382208L; // 256 MiB minus 104 sectors of internal metadata for 2 peers
            assertEquals(usable, Files.size(d.dev("drbd1")));
            assertEquals((usable / 512) + "\n", Files.readString(d.path("sys/block/drbd1/size")));
            assertEquals("Secondary\n", drbd.adm("role", "r0").ok().output());
            assertEquals("Connecting\n", drbd.adm("cstate", "r0").ok().output());
            assertEquals("Inconsistent/DUnknown\n", drbd.adm("dstate", "r0").ok().output());

            Cmd.Result refused = drbd.adm("primary", "r0");
            assertNotEquals(0, refused.exit());
            assertTrue(refused.output().contains("r0: State change failed: (-2) Need access to UpToDate data"),
                    refused.output());
            drbd.adm("primary", "--force", "r0").ok();
            assertEquals("r0 role:Primary\n  disk:UpToDate\n  vagrant connection:Connecting\n\n",
                    drbd.adm("status", "r0").ok().output());

            Path node = d.dev("drbd1");
            Cmd.run("mkfs.ext4", "-q", "-F", node.toString()).ok();
            d.mount(node, MNT);
            Cmd.run("cp", "-a", "/usr/share/doc/drbd-utils", MNT.resolve("doc").toString()).ok();
            Cmd.run("sync").ok();
            Cmd.run("umount", MNT.toString()).ok();
            Cmd.Result fsck = Cmd.run("fsck.ext4", "-fn", node.toString());
            assertEquals(0, fsck.exit(), fsck.output());

            // adjust on an unchanged configuration issues no command at all
            assertEquals("", drbd.adm("-d", "adjust", "r0").ok().output());

            String now = drbd.setup("events2", "--now", "r0").ok().output();
            String host = "vagrant";
            List<String> want = List.of(
                    "exists resource name:r0 role:Primary suspended:no force-io-failures:no may_promote:no promotion_score:0",
                    "exists device name:r0 volume:0 minor:1 backing_dev:" + d.dev("tcmu001")
                            + " disk:UpToDate client:no quorum:yes",
                    "exists connection name:r0 peer-node-id:1 conn-name:" + host + " connection:Connecting role:Unknown",
                    "exists peer-device name:r0 peer-node-id:1 conn-name:" + host
                            + " volume:0 replication:Off peer-disk:DUnknown peer-client:no resync-suspended:no",
                    "exists path name:r0 peer-node-id:1 conn-name:" + host
                            + " local:ipv4:127.0.0.1:17788 peer:ipv4:127.0.0.2:17788 established:no",
                    "exists -");
            for (String line : want) {
                assertTrue(now.contains(line + "\n"), "events2 --now lacks\n" + line + "\nin\n" + now);
            }

            String gi = drbd.adm("get-gi", "r0").ok().output().strip();
            drbd.adm("secondary", "r0").ok();
            String giSecondary = drbd.adm("get-gi", "r0").ok().output().strip();
            drbd.adm("down", "r0").ok();
            assertFalse(Files.exists(d.dev("drbd1")));
            assertTrue(drbd.setup("status").ok().output().contains("# No currently configured DRBD found."));

            String proc = Files.readString(d.path("proc/drbd"));
            assertTrue(proc.startsWith("version: 9.2.19 (api:2/proto:86-121)\nGIT-hash: "), proc);
            assertEquals(List.of("disable_sendpage", "max_parallel_resyncs", "minor_count", "protocol_version_min",
                    "strict_names", "usermode_helper"), Cmd.run("ls", d.path("sys/module/drbd/parameters").toString())
                    .ok().output().lines().toList());
            assertEquals("32\n", Files.readString(d.path("sys/module/drbd/parameters/minor_count")));

            // what drbdmeta reads is what the daemon reported: UUIDs, node id, peer slot, size
            drbd.metaOn("tcmu001", "apply-al").ok();
            String dump = drbd.metaOn("tcmu001", "dump-md").ok().output();
            String current = giSecondary.split(":")[0];
            assertTrue(dump.contains("current-uuid 0x" + current + ";"), current + " not in\n" + dump);
            assertTrue(dump.contains("node-id 0;"), dump);
            assertTrue(dump.contains("peer[1] {\n    bitmap-index 0;\n    bitmap-uuid 0x" + gi.split(":")[1] + ";"),
                    dump);
            assertTrue(dump.contains("la-size-sect " + usable / 512 + ";"), dump);
            // while away, the peer missed mkfs and the copy: its slot is far from empty
            long[] slot0 = DrbdTools.dumpedBitmap(dump, 0);
            long set = 0;
            for (long w : slot0) {
                set += Long.bitCount(w);
            }
            assertTrue(set > 1000, "bits set for the absent peer: " + set);

            d.stop();
            assertTrue(live.waitFor(20, TimeUnit.SECONDS), "live events2 did not end with the daemon");
            String ev = Files.readString(events);
            // the changes as they happened, in order
            List<String> expected = List.of(
                    "create resource name:r0 role:Secondary .*",
                    "create device name:r0 volume:0 minor:1 backing_dev:none disk:Diskless .*",
                    "change device name:r0 volume:0 minor:1 .*disk:Attaching .*",
                    "change device name:r0 volume:0 minor:1 .*disk:Inconsistent .*",
                    "change connection name:r0 peer-node-id:1 conn-name:vagrant connection:Unconnected",
                    "change connection name:r0 peer-node-id:1 conn-name:vagrant connection:Connecting",
                    "change resource name:r0 role:Primary .*",
                    "change device name:r0 volume:0 minor:1 .*disk:UpToDate .*",
                    "change resource name:r0 role:Secondary .*",
                    "change connection name:r0 peer-node-id:1 conn-name:vagrant connection:StandAlone",
                    "destroy connection name:r0 peer-node-id:1 conn-name:vagrant",
                    "change device name:r0 volume:0 minor:1 .*disk:Detaching .*",
                    "change device name:r0 volume:0 minor:1 .*disk:Diskless .*",
                    "destroy device name:r0 volume:0",
                    "destroy resource name:r0");
            List<String> lines = ev.lines().toList();
            int at = 0;
            for (String re : expected) {
                while (at < lines.size() && !lines.get(at).matches(re)) {
                    at++;
                }
                assertTrue(at < lines.size(), "live events2 lacks '" + re + "' (in order):\n" + ev);
                at++;
            }
            assertFalse(ev.contains("skipped"), ev);
        }
    }
}
