package io.scstdrbd.drbd.engine;

import io.netty.util.concurrent.ScheduledFuture;
import io.scstdrbd.drbd.state.StateResult;
import io.scstdrbd.drbd.wire.Packet;
import io.scstdrbd.drbd.wire.PacketType;
import io.scstdrbd.drbd.wire.ReqState;
import io.scstdrbd.drbd.wire.ReqStateReply;
import io.scstdrbd.drbd.wire.WireConstants;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * State changes in the 8.4 dialect: this node's requests (P_STATE_CHG_REQ, P_CONN_ST_CHG_REQ) with
 * their one outstanding reply, and the answers to the peer's requests. What a change means is
 * decided by {@link PeerStateChanges}.
 *
 * <p>Threading: on the resource loop, like everything in the engine.
 */
final class LegacyStateChanges {
    private static final Logger LOG = LoggerFactory.getLogger(LegacyStateChanges.class);

    private final PeerConnection conn;
    private final ResourceEngine res;
    private final PeerStateChanges stateChanges;
    private CompletableFuture<StateResult> pendingRequest;
    private ScheduledFuture<?> pendingRequestTimer;

    LegacyStateChanges(PeerConnection conn, PeerStateChanges stateChanges) {
        this.conn = conn;
        this.res = conn.resource();
        this.stateChanges = stateChanges;
    }

    /** Sends P_STATE_CHG_REQ (per volume) or P_CONN_ST_CHG_REQ (connection-wide) and waits for the reply. */
    CompletableFuture<StateResult> request(int volume, int[] maskVal) {
        CompletableFuture<StateResult> f = new CompletableFuture<>();
        if (pendingRequest != null) {
            f.complete(StateResult.CONCURRENT_ST_CHG);
            return f;
        }
        pendingRequest = f;
        PacketType t = volume == WireConstants.VOLUME_CONNECTION ? PacketType.CONN_ST_CHG_REQ : PacketType.STATE_CHG_REQ;
        conn.dataWriter().send(t, volume, new ReqState(maskVal[0], maskVal[1]));
        final int gen = conn.generation();
        pendingRequestTimer = res.loop().schedule(() -> {
            if (gen == conn.generation() && pendingRequest == f) {
                pendingRequest = null;
                f.complete(StateResult.TIMEOUT);
            }
        }, Math.max(5000, conn.net().timeout() * 100L * 2), TimeUnit.MILLISECONDS);
        return f;
    }

    void onReply(int code) {
        CompletableFuture<StateResult> f = pendingRequest;
        pendingRequest = null;
        if (pendingRequestTimer != null) {
            pendingRequestTimer.cancel(false);
            pendingRequestTimer = null;
        }
        if (f != null) {
            f.complete(StateResult.fromWire(code));
        }
    }

    void onRequest(Packet p) {
        ReqState rs = (ReqState) p.payload();
        boolean connWide = p.type() == PacketType.CONN_ST_CHG_REQ;
        StateIntent in = StateIntent.of(rs.mask(), rs.val(), conn.dialect84());
        StateResult r;
        if (pendingRequest != null && conn.resolveConflicts()) {
            r = StateResult.CONCURRENT_ST_CHG;
        } else {
            r = stateChanges.evaluate(in, connWide ? -1 : p.volume());
        }
        LOG.info("{}: peer requests {}: {}", conn.tag(), in.description(), r);
        PacketType reply = connWide ? PacketType.CONN_ST_CHG_REPLY : PacketType.STATE_CHG_REPLY;
        conn.metaWriter().send(reply, p.volume(), new ReqStateReply(r.code()));
        if (r.isSuccess()) {
            stateChanges.apply(in, connWide ? -1 : p.volume());
        }
    }

    /** The connection is gone: a request still waiting for its reply completes with TIMEOUT (in {@code later}). */
    void connectionLost(List<Runnable> later) {
        if (pendingRequestTimer != null) {
            pendingRequestTimer.cancel(false);
            pendingRequestTimer = null;
        }
        if (pendingRequest != null) {
            CompletableFuture<StateResult> f = pendingRequest;
            later.add(() -> f.complete(StateResult.TIMEOUT));
            pendingRequest = null;
        }
    }
}
