package io.scstdrbd.drbd.engine;

import io.scstdrbd.drbd.state.DiskState;
import io.scstdrbd.drbd.state.ReplState;
import io.scstdrbd.drbd.state.Role;
import io.scstdrbd.drbd.state.StateResult;
import io.scstdrbd.drbd.wire.WireConstants;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * State changes this node asks the peer to agree to: disconnect, promotion, online verify, a full
 * resync (drbdadm disconnect, primary, verify, invalidate), and the announcement of a local state
 * change. Each request goes out in the agreed dialect ({@link LegacyStateChanges} for 8.4,
 * {@link TwoPhaseCommit} for DRBD 9); what follows the answer runs here.
 *
 * <p>Threading: on the resource loop, like everything in the engine; the methods that return a
 * future or take a volume number may be called from any thread (they hop onto the loop).
 */
final class StateChangeRequests {
    private static final Logger LOG = LoggerFactory.getLogger(StateChangeRequests.class);

    private final PeerConnection conn;
    private final ResourceEngine res;
    private final PeerStateChanges stateChanges;
    private final LegacyStateChanges legacy;
    private final TwoPhaseCommit twoPhaseCommit;

    StateChangeRequests(PeerConnection conn, PeerStateChanges stateChanges, LegacyStateChanges legacy,
            TwoPhaseCommit twoPhaseCommit) {
        this.conn = conn;
        this.res = conn.resource();
        this.stateChanges = stateChanges;
        this.legacy = legacy;
        this.twoPhaseCommit = twoPhaseCommit;
    }

    /**
     * Asks the peer to agree that this node disconnects (P_CONN_ST_CHG_REQ or two-phase commit),
     * with the Secondary's disk going Outdated when asked.
     */
    CompletableFuture<StateResult> disconnect(boolean outdatePeer, boolean outdateSelf) {
        int[] mv = StateIntent.disconnectRequest(outdatePeer, outdateSelf, conn.dialect84());
        return conn.dialect84() ? legacy.request(WireConstants.VOLUME_CONNECTION, mv)
                : twoPhaseCommit.start(TwoPhaseCommit.Kind.DISCONNECT, mv);
    }

    /** Asks the peer whether this node may become Primary (forced: also declares its disk UpToDate). */
    CompletableFuture<StateResult> peerAcceptsPrimary(boolean forced) {
        if (!conn.isConnected()) {
            return CompletableFuture.completedFuture(StateResult.SUCCESS);
        }
        if (conn.dialect84()) {
            CompletableFuture<StateResult> chain = CompletableFuture.completedFuture(StateResult.SUCCESS);
            for (PeerDevice pd : conn.devicesView()) {
                int vnr = pd.volume().volume();
                chain = chain.thenCompose(prev -> {
                    if (!prev.isSuccess()) {
                        return CompletableFuture.completedFuture(prev);
                    }
                    CompletableFuture<StateResult> f = new CompletableFuture<>();
                    res.onLoop(() -> legacy.request(vnr, StateIntent.primaryRequest(forced, true))
                            .whenComplete((r, e) -> f.complete(e != null ? StateResult.TIMEOUT : r)));
                    return f;
                });
            }
            return chain;
        }
        return twoPhaseCommit.start(TwoPhaseCommit.Kind.ROLE, StateIntent.primaryRequest(forced, false));
    }

    /** The local role, disk state or UUIDs of a volume changed: tell the peer (P_UUIDS, P_STATE). */
    void localStateChanged(int vnr) {
        res.onLoop(() -> {
            PeerDevice pd = conn.device(vnr);
            if (pd == null || !conn.isConnected()) {
                return;
            }
            if (conn.dialect84() && res.role() == Role.PRIMARY && pd.announcedRole() != Role.PRIMARY) {
                // an 8.4 peer learns a promotion through a cluster-wide request first (which also makes it
                // consider a resync after primary --force), then from the new UUIDs and state
                boolean forced = pd.announcedDisk() != DiskState.UP_TO_DATE
                        && pd.volume().local().diskState() == DiskState.UP_TO_DATE;
                CompletableFuture<StateResult> ask = legacy.request(vnr, StateIntent.primaryRequest(forced, true));
                ask.whenComplete((r, e) -> res.onLoop(() -> {
                    if (e != null || !r.isSuccess()) {
                        LOG.error("{}: the peer refused this node's promotion: {}", conn.tag(),
                                e != null ? e : r.description());
                    }
                    if (conn.isConnected()) {
                        pd.handshake().sendUuids();
                        pd.sendState();
                    }
                }));
                return;
            }
            if (pd.announcedDisk().compareTo(DiskState.INCONSISTENT) < 0
                    && pd.volume().local().diskState().compareTo(DiskState.INCONSISTENT) >= 0) {
                // attached while connected: the peer needs the disk's size before it reconsiders a resync
                pd.volume().sizeAfterAttach();
                pd.handshake().sendSizes();
            }
            pd.handshake().sendUuids();
            pd.sendState();
        });
    }

    /** Starts online verify toward this peer on one volume (drbdadm verify). */
    CompletableFuture<StateResult> startVerify(int vnr) {
        CompletableFuture<StateResult> out = new CompletableFuture<>();
        res.onLoop(() -> {
            PeerDevice pd = conn.device(vnr);
            if (pd == null || !conn.isConnected()) {
                out.complete(StateResult.NEED_CONNECTION);
                return;
            }
            if (conn.net().verifyAlg().isEmpty()) {
                out.complete(StateResult.NO_VERIFY_ALG);
                return;
            }
            if (pd.repl() != ReplState.ESTABLISHED) {
                out.complete(StateResult.RESYNC_RUNNING);
                return;
            }
            int[] mv = StateIntent.connRequest(ReplState.VERIFY_S.code());
            CompletableFuture<StateResult> ask = conn.dialect84() ? legacy.request(vnr, mv)
                    : twoPhaseCommit.start(TwoPhaseCommit.Kind.VERIFY, vnr, mv);
            ask.whenComplete((r, e) -> res.onLoop(() -> {
                StateResult rr = e != null ? StateResult.TIMEOUT : r;
                if (rr.isSuccess()) {
                    pd.startVerifySource();
                }
                out.complete(rr);
            }));
        });
        return out;
    }

    /**
     * drbdadm invalidate ({@code asTarget}) or invalidate-remote on one volume: asks the peer to
     * agree (two-phase commit, or P_STATE_CHG_REQ in the 8.4 dialect), then resyncs the volume.
     * {@code full}: StartingSyncT / StartingSyncS, everything; otherwise (--reset-bitmap=no,
     * protocol 120 and later) WFBitMapT / WFBitMapS, only what the bitmaps mark. Completes with the
     * result of the state change.
     */
    CompletableFuture<StateResult> startResync(int vnr, boolean asTarget, boolean full) {
        CompletableFuture<StateResult> out = new CompletableFuture<>();
        res.onLoop(() -> {
            PeerDevice pd = conn.device(vnr);
            if (pd == null || !conn.isConnected()) {
                out.complete(StateResult.NEED_CONNECTION);
                return;
            }
            StateResult allowed = stateChanges.fullSyncAllowed(pd, asTarget);
            if (allowed.isSuccess() && !full && (conn.dialect84() || conn.agreedVersion() < 120)) {
                allowed = StateResult.NOT_SUPPORTED;
            }
            if (!allowed.isSuccess()) {
                out.complete(allowed);
                return;
            }
            ReplState want = full ? (asTarget ? ReplState.STARTING_SYNC_T : ReplState.STARTING_SYNC_S)
                    : asTarget ? ReplState.WF_BITMAP_T : ReplState.WF_BITMAP_S;
            int[] mv = StateIntent.connRequest(want.code());
            pd.fullSyncRequested(true);
            CompletableFuture<StateResult> ask = conn.dialect84() ? legacy.request(vnr, mv)
                    : twoPhaseCommit.start(TwoPhaseCommit.Kind.RESYNC, vnr, mv);
            ask.whenComplete((r, e) -> res.onLoop(() -> {
                StateResult rr = e != null ? StateResult.TIMEOUT : r;
                if (rr.isSuccess() && conn.isConnected()) {
                    if (full) {
                        pd.startFullSync(asTarget); // keeps a P_SYNC_UUID that overtook the reply
                    } else {
                        pd.startBitmapResync(asTarget);
                    }
                } else {
                    pd.fullSyncRequested(false);
                    rr = rr.isSuccess() ? StateResult.NEED_CONNECTION : rr;
                }
                out.complete(rr);
            }));
        });
        return out;
    }
}
