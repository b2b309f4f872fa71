package io.scstdrbd.drbd.model;

import static io.scstdrbd.drbd.netlink.DrbdConst.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scstdrbd.drbd.meta.Superblock;
import io.scstdrbd.drbd.netlink.AdmException;
import io.scstdrbd.drbd.netlink.Tlas;
import io.scstdrbd.drbd.state.ConnState;
import io.scstdrbd.drbd.state.DiskState;
import io.scstdrbd.drbd.state.ReplState;
import io.scstdrbd.drbd.state.Role;
import io.scstdrbd.drbd.state.StateResult;
import io.scstdrbd.drbd.testutil.ModelFixture;
import io.scstdrbd.kernel.block.DeviceHandle;
import io.scstdrbd.kernel.block.OpenMode;
import io.scstdrbd.kernel.errno.Errno;
import io.scstdrbd.kernel.errno.KernelException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DrbdNodeTest {
    static final long SIZE = 64L << 20;

    @TempDir
    Path tmp;

    private static AdmTarget res(ModelFixture f, String name) throws AdmException {
        return f.target(-1, name, null, null, AdmTarget.NEED_RESOURCE);
    }

    private static AdmTarget minor(ModelFixture f, int m) throws AdmException {
        return f.target(m, null, null, null, AdmTarget.NEED_MINOR);
    }

    private static AdmTarget conn(ModelFixture f, String name) throws AdmException {
        return f.target(-1, name, null, 1, AdmTarget.NEED_CONNECTION);
    }

    private static Superblock sb(Device d) {
        return d.ldev().md().superblock();
    }

    @Test
    void forcedPrimaryStartsANewDataGeneration() throws Exception {
        try (ModelFixture f = new ModelFixture(tmp, ModelEvents.NONE)) {
            f.disk("tcmu001", SIZE);
            Device d = f.up("r0", 1, "tcmu001", true, null);
            assertEquals(DiskState.INCONSISTENT, d.disk());
            assertEquals(ConnState.CONNECTING, d.resource().connection(1).cstate());
            assertFalse(sb(d).hasFlag(Superblock.MDF_AL_CLEAN), "attached metadata needs apply-al after a crash");
            assertEquals(0, sb(d).nodeId());
            assertEquals(0, sb(d).peer(1).bitmapIndex());

            assertEquals(StateResult.NO_UP_TO_DATE_DISK.code(),
                    f.node.setRole(res(f, "r0"), Role.PRIMARY, false).retCode());
            assertEquals(Role.SECONDARY, d.resource().role());
            assertEquals(StateResult.SUCCESS.code(), f.node.setRole(res(f, "r0"), Role.PRIMARY, true).retCode());
            assertEquals(DiskState.UP_TO_DATE, d.disk());
            Superblock s = sb(d);
            assertNotEquals(Superblock.UUID_JUST_CREATED, s.currentUuid());
            assertEquals(1, s.currentUuid() & 1, "created while Primary");
            assertNotEquals(0, s.peer(1).bitmapUuid(), "the absent peer keeps the old generation");
            int want = Superblock.MDF_PRIMARY_IND | Superblock.MDF_CONSISTENT | Superblock.MDF_WAS_UP_TO_DATE
                    | Superblock.MDF_CRASHED_PRIMARY;
            assertEquals(want, s.flags() & want);
            assertEquals(s.currentUuid(), d.exposedDataUuid());

            assertEquals(StateResult.NOTHING_TO_DO.code(), f.node.setRole(res(f, "r0"), Role.PRIMARY, false).retCode());
            assertEquals(StateResult.SUCCESS.code(), f.node.setRole(res(f, "r0"), Role.SECONDARY, false).retCode());
            s = sb(d);
            assertEquals(0, s.currentUuid() & 1);
            assertFalse(s.hasFlag(Superblock.MDF_PRIMARY_IND));
            assertFalse(s.hasFlag(Superblock.MDF_CRASHED_PRIMARY));
            // a second promotion: the peer's bitmap UUID is set already, no new generation
            long cur = s.currentUuid();
            f.node.setRole(res(f, "r0"), Role.PRIMARY, false);
            assertEquals(cur, sb(d).currentUuid());
        }
    }

    /**
     * fencing resource-only: promotion with the peer's disk unknown runs fence-peer first; only an
     * answer that settles the peer's disk (or --force) lets it through (SS_PRIMARY_NOP otherwise).
     */
    /**
     * quorum majority with two nodes: a node that does not see its peer has no quorum (1 of 2
     * votes), may not be promoted, and suspends I/O with on-no-quorum suspend-io; --force takes
     * the unreachable peer as Outdated, and a node whose only peer is known Outdated keeps quorum
     * (last man standing). quorum off restores the old behaviour at once.
     */
    @Test
    void quorumMajorityOfTwoNeedsThePeerUnlessItIsOutdated() throws Exception {
        try (ModelFixture f = new ModelFixture(tmp, ModelEvents.NONE)) {
            f.disk("tcmu001", SIZE);
            Device d = f.up("r0", 1, "tcmu001", false, null);
            Resource r = d.resource();
            PeerDevice pd = r.connection(1).peerDevices.get(0);
            assertTrue(d.hasQuorum(), "quorum off: always");
            assertFalse(r.suspendedByQuorum());
            // UpToDate data first (an Inconsistent node is refused for that before quorum counts)
            assertEquals(StateResult.SUCCESS.code(), f.node.setRole(res(f, "r0"), Role.PRIMARY, true).retCode());
            f.node.setRole(res(f, "r0"), Role.SECONDARY, false);
            assertEquals(DiskState.UP_TO_DATE, d.disk());
            assertEquals(DiskState.UNKNOWN, pd.peerDisk());

            f.node.resourceOptions(res(f, "r0"), Tlas.RESOURCE_OPTS.empty().with("quorum", Quorum.MAJORITY)
                    .with("on_no_quorum", Quorum.SUSPEND_IO), false);
            assertFalse(d.hasQuorum(), "the peer's disk is unknown: 1 of 2 votes");
            assertTrue(r.suspendedByQuorum());
            assertTrue(r.ioSuspended());
            assertFalse(d.failsIoForQuorum(), "suspend-io holds I/O instead of failing it");
            assertEquals(0, d.ldev().md().superblock().flags() & Superblock.MDF_HAVE_QUORUM);

            AdmResult refused = f.node.setRole(res(f, "r0"), Role.PRIMARY, false);
            assertEquals(StateResult.NO_QUORUM.code(), refused.retCode());
            assertEquals(java.util.List.of("1 of 2 nodes visible, need 2 for quorum"), refused.info());
            assertEquals(Role.SECONDARY, r.role());

            // --force: the peer out of reach is taken as Outdated, which leaves this node the last one standing
            assertEquals(StateResult.SUCCESS.code(), f.node.setRole(res(f, "r0"), Role.PRIMARY, true).retCode());
            assertEquals(Role.PRIMARY, r.role());
            assertEquals(DiskState.OUTDATED, pd.peerDisk());
            assertTrue(d.hasQuorum());
            assertFalse(r.suspendedByQuorum());
            assertFalse(r.ioSuspended());
            assertTrue((d.ldev().md().superblock().flags() & Superblock.MDF_HAVE_QUORUM) != 0);
            f.node.setRole(res(f, "r0"), Role.SECONDARY, false);

            // the metadata remembers the outdated peer (it keeps quorum after a restart) until the peer is
            // seen again; here it connected and was lost again, unknown now
            f.node.locked(() -> {
                pd.peerDisk(DiskState.UNKNOWN);
                d.ldev().md().update(b -> {
                    var pm = b.build().peer(1);
                    b.peer(1, pm.withFlags(pm.flags() & ~io.scstdrbd.drbd.meta.PeerMd.MDF_PEER_OUTDATED));
                });
                return null;
            });
            // io-error instead of suspend-io: no suspension, but I/O fails while there is no quorum
            f.node.resourceOptions(res(f, "r0"), Tlas.RESOURCE_OPTS.empty().with("on_no_quorum", Quorum.IO_ERROR),
                    false);
            assertFalse(d.hasQuorum());
            assertFalse(r.suspendedByQuorum());
            assertTrue(d.failsIoForQuorum());

            // quorum all / a node count / minimum redundancy are counted the same way
            f.node.resourceOptions(res(f, "r0"), Tlas.RESOURCE_OPTS.empty().with("quorum", 1L), false);
            assertTrue(d.hasQuorum(), "quorum 1: this node alone is enough");
            f.node.resourceOptions(res(f, "r0"), Tlas.RESOURCE_OPTS.empty().with("quorum_min_redundancy", 1L), false);
            assertTrue(d.hasQuorum(), "one UpToDate vote is needed, and this node has it");

            f.node.resourceOptions(res(f, "r0"), Tlas.RESOURCE_OPTS.empty().with("quorum", Quorum.OFF), false);
            assertTrue(d.hasQuorum());
            assertFalse(d.failsIoForQuorum());

            // a peer deleted from the configuration still votes (its metadata slot) until forget-peer
            f.node.resourceOptions(res(f, "r0"), Tlas.RESOURCE_OPTS.empty().with("quorum", Quorum.MAJORITY)
                    .with("quorum_min_redundancy", 0L), false);
            assertFalse(d.hasQuorum());
            f.node.delPeer(f.target(-1, "r0", null, 1, AdmTarget.NEED_CONNECTION), false);
            assertFalse(d.hasQuorum(), "the deleted peer is still a member");
            assertEquals(StateResult.NO_QUORUM.code(), f.node.setRole(res(f, "r0"), Role.PRIMARY, false).retCode());
            f.node.forgetPeer(res(f, "r0"), 1);
            assertTrue(d.hasQuorum(), "alone after forget-peer: 1 of 1");
        }
    }

    @Test
    void promotionWithFencingOutdatesTheUnreachablePeerFirst() throws Exception {
        try (ModelFixture f = new ModelFixture(tmp, ModelEvents.NONE)) {
            f.netOptions = Tlas.NET_CONF.empty().with("fencing_policy", 1L);
            f.disk("tcmu001", SIZE);
            Device d = f.up("r0", 1, "tcmu001", false, null);
            PeerDevice pd = d.resource().connection(1).peerDevices.get(0);
            f.helperExit = 1;
            assertEquals(StateResult.SUCCESS.code(), f.node.setRole(res(f, "r0"), Role.PRIMARY, true).retCode());
            assertEquals(1, fencePeerCalls(f), "--force asks fence-peer first");
            assertEquals(DiskState.OUTDATED, pd.peerDisk(), "forced into split brain: the peer counts as outdated");
            f.node.setRole(res(f, "r0"), Role.SECONDARY, false);
            assertEquals(StateResult.SUCCESS.code(), f.node.setRole(res(f, "r0"), Role.PRIMARY, false).retCode());
            assertEquals(1, fencePeerCalls(f), "an outdated peer needs no fencing");
            f.node.setRole(res(f, "r0"), Role.SECONDARY, false);

            f.node.locked(() -> {
                pd.peerDisk(DiskState.UNKNOWN);
                return null;
            });
            assertEquals(StateResult.PRIMARY_NOP.code(), f.node.setRole(res(f, "r0"), Role.PRIMARY, false).retCode());
            assertEquals(2, fencePeerCalls(f));
            assertEquals(Role.SECONDARY, d.resource().role());
            assertEquals(DiskState.UNKNOWN, pd.peerDisk());
            f.helperExit = 4;
            assertEquals(StateResult.SUCCESS.code(), f.node.setRole(res(f, "r0"), Role.PRIMARY, false).retCode());
            assertEquals(3, fencePeerCalls(f));
            assertEquals(Role.PRIMARY, d.resource().role());
            assertEquals(DiskState.OUTDATED, pd.peerDisk());
            assertEquals("1", f.helperEnv.get(f.helperEnv.size() - 1).get("DRBD_PEER_NODE_ID"));

            // auto-promotion (an opener for writing) runs fence-peer the same way
            f.node.setRole(res(f, "r0"), Role.SECONDARY, false);
            f.node.locked(() -> {
                pd.peerDisk(DiskState.UNKNOWN);
                return null;
            });
            f.helperExit = 1;
            assertEquals(Errno.EROFS, assertThrows(KernelException.class,
                    () -> f.registry.open("drbd1", OpenMode.READ_WRITE, "w")).errno());
            assertEquals(4, fencePeerCalls(f));
            f.helperExit = 4;
            try (DeviceHandle w = f.registry.open("drbd1", OpenMode.READ_WRITE, "w")) {
                assertEquals(Role.PRIMARY, d.resource().role(), "auto-promoted after fence-peer");
                assertEquals(DiskState.OUTDATED, pd.peerDisk());
            }
            assertEquals(5, fencePeerCalls(f));
            assertEquals(Role.SECONDARY, d.resource().role(), "auto-demoted");

            // two promotions at once: the second waits for the first one's fencing, then has nothing to do
            f.node.setRole(res(f, "r0"), Role.SECONDARY, false);
            f.node.locked(() -> {
                pd.peerDisk(DiskState.UNKNOWN);
                return null;
            });
            f.helperMillis = 300;
            java.util.concurrent.CompletableFuture<AdmResult> first = java.util.concurrent.CompletableFuture.supplyAsync(
                    () -> {
                        try {
                            return f.node.setRole(res(f, "r0"), Role.PRIMARY, false);
                        } catch (AdmException e) {
                            throw new IllegalStateException(e);
                        }
                    });
            Thread.sleep(100);
            long t0 = System.nanoTime();
            AdmResult second = f.node.setRole(res(f, "r0"), Role.PRIMARY, false);
            assertTrue(System.nanoTime() - t0 > 100_000_000L, "the second promotion waited for the fencing");
            assertEquals(StateResult.SUCCESS.code(), first.get().retCode());
            assertEquals(StateResult.NOTHING_TO_DO.code(), second.retCode());
            assertEquals(6, fencePeerCalls(f), "fence-peer ran once");

            // the peer connected while fence-peer ran: its answer is stale and ignored
            f.node.setRole(res(f, "r0"), Role.SECONDARY, false);
            f.node.locked(() -> {
                pd.peerDisk(DiskState.UNKNOWN);
                return null;
            });
            Connection c = d.resource().connection(1);
            ConnState was = c.cstate();
            java.util.concurrent.CompletableFuture.runAsync(() -> {
                try {
                    f.node.locked(() -> {
                        c.cstate(ConnState.CONNECTED);
                        c.cstate(was);
                        return null;
                    });
                } catch (AdmException e) {
                    throw new IllegalStateException(e);
                }
            }, java.util.concurrent.CompletableFuture.delayedExecutor(100, java.util.concurrent.TimeUnit.MILLISECONDS));
            assertEquals(StateResult.PRIMARY_NOP.code(), f.node.setRole(res(f, "r0"), Role.PRIMARY, false).retCode());
            assertEquals(DiskState.UNKNOWN, pd.peerDisk(), "a stale 'outdated' is not applied");
            assertEquals(7, fencePeerCalls(f));
            f.helperMillis = 0;

            // 6: the peer is Primary itself; this node outdates its own disk, even with --force
            f.node.setRole(res(f, "r0"), Role.SECONDARY, false);
            f.node.locked(() -> {
                pd.peerDisk(DiskState.UNKNOWN);
                return null;
            });
            f.helperExit = 6;
            assertEquals(StateResult.PRIMARY_NOP.code(), f.node.setRole(res(f, "r0"), Role.PRIMARY, true).retCode());
            assertEquals(Role.SECONDARY, d.resource().role());
            assertEquals(DiskState.OUTDATED, d.disk());
            assertEquals(DiskState.UNKNOWN, pd.peerDisk());
        }
    }

    private static long fencePeerCalls(ModelFixture f) {
        synchronized (f.helperCalls) {
            return f.helperCalls.stream().filter(c -> c[0].equals("fence-peer")).count();
        }
    }

    @Test
    void demotionAndDetachFollowTheKernelsRules() throws Exception {
        try (ModelFixture f = new ModelFixture(tmp, ModelEvents.NONE)) {
            f.disk("tcmu001", SIZE);
            Device d = f.up("r0", 1, "tcmu001", false, null);
            f.node.setRole(res(f, "r0"), Role.PRIMARY, true);
            DeviceHandle h = f.registry.open("drbd1", OpenMode.READ_WRITE, "test-holder");
            AdmResult r = f.node.setRole(res(f, "r0"), Role.SECONDARY, false);
            assertEquals(StateResult.DEVICE_IN_USE.code(), r.retCode());
            assertTrue(r.info().get(0).startsWith("/dev/drbd1 open_cnt:1, writable:1"), r.info().toString());
            assertTrue(r.info().get(1).matches("drbd1 opened by test-holder \\(pid \\d+\\) at "
                    + "\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3}"), r.info().get(1));
            h.close();
            // standalone Primary: detaching would leave no data
            assertEquals(StateResult.NO_UP_TO_DATE_DISK.code(), f.node.detach(minor(f, 1), false).retCode());
            f.node.setRole(res(f, "r0"), Role.SECONDARY, false);
            assertEquals(130992, d.sizeSectors(), "64 MiB minus 72 sectors of metadata (2 peers) and the superblock");
            assertEquals(StateResult.SUCCESS.code(), f.node.detach(minor(f, 1), false).retCode());
            assertEquals(DiskState.DISKLESS, d.disk());
            assertEquals(0, d.sizeSectors());
            assertEquals(StateResult.NOTHING_TO_DO.code(), f.node.detach(minor(f, 1), false).retCode());
        }
    }

    /** r0 on minor 1 over tcmu001, with its peer (node 1) configured: that peer's device. */
    private static PeerDevice upWithPeer(ModelFixture f) throws Exception {
        f.disk("tcmu001", SIZE);
        return f.up("r0", 1, "tcmu001", false, null).resource().connection(1).peerDevices.get(0);
    }

    /** Sets model values under the node lock, as an engine report would (no state rules). */
    private static void underLock(ModelFixture f, Runnable change) throws AdmException {
        f.node.locked(() -> {
            change.run();
            return null;
        });
    }

    /** The peer of {@code pd} connected, in replication state {@code repl} with disk {@code peerDisk}. */
    private static void connected(ModelFixture f, PeerDevice pd, ReplState repl, DiskState peerDisk)
            throws AdmException {
        underLock(f, () -> {
            pd.connection().cstate(ConnState.CONNECTED);
            pd.repl(repl);
            pd.peerDisk(peerDisk);
        });
    }

    @Test
    void aNodeAConnectedPrimaryReliesOnIsNotOutdated() throws Exception {
        try (ModelFixture f = new ModelFixture(tmp, ModelEvents.NONE)) {
            PeerDevice pd = upWithPeer(f);
            Device d = pd.device();
            Connection c = pd.connection();
            f.node.setRole(res(f, "r0"), Role.PRIMARY, true);
            // a connected Primary: never (the kernel's SS_CONNECTED_OUTDATES, -6)
            connected(f, pd, ReplState.ESTABLISHED, DiskState.UP_TO_DATE);
            assertEquals(StateResult.CONNECTED_OUTDATES.code(), f.node.outdate(minor(f, 1)).retCode());
            assertEquals(DiskState.UP_TO_DATE, d.disk());
            // a Secondary whose peer is Primary: not while it is in sync, but as a sync target
            f.node.setRole(res(f, "r0"), Role.SECONDARY, false);
            underLock(f, () -> c.peerRole(Role.PRIMARY));
            assertEquals(StateResult.CONNECTED_OUTDATES.code(), f.node.outdate(minor(f, 1)).retCode());
            connected(f, pd, ReplState.WF_BITMAP_T, DiskState.UP_TO_DATE);
            assertEquals(StateResult.SUCCESS.code(), f.node.outdate(minor(f, 1)).retCode());
            assertEquals(DiskState.OUTDATED, d.disk());
        }
    }

    @Test
    void aSecondaryDoesNotLeaveAPrimaryThatReadsFromIt() throws Exception {
        try (ModelFixture f = new ModelFixture(tmp, ModelEvents.NONE)) {
            PeerDevice pd = upWithPeer(f);
            Connection c = pd.connection();
            f.node.setRole(res(f, "r0"), Role.PRIMARY, true);
            f.node.setRole(res(f, "r0"), Role.SECONDARY, false);
            connected(f, pd, ReplState.SYNC_SOURCE, DiskState.INCONSISTENT);
            underLock(f, () -> c.peerRole(Role.PRIMARY));
            // the peer is a Primary sync target: its two-phase commit would refuse (-10)
            assertEquals(StateResult.CW_FAILED_BY_PEER.code(), f.node.disconnect(conn(f, "r0"), false).retCode());
            assertEquals(ConnState.CONNECTED, c.cstate());
            // --force is a hard change, as the kernel's
            assertEquals(NO_ERROR, f.node.disconnect(conn(f, "r0"), true).retCode());
            assertEquals(ConnState.STANDALONE, c.cstate());
        }
    }

    @Test
    void theAlgorithmOfARunningVerifyOrResyncDoesNotChange() throws Exception {
        try (ModelFixture f = new ModelFixture(tmp, ModelEvents.NONE)) {
            PeerDevice pd = upWithPeer(f);
            connected(f, pd, ReplState.VERIFY_S, DiskState.UP_TO_DATE);
            AdmException e = assertThrows(AdmException.class, () -> f.node.netOptions(conn(f, "r0"),
                    Tlas.NET_CONF.empty().with("verify_alg", "sha1"), false));
            assertEquals(ERR_VERIFY_RUNNING, e.retCode());
            underLock(f, () -> pd.repl(ReplState.SYNC_SOURCE));
            e = assertThrows(AdmException.class, () -> f.node.netOptions(conn(f, "r0"),
                    Tlas.NET_CONF.empty().with("csums_alg", "md5"), false));
            assertEquals(ERR_CSUMS_RESYNC_RUNNING, e.retCode());
            assertEquals(NO_ERROR, f.node.netOptions(conn(f, "r0"), Tlas.NET_CONF.empty().with("verify_alg", "sha1"),
                    false).retCode(), "verify-alg may change while a resync runs");
        }
    }

    @Test
    void outdateInvalidateAndNewCurrentUuid() throws Exception {
        try (ModelFixture f = new ModelFixture(tmp, ModelEvents.NONE)) {
            f.disk("tcmu001", SIZE);
            Device d = f.up("r0", 1, "tcmu001", true, null);
            assertEquals(StateResult.LOWER_THAN_OUTDATED.code(), f.node.outdate(minor(f, 1)).retCode());
            f.node.setRole(res(f, "r0"), Role.PRIMARY, true);
            assertEquals(StateResult.NO_UP_TO_DATE_DISK.code(), f.node.outdate(minor(f, 1)).retCode());
            f.node.setRole(res(f, "r0"), Role.SECONDARY, false);
            assertEquals(StateResult.SUCCESS.code(), f.node.outdate(minor(f, 1)).retCode());
            assertEquals(DiskState.OUTDATED, d.disk());
            assertEquals(Superblock.MDF_CONSISTENT, sb(d).flags() & (Superblock.MDF_CONSISTENT
                    | Superblock.MDF_WAS_UP_TO_DATE));
            assertEquals(StateResult.SUCCESS.code(), f.node.invalidate(minor(f, 1), null).retCode());
            assertEquals(DiskState.INCONSISTENT, d.disk());
            assertEquals(d.ldev().md().bitmap().bits(), d.ldev().md().bitmap().count(0));
            long before = sb(d).currentUuid();
            assertEquals(NO_ERROR, f.node.newCurrentUuidCommand(minor(f, 1), true, false).retCode());
            assertNotEquals(before, sb(d).currentUuid());
            assertEquals(0, d.ldev().md().bitmap().count(0), "--clear-bitmap");
            assertEquals(0, sb(d).peer(1).bitmapUuid());
            assertEquals(DiskState.UP_TO_DATE, d.disk(), "--clear-bitmap declares the data UpToDate");
            assertEquals(ERR_NO_DISK, assertThrows(AdmException.class, () -> {
                f.node.detach(minor(f, 1), true);
                f.node.invalidate(minor(f, 1), null);
            }).retCode());
        }
    }

    @Test
    void connectionAndPathLifecycle() throws Exception {
        try (ModelFixture f = new ModelFixture(tmp, ModelEvents.NONE)) {
            f.disk("tcmu001", SIZE);
            f.disk("tcmu002", SIZE);
            Device d = f.up("r0", 1, "tcmu001", true, null);
            Connection c = d.resource().connection(1);
            assertEquals(ERR_NET_CONFIGURED, assertThrows(AdmException.class,
                    () -> f.node.connect(conn(f, "r0"), false, false)).retCode());
            assertEquals(ERR_INVALID_REQUEST, assertThrows(AdmException.class,
                    () -> f.node.delPath(conn(f, "r0"), c.paths().get(0).myAddr(), c.paths().get(0).peerAddr()))
                    .retCode());
            assertEquals(NO_ERROR, f.node.disconnect(conn(f, "r0"), false).retCode());
            assertEquals(ConnState.STANDALONE, c.cstate());
            assertEquals(NO_ERROR, f.node.disconnect(conn(f, "r0"), false).retCode(), "already standalone is fine");
            assertEquals(ERR_NET_CONFIGURED, assertThrows(AdmException.class,
                    () -> f.node.delResource(res(f, "r0"))).retCode());

            // a second resource may not reuse both addresses of a path
            f.node.newResource("r1", Tlas.RESOURCE_OPTS.empty().with("node_id", 0L));
            f.node.newPeer(f.target(-1, "r1", null, 1, AdmTarget.NEED_PEER_NODE), Tlas.NET_CONF.empty());
            byte[] my = Path0.addr("127.0.0.1", 17798);
            byte[] peer = Path0.addr("127.0.0.2", 17798);
            assertEquals(ERR_LOCAL_AND_PEER_ADDR, assertThrows(AdmException.class,
                    () -> f.node.newPath(conn(f, "r1"), my, peer)).retCode());
            assertEquals(ERR_LOCAL_ADDR, assertThrows(AdmException.class,
                    () -> f.node.newPath(conn(f, "r1"), my, Path0.addr("127.0.0.2", 17797))).retCode());
            assertEquals(NO_ERROR, f.node.newPath(conn(f, "r1"), Path0.addr("127.0.0.1", 17797),
                    Path0.addr("127.0.0.2", 17797)).retCode());
            assertEquals(NO_ERROR, f.node.delPeer(conn(f, "r1"), false).retCode());
            assertEquals(NO_ERROR, f.node.delResource(res(f, "r1")).retCode());

            assertEquals(NO_ERROR, f.node.down(res(f, "r0")).retCode());
            assertEquals(0, f.node.read(f.node::resources).size());
            assertFalse(f.registry.lookup("drbd1").isPresent());
        }
    }

    static final class Path0 {
        static byte[] addr(String ip, int port) {
            return io.scstdrbd.drbd.model.Path.sockaddrIn(new InetSocketAddress(ip, port));
        }
    }

    @Test
    void attachAndPrepareErrors() throws Exception {
        try (ModelFixture f = new ModelFixture(tmp, ModelEvents.NONE)) {
            f.disk("tcmu001", SIZE);
            f.up("r0", 1, "tcmu001", false, null);
            assertEquals(ERR_MINOR_INVALID, assertThrows(AdmException.class, () -> minor(f, 7)).retCode());
            assertEquals(ERR_RES_NOT_KNOWN, assertThrows(AdmException.class, () -> res(f, "nosuch")).retCode());
            assertEquals(ERR_INVALID_REQUEST, assertThrows(AdmException.class,
                    () -> f.target(-1, "r0", null, 0, AdmTarget.NEED_PEER_NODE)).retCode(), "own node id");
            assertEquals(ERR_INVALID_REQUEST, assertThrows(AdmException.class,
                    () -> f.target(-1, "r0", null, 40, AdmTarget.NEED_PEER_NODE)).retCode());
            assertEquals(ERR_INVALID_REQUEST, assertThrows(AdmException.class,
                    () -> f.target(1, "r0", 3, null, AdmTarget.NEED_MINOR)).retCode(), "different volume");
            var dc = Tlas.DISK_CONF.empty().with("backing_dev", tmp + "/dev/tcmu001")
                    .with("meta_dev", tmp + "/dev/tcmu001").with("meta_dev_idx", -3L);
            assertEquals(ERR_DISK_CONFIGURED, assertThrows(AdmException.class,
                    () -> f.node.attach(minor(f, 1), dc)).retCode());

            f.node.newMinor(f.target(2, "r0", 1, null, AdmTarget.NEED_RESOURCE), Tlas.DEVICE_CONF.empty());
            AdmException busy = assertThrows(AdmException.class, () -> f.node.attach(minor(f, 2), dc));
            assertEquals(ERR_OPEN_DISK, busy.retCode());
            assertEquals("open(\"" + tmp + "/dev/tcmu001\") failed with -16", busy.info());
            var missing = dc.with("backing_dev", tmp + "/dev/none").with("meta_dev", tmp + "/dev/none");
            assertEquals(ERR_OPEN_DISK, assertThrows(AdmException.class, () -> f.node.attach(minor(f, 2), missing))
                    .retCode());
            assertEquals(ERR_MANDATORY_TAG, assertThrows(AdmException.class,
                    () -> f.node.attach(minor(f, 2), Tlas.DISK_CONF.empty())).retCode());
            // a device without metadata
            io.scstdrbd.drbd.testutil.FileBlockDevice raw = new io.scstdrbd.drbd.testutil.FileBlockDevice("tcmu003",
                    tmp.resolve("dev/tcmu003"), SIZE);
            f.registry.register(raw);
            var none = dc.with("backing_dev", tmp + "/dev/tcmu003").with("meta_dev", tmp + "/dev/tcmu003");
            AdmException magic = assertThrows(AdmException.class, () -> f.node.attach(minor(f, 2), none));
            assertEquals(ERR_MD_INVALID, magic.retCode());
            assertTrue(magic.info().startsWith("Meta data magic not found"));
            // the device was not kept open by the failed attach
            f.registry.open("tcmu003", OpenMode.READ_WRITE, "x").close();
            f.registry.unregister("tcmu003");
            raw.close();
        }
    }

    @Test
    void openRulesAndAutoPromote() throws Exception {
        try (ModelFixture f = new ModelFixture(tmp, ModelEvents.NONE)) {
            f.disk("tcmu001", SIZE);
            Device d = f.up("r0", 1, "tcmu001", false, null);
            // Inconsistent: no auto-promote, no reader
            assertEquals(Errno.EROFS, assertThrows(KernelException.class,
                    () -> f.registry.open("drbd1", OpenMode.READ_WRITE, "w")).errno());
            assertEquals(Errno.EMEDIUMTYPE, assertThrows(KernelException.class,
                    () -> f.registry.open("drbd1", OpenMode.READ, "r")).errno());
            f.node.setRole(res(f, "r0"), Role.PRIMARY, true);
            f.node.setRole(res(f, "r0"), Role.SECONDARY, false);
            try (DeviceHandle w = f.registry.open("drbd1", OpenMode.READ_WRITE, "w")) {
                assertEquals(Role.PRIMARY, d.resource().role(), "auto-promoted");
            }
            assertEquals(Role.SECONDARY, d.resource().role(), "auto-demoted");
            f.node.setRole(res(f, "r0"), Role.PRIMARY, false);
            try (DeviceHandle w = f.registry.open("drbd1", OpenMode.READ_WRITE, "w")) {
                assertEquals(Role.PRIMARY, d.resource().role());
            }
            assertEquals(Role.PRIMARY, d.resource().role(), "an explicit Primary stays");
            f.node.setRole(res(f, "r0"), Role.SECONDARY, false);
            f.node.resourceOptions(res(f, "r0"), Tlas.RESOURCE_OPTS.empty().with("auto_promote", false), false);
            assertEquals(Errno.EROFS, assertThrows(KernelException.class,
                    () -> f.registry.open("drbd1", OpenMode.READ_WRITE, "w")).errno());
            assertEquals(Errno.EMEDIUMTYPE, assertThrows(KernelException.class,
                    () -> f.registry.open("drbd1", OpenMode.READ, "r")).errno());
        }
    }
}
