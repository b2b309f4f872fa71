package io.scstdrbd.systest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * The embedded default node as a user starts it: no options but a FUSE root, the iSCSI portal on
 * 127.0.0.1:3260, target {@code iqn.2024-01.io.scst-drbd:<host name>}, LUN 0 = tcmu000 and
 * LUN 1 = tcmu001 (1 GiB each over /tmp/cfg1 and /tmp/cfg2). Read-only, so demo data stays.
 */
class IscsiDefaultNodeSystemTest {
    @Test
    void defaultPortalTargetAndLuns() throws Exception {
        DaemonProcess.requireRoot();
        IscsiTestSupport.requireTools("iscsi-ls", "iscsi-inq", "iscsi-readcapacity16");
        IscsiTestSupport.freePort(3260);
        String host = Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
        String iqn = "iqn.2024-01.io.scst-drbd:" + host.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9.\\-]", "-");
        Path root = IscsiTestSupport.scratch("default").resolve("root");
        try (DaemonProcess d = DaemonProcess.builder("iscsi-default").fuseRoot(root).defaultPortal().start()) {
            d.waitForLog("iSCSI portal /127.0.0.1:3260", Duration.ofSeconds(30));
            String ls = Cmd.run("iscsi-ls", "-s", "iscsi://127.0.0.1/").ok().output();
            assertEquals(List.of(iqn), IscsiTestSupport.targets(ls), ls);
            assertTrue(ls.contains("Portal:127.0.0.1:3260,1"), ls);
            assertEquals(List.of(0, 1), IscsiTestSupport.luns(ls), ls);
            String inq = Cmd.run("iscsi-inq", "iscsi://127.0.0.1/" + iqn + "/0").ok().output();
            assertTrue(inq.contains("DIRECT_ACCESS"), inq);
            for (int lun = 0; lun < 2; lun++) {
                String cap = Cmd.run("iscsi-readcapacity16", "iscsi://127.0.0.1/" + iqn + "/" + lun).ok().output();
                assertTrue(cap.contains("Total size:1073741824"), cap);
            }
            d.stop();
        }
    }
}
