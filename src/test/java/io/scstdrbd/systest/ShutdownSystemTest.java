package io.scstdrbd.systest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * SIGTERM while an ext4 on a FUSE node is mounted: the daemon says which device is held and by
 * what, keeps serving (the file system stays usable), and exits 0 once it is unmounted; the data
 * is intact afterwards. SIGINT (Ctrl-C) stops an idle daemon cleanly.
 */
class ShutdownSystemTest {
    private static final Path WORK = DaemonProcess.SCRATCH.resolve("shutdown");
    private static final Path MNT = DaemonProcess.SCRATCH.resolve("mnt-shutdown");

    @Test
    void sigtermWithADeviceMountedWaitsForTheReleaseAndLosesNothing() throws Exception {
        DaemonProcess.requireRoot();
        Files.createDirectories(WORK);
        Path img = WORK.resolve("tcmu000.img");
        Files.deleteIfExists(img);
        DaemonProcess.Builder spec = DaemonProcess.builder("shutdown").backend("tcmu000:ram:" + img + ":128M");
        try (DaemonProcess d = spec.start()) {
            Path node = d.dev("tcmu000");
            Cmd.run("mkfs.ext4", "-q", "-F", node.toString()).ok();
            d.mount(node, MNT);
            Files.writeString(MNT.resolve("before"), "written before SIGTERM\n");
            d.signalTerm();
            String line = d.waitForLog("cannot unmount " + d.fuseRoot() + " yet: tcmu000 is held open by a mount or "
                    + "loop device \\(/dev/loop\\d+ → " + MNT + "\\); still serving until it is released",
                    Duration.ofSeconds(30));
            assertTrue(line.contains("WARN"), line);
            assertEquals(null, d.awaitExit(Duration.ofSeconds(2)), "the daemon keeps serving");
            Files.writeString(MNT.resolve("after"), "written after SIGTERM\n");
            Cmd.run("sync").ok();
            Cmd.run("umount", MNT.toString()).ok();
            assertEquals(0, d.awaitExit(Duration.ofSeconds(30)), d.tail());
            assertFalse(DaemonProcess.isMounted(d.fuseRoot()), "FUSE unmounted at exit");
            assertFalse(d.logText().contains("still running at exit"), "no leaked threads:\n" + d.tail());
            assertTrue(d.logText().contains("scst-drbd stopped"));
        }
        try (DaemonProcess d = spec.start()) {
            Path node = d.dev("tcmu000");
            assertEquals(0, Cmd.run("fsck.ext4", "-fn", node.toString()).exit());
            d.mount(node, MNT);
            assertEquals("written before SIGTERM\n", Files.readString(MNT.resolve("before")));
            assertEquals("written after SIGTERM\n", Files.readString(MNT.resolve("after")));
            Cmd.run("umount", MNT.toString()).ok();
            d.stop();
        }
    }

    @Test
    void sigintStopsCleanly() {
        try (DaemonProcess d = DaemonProcess.builder("sigint").backend("tcmu000:ram:@:16M").start()) {
            Cmd.run("kill", "-INT", Long.toString(d.pid())).ok();
            assertEquals(0, d.awaitExit(Duration.ofSeconds(30)), d.tail());
            assertFalse(DaemonProcess.isMounted(d.fuseRoot()));
            assertTrue(d.logText().contains("received SIGINT"));
        }
    }
}
