package io.scstdrbd.systest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * CHAP and access control with real libiscsi logins: the target requires CHAP (IncomingUser,
 * OutgoingUser for mutual CHAP) and scst.conf maps LUNs to one initiator group. Right secret,
 * wrong secret, unknown CHAP user, no CHAP, and an initiator outside the group.
 */
class IscsiChapAclSystemTest {
    static final int PORT = IscsiTestSupport.PORT_BASE + 4;
    static final String IQN = "iqn.2024-01.io.scst-drbd:acl";
    static final String MEMBER = "iqn.2024-01.test:member";
    static final String OUTSIDER = "iqn.2024-01.test:outsider";
    static DaemonProcess daemon;

    @BeforeAll
    static void start() throws Exception {
        DaemonProcess.requireRoot();
        IscsiTestSupport.requireTools("iscsi-ls", "iscsi-inq");
        IscsiTestSupport.freePort(PORT);
        Path dir = IscsiTestSupport.scratch("acl");
        Path root = dir.resolve("root");
        Path iscsiConf = dir.resolve("iscsi-scstd.conf");
        Files.writeString(iscsiConf, String.join("\n",
                "Target " + IQN,
                "\tIncomingUser alice alicesecret12",
                "\tIncomingUser bob bobsecret1234",
                "\tOutgoingUser acltarget aclsecret12345",
                ""));
        Path scstConf = dir.resolve("scst.conf");
        Files.writeString(scstConf, String.join("\n",
                "[HANDLER vdisk]",
                "DEVICE disk_a," + root + "/dev/tcmu000,BLOCKIO,512,acla",
                "DEVICE disk_b," + root + "/dev/tcmu001,BLOCKIO,512,aclb",
                "",
                "[GROUP Default]",
                "",
                "[GROUP members]",
                "USER " + MEMBER,
                "",
                "[ASSIGNMENT members]",
                "DEVICE disk_a,0",
                "DEVICE disk_b,7",
                ""));
        daemon = DaemonProcess.builder("iscsi-acl").fuseRoot(root)
                .backend("tcmu000:ram:@:64M").backend("tcmu001:ram:@:64M")
                .arg("--iscsi-listen", "127.0.0.1:" + PORT, "--iscsi-conf", iscsiConf.toString(),
                        "--scst-conf", scstConf.toString(), "--scst-state-dir", dir.resolve("state").toString())
                .start();
        daemon.waitForLog("iSCSI portal /127.0.0.1:" + PORT, Duration.ofSeconds(30));
    }

    @AfterAll
    static void stop() {
        if (daemon != null) {
            try {
                daemon.stop();
            } finally {
                daemon.close();
            }
        }
    }

    private static String url(String cred, int lun) {
        return "iscsi://" + cred + "@127.0.0.1:" + PORT + "/" + IQN + "/" + lun;
    }

    private static Cmd.Result inq(String initiator, String url) {
        return Cmd.run("iscsi-inq", "-i", initiator, url);
    }

    @Test
    void rightSecretInTheGroup() {
        Cmd.Result r = inq(MEMBER, url("alice%alicesecret12", 0)).ok();
        assertTrue(r.output().contains("DIRECT_ACCESS"), r.output());
        String ls = Cmd.run("iscsi-ls", "-s", "-i", MEMBER,
                "iscsi://bob%bobsecret1234@127.0.0.1:" + PORT + "/").ok().output();
        assertEquals(List.of(0, 7), IscsiTestSupport.luns(ls), "the group's LUN numbers:\n" + ls);
    }

    @Test
    void mutualChap() {
        Cmd.Result r = inq(MEMBER, url("alice%alicesecret12", 7)
                + "?target_user=acltarget&target_password=aclsecret12345").ok();
        assertTrue(r.output().contains("DIRECT_ACCESS"), r.output());
        // the initiator checks the target's answer: a different expected secret makes it give up
        Cmd.Result bad = inq(MEMBER, url("alice%alicesecret12", 7)
                + "?target_user=acltarget&target_password=notthesecret1");
        assertNotEquals(0, bad.exit(), bad.output());
    }

    @Test
    void wrongSecret() throws Exception {
        long before = daemon.countLog("wrong CHAP response for user 'alice'");
        Cmd.Result r = inq(MEMBER, url("alice%wrongsecret99", 0));
        assertNotEquals(0, r.exit(), r.output());
        assertTrue(r.output().contains("Authentication failure"), r.output());
        assertEquals(before + 1, IscsiTestSupport.awaitLogCount(daemon, "wrong CHAP response for user 'alice'",
                before + 1, Duration.ofSeconds(5)));
    }

    @Test
    void unknownChapUser() throws Exception {
        Cmd.Result r = inq(MEMBER, url("mallory%alicesecret12", 0));
        assertNotEquals(0, r.exit(), r.output());
        assertTrue(IscsiTestSupport.awaitLogCount(daemon, "unknown CHAP user 'mallory'", 1, Duration.ofSeconds(5)) > 0);
    }

    @Test
    void noChapAtAll() throws Exception {
        Cmd.Result r = Cmd.run("iscsi-inq", "-i", MEMBER, "iscsi://127.0.0.1:" + PORT + "/" + IQN + "/0");
        assertNotEquals(0, r.exit(), r.output());
        assertTrue(IscsiTestSupport.awaitLogCount(daemon, "requires CHAP", 1, Duration.ofSeconds(5)) > 0);
    }

    @Test
    void initiatorOutsideTheGroupSeesNoLun() {
        String ls = Cmd.run("iscsi-ls", "-s", "-i", OUTSIDER,
                "iscsi://alice%alicesecret12@127.0.0.1:" + PORT + "/").ok().output();
        assertTrue(ls.contains("Target:" + IQN), ls);
        assertEquals(List.of(), IscsiTestSupport.luns(ls), "an outsider logs in but sees no LUN:\n" + ls);
        Cmd.Result r = inq(OUTSIDER, url("alice%alicesecret12", 0));
        assertNotEquals(0, r.exit(), r.output());
    }
}
