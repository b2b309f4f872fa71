package io.scstdrbd.systest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The embedded default node (no --backend): tcmu000 and tcmu001 over /tmp/cfg1 and /tmp/cfg2,
 * 1 GiB each, with the FUSE root taken from UMC_FS_ROOT. Read-only checks, so an admin's demo data
 * in /tmp/cfg1 and /tmp/cfg2 is left alone.
 */
class DefaultNodeSystemTest {

    @Test
    void defaultBackendsUnderUmcFsRoot() throws Exception {
        Path root = DaemonProcess.SCRATCH.resolve("default-root");
        try (DaemonProcess d = DaemonProcess.builder("default").fuseRoot(root).fuseRootFromEnv()
                .arg("--iscsi-listen", "127.0.0.1:" + DaemonProcess.freeLoopbackPort()).start()) {
            assertTrue(d.logText().contains("devices [tcmu000, tcmu001]"), d.tail());
            for (String[] dev : new String[][] {{"tcmu000", "/tmp/cfg1"}, {"tcmu001", "/tmp/cfg2"}}) {
                Path node = d.dev(dev[0]);
                assertTrue(Files.isRegularFile(node));
                assertEquals(1L << 30, Files.size(node));
                assertTrue(Files.size(Path.of(dev[1])) >= 1L << 30, dev[1] + " was created");
                Cmd.Result cmp = Cmd.run("cmp", "-n", "4194304", node.toString(), dev[1]);
                assertEquals(0, cmp.exit(), "the node shows the backing file:\n" + cmp.output());
            }
            String ls = Cmd.run("ls", "-l", d.path("dev").toString()).ok().output();
            assertTrue(ls.contains("1073741824") && ls.contains("tcmu000") && ls.contains("tcmu001"), ls);
            d.stop();
        }
    }
}
