package io.scstdrbd.drbd.netlink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.scstdrbd.drbd.model.ConnectionControl;
import io.scstdrbd.drbd.model.PeerDevice;
import io.scstdrbd.drbd.model.ReplicationFactory;
import io.scstdrbd.drbd.state.ConnState;
import io.scstdrbd.drbd.state.DiskState;
import io.scstdrbd.drbd.state.ReplState;
import io.scstdrbd.drbd.state.Role;
import io.scstdrbd.drbd.state.StateResult;
import io.scstdrbd.drbd.stats.PeerDeviceStatistics;
import io.scstdrbd.drbd.stats.ResyncMarks;
import io.scstdrbd.drbd.testutil.Run;
import io.scstdrbd.drbd.testutil.StandInDriver;
import io.scstdrbd.drbd.testutil.TestNode;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The driver's figures reach drbdsetup in the kernel's units: a stand-in driver reports a verify
 * as source with fixed counters, and drbdsetup 9.22 itself prints done:, received/sent, dbdt1,
 * eta and the verify details from them.
 */
class StatisticsStatusTest {
    /** received 1024 sectors, sent 2048; verify of 16384 sectors with 4096 left; 8192 done in the last 4 s. */
    static final PeerDeviceStatistics VERIFY = new PeerDeviceStatistics(1024, 2048, 16384, 0, 0, 10_000, 0,
            new ResyncMarks.Window(10_000, 12_288), new ResyncMarks.Window(4_000, 8_192), 0, -1L, 12_288, 4_096, 0);

    /** Connects at once to a Secondary with UpToDate data; {@code controls} gets the connection's control. */
    static ReplicationFactory verifying(AtomicReference<ConnectionControl> controls) {
        return (connection, control) -> new StandInDriver() {
            @Override
            public void connect() {
                controls.set(control);
                control.setConnectionState(ConnState.CONNECTED);
                control.setPeerRole(Role.SECONDARY);
                control.setPeerDeviceState(0, ReplState.ESTABLISHED, DiskState.UP_TO_DATE);
            }

            @Override
            public PeerDeviceStatistics statistics(PeerDevice pd) {
                return VERIFY;
            }
        };
    }

    @Test
    void verifyProgressAndRateAsDrbdsetupPrintsThem() throws Exception {
        assumeTrue(TestNode.toolsAvailable(), "needs root, drbd-utils and the shim");
        AtomicReference<ConnectionControl> control = new AtomicReference<>();
        try (TestNode n = new TestNode("stats", verifying(control))) {
            n.addDisk("tcmu001", 64L << 20);
            Path conf = n.resourceFile("r0", 1, "tcmu001", 17777);
            String dev = n.root + "/dev/tcmu001";
            assertEquals(0, n.run("drbdmeta", "1", "v09", dev, "internal", "create-md", "2").exit);
            assertEquals(0, n.run("drbdadm", "-c", conf.toString(), "up", "r0").exit);
            assertEquals(0, n.run("drbdadm", "-c", conf.toString(), "primary", "--force", "r0").exit);
            assertEquals(0, n.run("drbdsetup", "net-options", "r0", "1", "--verify-alg=sha1").exit);
            // verify needs UpToDate data on both sides and a verify-alg: the stand-in starts it now
            assertEquals(StateResult.SUCCESS,
                    control.get().setPeerDeviceState(0, ReplState.VERIFY_S, DiskState.UP_TO_DATE));
            Run r = n.run("drbdsetup", "status", "r0", "--verbose", "--statistics");
            assertEquals(0, r.exit, r.toString());
            // done: (16384 - 4096) / 16384; KiB = sectors / 2; 8192 sectors in 4 s = 1 MiB/s, 2048 KiB left = 2 s
            assertTrue(r.out.contains("replication:VerifyS peer-disk:UpToDate done:75.00"), r.out);
            assertTrue(r.out.contains("received:512 sent:1024 out-of-sync:0"), r.out);
            assertTrue(r.out.replaceAll("\\s+", " ").contains("dbdt1:1.00 eta:2 "), r.out); // wrapped at 80
            r = n.run("drbdsetup", "status", "r0", "--json");
            assertTrue(r.out.contains("\"has-online-verify-details\": true"), r.out);
            assertTrue(r.out.contains("\"ov-left\": 4096") && r.out.contains("\"ov-position\": 12288")
                    && r.out.contains("\"rs-total\": 16384"), r.out);
            r = n.run("drbdsetup", "events2", "--now", "--statistics", "r0");
            assertEquals(0, r.exit, r.toString());
            assertTrue(r.out.contains("replication:VerifyS peer-disk:UpToDate") && r.out.contains(" done:75.00")
                    && r.out.contains("dbdt1:1.00 eta:2"), r.out);
            assertEquals(0, n.run("drbdadm", "-c", conf.toString(), "secondary", "r0").exit);
            assertEquals(0, n.run("drbdadm", "-c", conf.toString(), "down", "r0").exit);
        }
    }
}
