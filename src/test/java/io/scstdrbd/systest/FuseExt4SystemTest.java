package io.scstdrbd.systest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The demo path of the issue with real tools: mkfs.ext4 on a FUSE block node, mount it (a loop
 * mount of the node), copy a tree, umount, fsck.ext4 -fn clean; stop the daemon; start it again
 * and find the data.
 */
class FuseExt4SystemTest {
    private static final Path WORK = DaemonProcess.SCRATCH.resolve("ext4");
    private static final Path MNT = DaemonProcess.SCRATCH.resolve("mnt-ext4");

    /** /usr/share/doc when it fits the 256 MiB device comfortably, else a generated tree. */
    private static Path sourceTree() throws Exception {
        Path doc = Path.of("/usr/share/doc");
        if (Files.isDirectory(doc)) {
            String mb = Cmd.run("du", "-sm", doc.toString()).ok().output().split("\\s+")[0];
            if (Integer.parseInt(mb) <= 170) {
                return doc;
            }
        }
        Path gen = WORK.resolve("tree");
        Cmd.run("rm", "-rf", gen.toString()).ok();
        Cmd.sh("mkdir -p " + gen + " && cd " + gen + " && for d in $(seq 1 40); do mkdir d$d; "
                + "for f in $(seq 1 40); do head -c $((d * f * 37)) /dev/urandom > d$d/f$f; done; done && "
                + "head -c 20000000 /dev/urandom > big").ok();
        return gen;
    }

    @Test
    void mkfsMountCopyUmountFsckThenRestartAndFindTheData() throws Exception {
        DaemonProcess.requireRoot();
        Files.createDirectories(WORK);
        Path img = WORK.resolve("tcmu001.img");
        Files.deleteIfExists(img);
        Path src = sourceTree();
        DaemonProcess.Builder spec = DaemonProcess.builder("ext4")
                .backend("tcmu000:ram:@:64M")
                .backend("tcmu001:ram:" + img + ":256M");
        try (DaemonProcess d = spec.start()) {
            Path node = d.dev("tcmu001");
            assertTrue(Files.isRegularFile(node));
            assertEquals(256L << 20, Files.size(node));
            Cmd.run("mkfs.ext4", "-q", "-F", node.toString()).ok();
            d.mount(node, MNT);
            Cmd.run("cp", "-a", src.toString(), MNT.resolve("tree").toString()).ok();
            Cmd.run("sync").ok();
            Cmd.run("umount", MNT.toString()).ok();
            Cmd.Result fsck = Cmd.run("fsck.ext4", "-fn", node.toString());
            assertEquals(0, fsck.exit(), "fsck found problems:\n" + fsck.output());
            d.stop();
        }
        try (DaemonProcess d = spec.start()) {
            Path node = d.dev("tcmu001");
            assertEquals(0, Cmd.run("fsck.ext4", "-fn", node.toString()).exit());
            d.mount(node, MNT);
            Cmd.Result diff = Cmd.run("diff", "-r", "--no-dereference", src.toString(), MNT.resolve("tree").toString());
            assertEquals(0, diff.exit(), "the copy differs after a restart:\n" + diff.output());
            Cmd.run("umount", MNT.toString()).ok();
            d.stop();
        }
    }
}
