package io.scstdrbd.drbd.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.scstdrbd.drbd.model.ConnectionControl;
import io.scstdrbd.drbd.model.ReplicationFactory;
import io.scstdrbd.drbd.state.ConnState;
import io.scstdrbd.drbd.state.DiskState;
import io.scstdrbd.drbd.state.ReplState;
import io.scstdrbd.drbd.state.Role;
import io.scstdrbd.drbd.testutil.Run;
import io.scstdrbd.drbd.testutil.StandInDriver;
import io.scstdrbd.drbd.testutil.TestNode;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * drbdsetup's wait-* commands return when the state they wait for is announced on the events
 * group (the original never delivered multicast, so they hung). A stand-in driver "connects"
 * one second after drbdsetup connect, the way the replication code reports it.
 */
class WaitCommandsTest {

    /** Reports Connected, a Secondary peer with UpToDate data and an Established volume after a delay. */
    static ReplicationFactory connectsAfter(ScheduledExecutorService timer, long millis) {
        return (connection, control) -> new StandInDriver() {
            @Override
            public void connect() {
                timer.schedule(() -> up(control), millis, TimeUnit.MILLISECONDS);
            }
        };
    }

    static void up(ConnectionControl control) {
        control.setConnectionState(ConnState.CONNECTED);
        control.setPeerRole(Role.SECONDARY);
        control.setPeerDeviceState(0, ReplState.ESTABLISHED, DiskState.UP_TO_DATE);
    }

    @Test
    void waitConnectAndWaitSyncReturnOnTheEvent() throws Exception {
        assumeTrue(TestNode.toolsAvailable(), "needs root, drbd-utils and the shim");
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        try (TestNode n = new TestNode("wait", connectsAfter(timer, 1000))) {
            n.addDisk("tcmu001", 64L << 20);
            Path conf = n.resourceFile("r0", 1, "tcmu001", 17795);
            String dev = n.root + "/dev/tcmu001";
            assertEquals(0, n.run("drbdmeta", "1", "v09", dev, "internal", "create-md", "2").exit);
            assertEquals(0, n.run("drbdadm", "-c", conf.toString(), "up", "r0").exit);
            // already connecting; the stand-in reports Connected a second after connect
            CompletableFuture<Run> wait = CompletableFuture.supplyAsync(() -> {
                try {
                    return n.run("drbdsetup", "wait-connect-resource", "r0", "--wfc-timeout=20");
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            long t0 = System.nanoTime();
            Run r = wait.get(30, TimeUnit.SECONDS);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertEquals(0, r.exit, r.toString());
            assertTrue(ms < 10_000, "returned on the event, not the timeout: " + ms + " ms");
            Run status = n.run("drbdadm", "-c", conf.toString(), "status", "r0");
            assertEquals("r0 role:Secondary\n  disk:Inconsistent\n  peer-absent role:Secondary\n"
                    + "    peer-disk:UpToDate\n\n", status.out);
            r = n.run("drbdsetup", "wait-sync-resource", "r0", "--wfc-timeout=20");
            assertEquals(0, r.exit, "nothing to sync: returns at once " + r);
            assertEquals(0, n.run("drbdadm", "-c", conf.toString(), "down", "r0").exit);
        } finally {
            timer.shutdownNow();
        }
    }
}
