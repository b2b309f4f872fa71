package io.scstdrbd.drbd.engine;

import io.netty.util.concurrent.ScheduledFuture;
import io.scstdrbd.drbd.state.ConnState;
import io.scstdrbd.drbd.state.Role;
import io.scstdrbd.drbd.state.StateResult;
import io.scstdrbd.drbd.wire.PacketType;
import io.scstdrbd.drbd.wire.TwopcReply;
import io.scstdrbd.drbd.wire.TwopcRequest;
import io.scstdrbd.drbd.wire.WireConstants;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * State changes in the DRBD 9 dialect: the two-phase commit toward one peer, as initiator (one
 * transaction at a time: PREPARE, the peer's YES/NO/RETRY, then COMMIT or ABORT) and as responder.
 * The connect transaction is special on both sides: it waits until every volume has decided its
 * handshake, and its commit makes the connection Connected. What a change means is decided by
 * {@link PeerStateChanges}.
 *
 * <p>Threading: on the resource loop, like everything in the engine.
 */
final class TwoPhaseCommit {
    private static final Logger LOG = LoggerFactory.getLogger(TwoPhaseCommit.class);

    /** What a transaction this node starts is for. */
    enum Kind { CONNECT, ROLE, DISCONNECT, VERIFY, RESYNC }

    private final PeerConnection conn;
    private final ResourceEngine res;
    private final PeerStateChanges stateChanges;
    private final int peerId;

    // initiator
    private Transaction twopc;

    // responder
    private int twopcResponderTid;
    private boolean twopcResponderConnect;
    private StateIntent twopcResponderIntent;
    private int twopcResponderVolume = -1;

    TwoPhaseCommit(PeerConnection conn, PeerStateChanges stateChanges) {
        this.conn = conn;
        this.res = conn.resource();
        this.stateChanges = stateChanges;
        this.peerId = conn.peerNodeId();
    }

    /** Two-phase commit state of the initiator. */
    private static final class Transaction {
        final Kind kind;
        final int tid;
        /** Header volume of the transaction's packets (VOLUME_CONNECTION for connection-wide changes). */
        final int volume;
        final int mask;
        final int val;
        final CompletableFuture<StateResult> result;
        PacketType reply;
        ScheduledFuture<?> timer;

        Transaction(Kind kind, int tid, int volume, int mask, int val, CompletableFuture<StateResult> result) {
            this.kind = kind;
            this.tid = tid;
            this.volume = volume;
            this.mask = mask;
            this.val = val;
            this.result = result;
        }

        void fail(StateResult r) {
            if (timer != null) {
                timer.cancel(false);
            }
            result.complete(r);
        }
    }

    CompletableFuture<StateResult> start(Kind kind, int[] maskVal) {
        return start(kind, WireConstants.VOLUME_CONNECTION, maskVal);
    }

    /** A two-phase commit; {@code volume} is the header volume (a replication-state change names its volume). */
    CompletableFuture<StateResult> start(Kind kind, int volume, int[] maskVal) {
        CompletableFuture<StateResult> f = new CompletableFuture<>();
        if (twopc != null) {
            f.complete(StateResult.CONCURRENT_ST_CHG);
            return f;
        }
        int tid = res.random().nextInt() & 0x7fff_ffff;
        twopc = new Transaction(kind, tid, volume, maskVal[0], maskVal[1], f);
        conn.dataWriter().send(PacketType.TWOPC_PREPARE, volume,
                new TwopcRequest(tid, res.nodeId(), peerId, 1L << peerId, 0, maskVal[0], maskVal[1]));
        final int gen = conn.generation();
        twopc.timer = res.loop().schedule(() -> {
            if (gen == conn.generation() && twopc != null && twopc.tid == tid) {
                Transaction t = twopc;
                twopc = null;
                conn.dataWriter().send(PacketType.TWOPC_ABORT, t.volume,
                        new TwopcRequest(tid, res.nodeId(), peerId, 1L << peerId, primaryNodes(), t.mask, t.val));
                t.fail(StateResult.TIMEOUT);
                if (t.kind == Kind.CONNECT) {
                    conn.connectionLost(ConnState.TIMEOUT, "two-phase commit of the connection timed out");
                }
            }
        }, 30, TimeUnit.SECONDS);
        return f;
    }

    private long primaryNodes() {
        long m = 0;
        if (res.role() == Role.PRIMARY) {
            m |= 1L << res.nodeId();
        }
        if (conn.peerRole() == Role.PRIMARY) {
            m |= 1L << peerId;
        }
        return m;
    }

    void onReply(PacketType t, TwopcReply r) {
        Transaction tx = twopc;
        if (tx == null || tx.tid != r.tid()) {
            LOG.debug("{}: stale two-phase commit reply {}", conn.tag(), r);
            return;
        }
        tx.reply = t;
        if (tx.kind == Kind.CONNECT) {
            maybeFinishConnect();
            return;
        }
        twopc = null;
        cancel(tx.timer);
        if (t == PacketType.TWOPC_YES) {
            conn.dataWriter().send(PacketType.TWOPC_COMMIT, tx.volume,
                    new TwopcRequest(tx.tid, res.nodeId(), peerId, 1L << peerId, primaryNodes(), tx.mask, tx.val));
            tx.result.complete(StateResult.SUCCESS);
        } else {
            conn.dataWriter().send(PacketType.TWOPC_ABORT, tx.volume,
                    new TwopcRequest(tx.tid, res.nodeId(), peerId, 1L << peerId, primaryNodes(), tx.mask, tx.val));
            tx.result.complete(t == PacketType.TWOPC_RETRY ? StateResult.CONCURRENT_ST_CHG : tx.kind == Kind.ROLE
                    ? StateResult.TWO_PRIMARIES : StateResult.CW_FAILED_BY_PEER);
            if (t == PacketType.TWOPC_NO) {
                LOG.info("{}: the peer refused {}", conn.tag(), StateIntent.of(tx.mask, tx.val, false).description());
            }
        }
    }

    /** Initiator of the connect transaction: commit once the peer said yes and every volume decided. */
    void maybeFinishConnect() {
        Transaction tx = twopc;
        if (tx == null || tx.kind != Kind.CONNECT || tx.reply == null || !allDevicesDecided()) {
            return;
        }
        twopc = null;
        cancel(tx.timer);
        if (tx.reply != PacketType.TWOPC_YES) {
            conn.dataWriter().send(PacketType.TWOPC_ABORT, WireConstants.VOLUME_CONNECTION,
                    new TwopcRequest(tx.tid, res.nodeId(), peerId, 1L << peerId, primaryNodes(), tx.mask, tx.val));
            tx.result.complete(StateResult.CW_FAILED_BY_PEER);
            if (tx.reply == PacketType.TWOPC_RETRY) {
                conn.connectionLost(ConnState.NETWORK_FAILURE, "peer asked to retry the connection");
            } else {
                conn.fatal("peer refused the connection");
            }
            return;
        }
        conn.dataWriter().send(PacketType.TWOPC_COMMIT, WireConstants.VOLUME_CONNECTION,
                new TwopcRequest(tx.tid, res.nodeId(), peerId, 1L << peerId, primaryNodes(), tx.mask, tx.val));
        tx.result.complete(StateResult.SUCCESS);
        conn.commitConnected();
    }

    private boolean allDevicesDecided() {
        for (PeerDevice pd : conn.devicesView()) {
            if (!pd.handshake().hasDecision()) {
                return false;
            }
        }
        return true;
    }

    void onRequest(PacketType t, int headerVolume, TwopcRequest r) {
        StateIntent in = StateIntent.of(r.mask(), r.val(), false);
        int volume = headerVolume == WireConstants.VOLUME_CONNECTION ? -1 : headerVolume;
        switch (t) {
            case TWOPC_PREPARE: {
                twopcResponderTid = r.tid();
                twopcResponderIntent = in;
                twopcResponderVolume = volume;
                if (in.connect() && conn.inParamsPhase()) {
                    twopcResponderConnect = true;
                    for (PeerDevice pd : conn.devicesView()) {
                        if (!pd.handshake().paramsSent()) {
                            pd.handshake().sendInitialParams();
                        }
                    }
                    maybeReplyConnect();
                    return;
                }
                StateResult ok = t == PacketType.TWOPC_PREPARE && !in.connect() && in.description().isEmpty()
                        ? StateResult.NOT_SUPPORTED : stateChanges.evaluate(in, volume);
                if (!ok.isSuccess()) {
                    LOG.info("{}: peer requests {}: {}", conn.tag(), in.description(), ok);
                }
                reply(r.tid(), r.initiatorNodeId(), headerVolume,
                        ok.isSuccess() ? PacketType.TWOPC_YES : PacketType.TWOPC_NO);
                return;
            }
            case TWOPC_COMMIT: {
                if (r.tid() != twopcResponderTid) {
                    return;
                }
                twopcResponderTid = 0;
                StateIntent pending = twopcResponderIntent;
                twopcResponderIntent = null;
                if (twopcResponderConnect) {
                    twopcResponderConnect = false;
                    conn.commitConnected();
                    return;
                }
                if (pending != null) {
                    LOG.info("{}: peer committed {}", conn.tag(), pending.description());
                    stateChanges.apply(pending, twopcResponderVolume);
                }
                return;
            }
            case TWOPC_ABORT:
                if (r.tid() == twopcResponderTid) {
                    twopcResponderTid = 0;
                    twopcResponderIntent = null;
                    if (twopcResponderConnect) {
                        twopcResponderConnect = false;
                        conn.connectionLost(ConnState.NETWORK_FAILURE, "peer aborted the connection");
                    }
                }
                return;
            default:
                reply(r.tid(), r.initiatorNodeId(), headerVolume, PacketType.TWOPC_NO); // resize is not supported
        }
    }

    /** Responder of the connect transaction: answer once every volume decided. */
    void maybeReplyConnect() {
        if (!twopcResponderConnect || !allDevicesDecided() || twopcResponderTid == 0) {
            return;
        }
        boolean refuse = false;
        for (PeerDevice pd : conn.devicesView()) {
            if (pd.handshake().decisionRefuses()) {
                refuse = true;
            }
        }
        reply(twopcResponderTid, peerId, WireConstants.VOLUME_CONNECTION,
                refuse ? PacketType.TWOPC_NO : PacketType.TWOPC_YES);
        twopcResponderTid = refuse ? 0 : twopcResponderTid;
        if (refuse) {
            for (PeerDevice pd : conn.devicesView()) {
                if (pd.handshake().decisionRefuses()) {
                    pd.handshake().applyDecision();
                    return;
                }
            }
        }
    }

    private void reply(int tid, int initiator, int volume, PacketType t) {
        long reachable = (1L << res.nodeId()) | (1L << initiator);
        long primaries = res.role() == Role.PRIMARY ? 1L << res.nodeId() : 0;
        long weak = res.role() == Role.PRIMARY ? ~reachable : 0;
        conn.metaWriter().send(t, volume, new TwopcReply(tid, initiator, reachable, primaries, weak));
    }

    /**
     * The connection is gone: a transaction this node started fails with TIMEOUT (in {@code later});
     * one the peer started is forgotten.
     */
    void connectionLost(List<Runnable> later) {
        if (twopc != null) {
            Transaction t = twopc;
            later.add(() -> t.fail(StateResult.TIMEOUT));
            twopc = null;
        }
        twopcResponderTid = 0;
        twopcResponderIntent = null;
    }

    private static void cancel(ScheduledFuture<?> f) {
        if (f != null) {
            f.cancel(false);
        }
    }
}
