package io.scstdrbd.systest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * kill -9 of the daemon while Primary with writes in flight, then restart: {@code drbdadm up}
 * applies the activity log, the file system is clean after journal replay, and the absent peer's
 * bitmap slot marks every block written while it was away. The device started all zero and the
 * peer never saw a write, so every non-zero 4 KiB block of the data area must have its bit set.
 * With a 1 GiB device and al-extents 67 (the minimum) the activity log must evict extents, so
 * the bits of cold extents come from the bitmap pages written at eviction, not from apply-al.
 */
class DrbdCrashSystemTest {
    private static final Path WORK = DrbdTools.SCRATCH.resolve("crash");
    private static final Path ROOT = DrbdTools.SCRATCH.resolve("crash-root");
    private static final Path MNT = DrbdTools.SCRATCH.resolve("crash-mnt");
    private static final long USABLE = 1073639424L;

    @Test
    void killDuringWritesThenRecover() throws Exception {
        DrbdTools.require();
        Files.createDirectories(WORK);
        Path img = WORK.resolve("tcmu001.img");
        Files.deleteIfExists(img);
        DaemonProcess.Builder spec = DaemonProcess.builder("drbd-crash").fuseRoot(ROOT).fuseRootFromEnv()
                .backend("tcmu001:ram:" + img + ":1G").arg("--node", DrbdTools.host());
        Path conf;
        try (DaemonProcess d = spec.start()) {
            conf = DrbdTools.writeResource(WORK.resolve("r0.res"), "r0", d.dev("tcmu001"), 1, 17789, "",
                    "al-extents 67;");
            DrbdTools drbd = new DrbdTools(d, conf);
            drbd.metaOn("tcmu001", "create-md", "2").ok();
            drbd.adm("up", "r0").ok();
            drbd.adm("primary", "--force", "r0").ok();
            Path node = d.dev("drbd1");
            Cmd.run("mkfs.ext4", "-q", "-F", "-E", "nodiscard", node.toString()).ok();
            d.mount(node, MNT);
            Cmd.run("cp", "-a", "/usr/share/doc/drbd-utils", MNT.resolve("doc").toString()).ok();
            // 400 MiB = 100 extents: more than the 67 AL slots, so extents are evicted and their
            // bitmap pages must reach the disk before the AL forgets them
            Cmd.run("dd", "if=/dev/urandom", "of=" + MNT.resolve("fill"), "bs=1M", "count=400", "oflag=direct").ok();
            Cmd.run("sync").ok();
            String al = drbd.setup("status", "r0", "--verbose", "--statistics").ok().output();
            assertTrue(Long.parseLong(al.replaceAll("(?s).*al-writes:(\\d+).*", "$1")) > 100, al);
            // writes in flight: a file being written with O_DIRECT and raw writes far apart
            Process writer = new ProcessBuilder("dd", "if=/dev/urandom", "of=" + MNT.resolve("big"), "bs=64k",
                    "count=3000", "oflag=direct").redirectErrorStream(true).start();
            Thread.sleep(1500);
            d.kill();
            writer.destroyForcibly().waitFor();
        }
        try (DaemonProcess d = spec.start()) {
            DrbdTools drbd = new DrbdTools(d, conf);
            Cmd.Result up = drbd.adm("up", "r0");
            assertEquals(0, up.exit(), up.output());
            assertTrue(up.output().contains("Marked additional"), "apply-al did not apply the AL:\n" + up.output());
            assertEquals("r0 role:Secondary\n  disk:UpToDate\n  vagrant connection:Connecting\n\n",
                    drbd.adm("status", "r0").ok().output());
            drbd.adm("primary", "r0").ok();
            Path node = d.dev("drbd1");
            d.mount(node, MNT); // replays the ext4 journal
            Cmd.run("umount", MNT.toString()).ok();
            Cmd.Result fsck = Cmd.run("fsck.ext4", "-fn", node.toString());
            assertEquals(0, fsck.exit(), fsck.output());
            drbd.adm("secondary", "r0").ok();
            drbd.adm("down", "r0").ok();
            drbd.metaOn("tcmu001", "apply-al").ok();
            String dump = drbd.metaOn("tcmu001", "dump-md").ok().output();
            long[] bits = DrbdTools.dumpedBitmap(dump, 0);
            List<Long> missing = new ArrayList<>();
            long nonZero = 0;
            byte[] block = new byte[4096];
            try (RandomAccessFile f = new RandomAccessFile(img.toFile(), "r")) {
                for (long b = 0; b < USABLE / 4096; b++) {
                    f.readFully(block);
                    boolean zero = true;
                    for (byte x : block) {
                        if (x != 0) {
                            zero = false;
                            break;
                        }
                    }
                    if (!zero) {
                        nonZero++;
                        if (!DrbdTools.bit(bits, b) && missing.size() < 20) {
                            missing.add(b);
                        }
                    }
                }
            }
            assertTrue(nonZero > 1000, "too little data written: " + nonZero + " blocks");
            assertTrue(missing.isEmpty(), "blocks written while the peer was away but not marked: " + missing);
            d.stop();
        }
    }
}
