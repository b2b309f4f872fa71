package io.scstdrbd.drbd.engine;

import static io.scstdrbd.drbd.engine.TestNode.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scstdrbd.drbd.state.ConnState;
import io.scstdrbd.drbd.state.ReplState;
import io.scstdrbd.drbd.state.StateResult;
import io.scstdrbd.drbd.stats.PeerDeviceStatistics;
import io.scstdrbd.drbd.sync.resync.ResyncSettings;
import io.scstdrbd.drbd.testutil.LeakCheck;
import io.scstdrbd.kernel.block.Bio;
import java.nio.ByteBuffer;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The figures status --statistics shows come from the engine: data sent and received by resync,
 * verify and writes, the resync total, its progress marks (dbdt1/eta) and the verify's ov_left.
 */
@ExtendWith(LeakCheck.class)
class ResyncStatisticsTest {
    private static final long SIZE = 8L << 20;
    private static final long SECTORS = SIZE >> 9;
    private static final int PORT = 17776;

    private static ResyncSettings rate(int kibPerSecond) {
        return new ResyncSettings(kibPerSecond, 0, 10, 100, 102400, 0);
    }

    private static void assertRecentWindow(PeerDeviceStatistics x) {
        assertEquals(SECTORS, x.rsTotalSectors());
        assertTrue(x.rsDtStartMs() >= 6_000, "started 6 s ago: " + x);
        assertTrue(x.recent().dtMs() >= 3_000 && x.recent().dtMs() < x.rsDtStartMs() - 2_000,
                "a recent window, not the whole run: " + x);
        double kibPerSecond = x.recent().dbSectors() / 2.0 / (x.recent().dtMs() / 1000.0);
        assertTrue(kibPerSecond > 128 && kibPerSecond < 2048, "about 512 KiB/s: " + kibPerSecond + " " + x);
        assertTrue(x.older().dtMs() >= x.recent().dtMs() && x.older().dbSectors() >= x.recent().dbSectors(),
                "the long window covers the recent one: " + x);
    }

    @Test
    void aResyncAndAVerifyReportTheirTotalProgressAndRate() throws Exception {
        try (EnginePair p = new EnginePair(PORT, SIZE)) {
            p.configure(EnginePair.net("B", 121).withAlgorithms("", "sha1", ""),
                    EnginePair.net("A", 121).withAlgorithms("", "sha1", ""));
            p.b.peer().setResyncSettings(rate(512)); // the target paces the resync: 16 s for 8 MiB
            p.connectBoth();
            await("Established", 20_000, () -> p.a.pd().repl() == ReplState.ESTABLISHED
                    && p.b.pd().repl() == ReplState.ESTABLISHED);
            assertEquals(StateResult.SUCCESS, p.a.engine.primary(true).get(10, TimeUnit.SECONDS));
            await("SyncTarget", 10_000, () -> p.b.pd().repl() == ReplState.SYNC_TARGET);
            PeerDeviceStatistics t = p.b.pd().statistics();
            assertEquals(SECTORS, t.rsTotalSectors(), "the whole device is to be synced");
            // after two mark steps (6 s) the recent window no longer starts at the beginning; the target
            // takes marks on its 100 ms tick, the source when acks clear bits (1 MiB runs, every 2 s here)
            Thread.sleep(6_600);
            t = p.b.pd().statistics();
            assertEquals(ReplState.SYNC_TARGET, p.b.pd().repl(), "still running (else the rate is too high)");
            assertRecentWindow(t);
            assertEquals(512, t.syncRateKiBs(), "the target asks for its fixed resync-rate (want:)");
            assertEquals(0, p.a.pd().statistics().syncRateKiBs(), "the source asks for nothing");
            await("the source's recent window", 5_000, () -> {
                PeerDeviceStatistics x = p.a.pd().statistics();
                return x.recent().dtMs() < x.rsDtStartMs() - 2_000;
            });
            assertRecentWindow(p.a.pd().statistics());
            assertTrue(t.receivedSectors() > 0 && t.receivedSectors() < SECTORS, "received while it runs: " + t);
            p.b.peer().setResyncSettings(rate(102400));
            p.awaitInSync();
            await("source done", 10_000, () -> p.a.pd().bitmap().cardinality() == 0);
            assertEquals(SECTORS, p.b.pd().statistics().receivedSectors(), "every block arrived once");
            assertEquals(SECTORS, p.a.pd().statistics().sentSectors(), "every block was sent once");
            assertEquals(0, p.b.pd().statistics().rsTotalSectors(), "no resync runs");

            // online verify, paced by the source: 4 s for 8 MiB
            p.a.peer().setResyncSettings(rate(2048));
            assertEquals(StateResult.SUCCESS, p.a.peer().startVerify(0).get(10, TimeUnit.SECONDS));
            await("verify under way on both sides", 10_000, () -> {
                PeerDeviceStatistics vs = p.a.pd().statistics();
                PeerDeviceStatistics vt = p.b.pd().statistics();
                return p.b.pd().repl() == ReplState.VERIFY_T && vs.ovLeftSectors() > 0
                        && vs.ovLeftSectors() < SECTORS && vt.ovLeftSectors() > 0 && vt.ovLeftSectors() < SECTORS;
            });
            PeerDeviceStatistics vs = p.a.pd().statistics();
            PeerDeviceStatistics vt = p.b.pd().statistics();
            assertEquals(2048, vs.syncRateKiBs(), "the verify source asks for its resync-rate (want:)");
            assertEquals(0, vt.syncRateKiBs(), "a verify target asks for nothing");
            assertEquals(SECTORS, vs.rsTotalSectors(), "the source verifies from sector 0 to the end");
            assertEquals(0, vs.ovStartSector());
            assertEquals(-1L, vs.ovStopSector(), "no stop sector (ULLONG_MAX)");
            assertTrue(vs.ovPosition() > 0 && vs.ovPosition() <= SECTORS, vs.toString());
            assertEquals(0, vt.ovStartSector(), "the first request said where the target starts");
            assertEquals(SECTORS, vt.rsTotalSectors());
            assertTrue(vs.recent().dbSectors() == SECTORS - vs.ovLeftSectors(), "no mark yet: done since start " + vs);
            await("verify done", 20_000, () -> p.a.pd().repl() == ReplState.ESTABLISHED
                    && p.b.pd().repl() == ReplState.ESTABLISHED);
            assertEquals(0, p.a.pd().statistics().ovLeftSectors());
            assertEquals(0, p.a.pd().statistics().rsTotalSectors());
            assertEquals(SECTORS, p.a.pd().statistics().sentSectors(), "verify sends digests, not data");
        }
    }

    /**
     * pending, unacked, ap-in-flight and rs-in-flight count what waits for an answer, as the kernel's
     * counters: B's disk holds its writes, so A's write (protocol C) and the resync data wait for B.
     */
    @Test
    void requestsWaitingForThePeerAreInFlightUntilItAnswers() throws Exception {
        try (EnginePair p = new EnginePair(PORT, SIZE)) {
            p.initialSync(121);
            await("nothing in flight after the initial sync", 10_000, () -> quiet(p));

            p.b.volume.holdWrites();
            CompletableFuture<Integer> written = new CompletableFuture<>();
            p.a.vol.submit(Bio.write(64, ByteBuffer.wrap(EnginePair.random(new Random(3), 8192)), 0,
                    (b, e) -> written.complete(e)));
            await("the write in flight", 10_000, () -> p.a.pd().statistics().pending() == 1
                    && p.b.pd().statistics().unacked() == 1);
            assertEquals(16, p.a.peer().apInFlightSectors(), "8 KiB not yet stable on B");
            assertEquals(0, p.a.pd().statistics().unacked());
            assertEquals(0, p.b.pd().statistics().pending());
            assertEquals(0, p.a.peer().rsInFlightSectors());
            assertFalse(written.isDone(), "protocol C: the write completes with B's ack only");
            p.b.volume.releaseWrites();
            assertEquals(0, written.get(10, TimeUnit.SECONDS));
            await("nothing in flight after the ack and the barrier ack", 10_000, () -> quiet(p));

            // a full resync A -> B while B's disk holds: resync data waits for B's P_RS_WRITE_ACK
            p.b.peer().setResyncSettings(rate(102400));
            p.b.volume.holdWrites();
            assertEquals(StateResult.SUCCESS, p.a.peer().startResync(0, false, true).get(10, TimeUnit.SECONDS));
            await("resync data in flight", 10_000, () -> p.a.peer().rsInFlightSectors() > 0
                    && p.b.pd().statistics().unacked() > 0
                    && p.a.pd().statistics().pending() == p.b.pd().statistics().unacked()
                    && p.b.pd().statistics().pending() == 0 && p.a.pd().statistics().unacked() == 0);
            assertEquals(ReplState.SYNC_TARGET, p.b.pd().repl());
            assertEquals(102400, p.b.pd().statistics().syncRateKiBs(), "want: the target's resync-rate");
            p.b.volume.releaseWrites();
            p.awaitInSync();
            await("nothing in flight after the resync", 10_000, () -> quiet(p));
            assertEquals(p.a.md5(), p.b.md5());
        }
    }

    /**
     * A verify target without usable data answers each request with P_RS_CANCEL (as 9.2 does); the
     * source counts the blocks as skipped (ov-skipped) and finishes instead of dropping the connection.
     */
    @Test
    void aVerifyTargetWithoutUsableDataMakesTheSourceSkipTheBlocks() throws Exception {
        try (EnginePair p = new EnginePair(PORT, SIZE)) {
            p.configure(EnginePair.net("B", 121).withAlgorithms("", "sha1", ""),
                    EnginePair.net("A", 121).withAlgorithms("", "sha1", ""));
            p.connectBoth();
            await("Established", 20_000, () -> p.a.pd().repl() == ReplState.ESTABLISHED
                    && p.b.pd().repl() == ReplState.ESTABLISHED);
            assertEquals(StateResult.SUCCESS, p.a.engine.primary(true).get(10, TimeUnit.SECONDS));
            p.awaitInSync();
            p.a.peer().setResyncSettings(rate(2048)); // 4 s for 8 MiB
            assertEquals(StateResult.SUCCESS, p.a.peer().startVerify(0).get(10, TimeUnit.SECONDS));
            await("verify under way", 10_000, () -> p.b.pd().repl() == ReplState.VERIFY_T
                    && p.a.pd().statistics().ovLeftSectors() < SECTORS);
            p.b.volume.setDiskState(io.scstdrbd.drbd.state.DiskState.INCONSISTENT); // as if its data went bad
            await("ov-skipped in the source's statistics", 10_000,
                    () -> p.a.pd().statistics().ovSkippedSectors() > 0);
            await("verify done", 20_000, () -> p.a.pd().repl() == ReplState.ESTABLISHED);
            assertEquals(ConnState.CONNECTED, p.a.peer().connState(), "no protocol error, no reconnect");
            assertEquals(0, p.a.pd().bitmap().cardinality(), "a skipped block is not out of sync");
            long skipped = p.a.pd().progress().verifySkippedSectors();
            assertTrue(skipped > 0 && skipped < SECTORS, "the blocks after the disk went bad: " + skipped);
            assertEquals(skipped, p.b.pd().progress().verifySkippedSectors(), "the target counted the same blocks");
            await("nothing in flight after the verify", 10_000, () -> quiet(p));
        }
    }

    private static boolean quiet(EnginePair p) {
        for (TestNode n : new TestNode[] {p.a, p.b}) {
            PeerDeviceStatistics s = n.pd().statistics();
            if (s.pending() != 0 || s.unacked() != 0 || n.peer().apInFlightSectors() != 0
                    || n.peer().rsInFlightSectors() != 0) {
                return false;
            }
        }
        return true;
    }

    @Test
    void aConnectStartsTheTrafficCountersAfresh() throws Exception {
        try (EnginePair p = new EnginePair(PORT, SIZE)) {
            p.initialSync(121);
            p.a.write(0, EnginePair.random(new java.util.Random(1), 4096));
            await("write acknowledged", 10_000, () -> p.b.pd().statistics().receivedSectors() == SECTORS + 8);
            assertEquals(SECTORS + 8, p.a.pd().statistics().sentSectors(), "full sync plus one 4 KiB write");
            p.b.engine.disconnect(0, false).get(10, TimeUnit.SECONDS);
            await("disconnected", 10_000, () -> p.a.peer().connState() != ConnState.CONNECTED);
            p.a.write(800, EnginePair.random(new java.util.Random(2), 8192));
            p.b.engine.connect(0, false).get(10, TimeUnit.SECONDS);
            p.awaitInSync();
            await("resynced", 10_000, () -> p.a.pd().bitmap().cardinality() == 0);
            // B connected again and counts from zero; A never left Connecting, so its counters run on
            assertEquals(16, p.b.pd().statistics().receivedSectors(), "only the two blocks written meanwhile");
            assertEquals(SECTORS + 8 + 16, p.a.pd().statistics().sentSectors());
        }
    }
}
