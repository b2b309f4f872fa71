package io.scstdrbd.systest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The shipped conf/iscsi-scstd.conf (the seed's file) with an scst.conf laid out like the
 * seed's ([HANDLER vdisk], [GROUP blackbox], [ASSIGNMENT blackbox]): the target, its LUN numbers
 * per group, and every negotiated value the file sets.
 */
class IscsiSeedConfigSystemTest {
    static final int PORT = IscsiTestSupport.PORT_BASE + 6;
    static final String IQN = "iqn.2001-04.com.example.blackbox:1";
    static final String BLACKBOX = "iqn.1993-08.org.debian:01:42f44c781338";

    @Test
    void seedFilesExportWhatTheyDescribe() throws Exception {
        DaemonProcess.requireRoot();
        IscsiTestSupport.requireTools("iscsi-ls", "iscsi-inq");
        IscsiTestSupport.freePort(PORT);
        Path iscsiConf = Path.of(System.getProperty("scstdrbd.top", "../..")).resolve("conf/iscsi-scstd.conf");
        assertTrue(Files.isRegularFile(iscsiConf), iscsiConf + " is shipped");
        Path dir = IscsiTestSupport.scratch("seed");
        Path root = dir.resolve("root");
        Path scstConf = dir.resolve("scst.conf");
        Files.writeString(scstConf, String.join("\n",
                "[OPTIONS]",
                "KEEP_CONFIG TRUE",
                "ISSUE_LIP FALSE",
                "",
                "[HANDLER vdisk]",
                "DEVICE disk_ram000," + root + "/dev/tcmu000,BLOCKIO,4096,tcmu000",
                "DEVICE disk_drbd1," + root + "/dev/tcmu001,BLOCKIO,4096,drbd1",
                "",
                "[GROUP Default]",
                "",
                "[GROUP blackbox]",
                "USER " + BLACKBOX,
                "",
                "[ASSIGNMENT blackbox]",
                "DEVICE disk_ram000,0",
                "DEVICE disk_drbd1,1",
                ""));
        try (DaemonProcess d = DaemonProcess.builder("iscsi-seed").fuseRoot(root)
                .backend("tcmu000:ram:@:64M").backend("tcmu001:ram:@:32M")
                .arg("--iscsi-listen", "127.0.0.1:" + PORT, "--iscsi-conf", iscsiConf.toString(),
                        "--scst-conf", scstConf.toString(), "--scst-state-dir", dir.resolve("state").toString())
                .start()) {
            d.waitForLog("iSCSI portal /127.0.0.1:" + PORT, Duration.ofSeconds(30));

            String ls = Cmd.run("iscsi-ls", "-s", "-i", BLACKBOX, "iscsi://127.0.0.1:" + PORT + "/").ok().output();
            assertEquals(List.of(IQN), IscsiTestSupport.targets(ls), ls);
            assertEquals(List.of(0, 1), IscsiTestSupport.luns(ls), ls);
            assertTrue(ls.contains("Size:63M") && ls.contains("Size:31M"), ls); // iscsi-ls prints the last LBA's offset
            String other = Cmd.run("iscsi-ls", "-s", "-i", "iqn.2024-01.test:stranger",
                    "iscsi://127.0.0.1:" + PORT + "/").ok().output();
            assertEquals(List.of(), IscsiTestSupport.luns(other), "the Default group has no LUN:\n" + other);
            String cap = Cmd.run("iscsi-readcapacity16", "-i", BLACKBOX, IscsiTestSupport.url(PORT, IQN, 1)).ok()
                    .output();
            assertTrue(cap.contains("LOGICAL BLOCK LENGTH IN BYTES:4096"), cap);

            try (RawIscsi c = RawIscsi.connect(PORT, 10_000)) {
                Map<String, String> k = c.login(BLACKBOX, IQN, 0x400000000001L, "DefaultTime2Wait=2",
                        "DefaultTime2Retain=20", "ErrorRecoveryLevel=2", "DataPDUInOrder=No",
                        "DataSequenceInOrder=No");
                assertEquals("No", k.get("InitialR2T"));
                assertEquals("Yes", k.get("ImmediateData"));
                assertEquals("16773120", k.get("MaxRecvDataSegmentLength"));
                assertEquals("262144", k.get("MaxBurstLength"), "min of the initiator's and 16773120");
                assertEquals("65536", k.get("FirstBurstLength"));
                assertEquals("1", k.get("MaxOutstandingR2T"));
                assertEquals("2", k.get("DefaultTime2Wait"), "max of 2 and 0");
                assertEquals("0", k.get("DefaultTime2Retain"));
                assertEquals("0", k.get("ErrorRecoveryLevel"));
                assertEquals("Yes", k.get("DataPDUInOrder"), "Yes in the file: OR gives Yes");
                assertEquals("Yes", k.get("DataSequenceInOrder"));
                assertEquals("None", k.get("HeaderDigest"));
                assertEquals("None", k.get("DataDigest"));
                c.logout();
            }
            try (RawIscsi c = RawIscsi.connect(PORT, 10_000)) {
                c.login(BLACKBOX, IQN, 0x400000000002L, "MaxOutstandingR2T=64", "MaxBurstLength=16776192",
                        "HeaderDigest=CRC32C,None");
                c.logout();
            }
            String line = d.waitForLog(BLACKBOX + ",i,0x400000000002 -> " + IQN + " TSIH \\d+ logged in",
                    Duration.ofSeconds(5));
            assertTrue(line.contains("MaxOutstandingR2T=8"), line);
            assertTrue(line.contains("MaxBurstLength=16773120"), line);
            assertTrue(line.contains("HeaderDigest=None"), line);
            // QueuedCommands 2048: the CmdSN window the target opens
            byte[] login = RawIscsi.loginPdu(0x400000000003L, 500, RawIscsi.text("InitiatorName=" + BLACKBOX,
                    "TargetName=" + IQN));
            try (RawIscsi c = RawIscsi.connect(PORT, 10_000)) {
                c.sendRaw(login);
                RawIscsi.Pdu r = c.read();
                assertEquals(500, r.u32(28), "ExpCmdSN");
                assertEquals(500 + 2048 - 1, r.u32(32), "MaxCmdSN = ExpCmdSN + QueuedCommands - 1");
            }
            d.stop();
        }
    }

    @Test
    void aBadIscsiConfigurationStopsTheDaemonWithTheLine() throws Exception {
        DaemonProcess.requireRoot();
        Path dir = IscsiTestSupport.scratch("seed-bad");
        Path conf = dir.resolve("iscsi-scstd.conf");
        Files.writeString(conf, "Target iqn.2024-01.io.scst-drbd:bad\n\tMaxConnections 4\n");
        try (DaemonProcess d = DaemonProcess.builder("iscsi-badconf").fuseRoot(dir.resolve("root"))
                .backend("tcmu000:ram:@:1M").arg("--iscsi-conf", conf.toString()).noWait().start()) {
            assertEquals(2, d.awaitExit(Duration.ofSeconds(60)), d.tail());
            assertTrue(d.logText().contains("scst-drbd: " + conf + ":2: MaxConnections 4 is out of range 1..1"),
                    d.tail());
            assertTrue(!DaemonProcess.isMounted(dir.resolve("root")), "nothing was mounted");
        }
    }
}
