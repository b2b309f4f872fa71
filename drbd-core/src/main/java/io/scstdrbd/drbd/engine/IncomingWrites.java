package io.scstdrbd.drbd.engine;

import io.netty.channel.Channel;
import io.scstdrbd.drbd.replication.ReceiverEpochs;
import io.scstdrbd.drbd.wire.Barrier;
import io.scstdrbd.drbd.wire.BarrierAck;
import io.scstdrbd.drbd.wire.BlockAck;
import io.scstdrbd.drbd.wire.Dagtag;
import io.scstdrbd.drbd.wire.DataHeader;
import io.scstdrbd.drbd.wire.Packet;
import io.scstdrbd.drbd.wire.PacketType;
import io.scstdrbd.drbd.wire.PeerAck;
import io.scstdrbd.drbd.wire.ProtocolException;
import io.scstdrbd.drbd.wire.WireConstants;
import io.scstdrbd.kernel.block.Bio;
import java.util.ArrayDeque;
import java.util.List;

/**
 * The secondary side of the data path from one peer: P_DATA written to the local volumes and
 * acknowledged as the protocol asks, epochs acknowledged with P_BARRIER_ACK in order (after a
 * flush of the backing devices with write-ordering flush), the gate that holds later writes while
 * an epoch is unfinished, receive back-pressure, and the dagtags that P_PEER_ACK names.
 *
 * <p>Threading: on the resource loop, like everything in the engine.
 */
final class IncomingWrites {
    /** Bytes of received but unwritten peer data after which the data socket stops reading. */
    static final long RECEIVE_HIGH_WATER = 64L << 20;

    private final PeerConnection conn;
    private final ResourceEngine res;
    private final ArrayDeque<Packet> gated = new ArrayDeque<>();
    /** Handlers running that hold the data socket (before-resync-target/-source, per volume). */
    private int handlerHolds;
    private final ArrayDeque<Long> peerAckPending = new ArrayDeque<>();
    private ReceiverEpochs epochs;
    private long receivedUnwritten;
    private long lastRecvDagtag;

    IncomingWrites(PeerConnection conn) {
        this.conn = conn;
        this.res = conn.resource();
    }

    /** A new connection: epochs and dagtags start over. */
    void start() {
        epochs = new ReceiverEpochs();
        receivedUnwritten = 0;
        lastRecvDagtag = 0;
    }

    /** The connection is gone: held packets are released. */
    void connectionLost() {
        handlerHolds = 0;
        for (Packet p : gated) {
            p.release();
        }
        gated.clear();
        epochs = null;
        peerAckPending.clear();
    }

    /**
     * Holds {@code p} (a packet from the data socket) while an earlier epoch is unfinished and the
     * write ordering asks for it; true when it was held.
     */
    boolean holdIfGated(Packet p) {
        if (!isGated(p)) {
            return false;
        }
        gated.add(p);
        return true;
    }

    private boolean isGated(Packet p) {
        if (handlerHolds > 0) {
            return true; // everything from the data socket waits, in order, as behind a kernel's busy receiver
        }
        if (gated.isEmpty() && (epochs == null || !epochs.hasClosedUnfinished()
                || res.writeOrdering() == WriteOrdering.NONE)) {
            return false;
        }
        return p.type() == PacketType.DATA || p.type() == PacketType.BARRIER || p.type() == PacketType.DAGTAG;
    }

    /**
     * While before-resync-target or -source runs (one hold each), nothing from the data socket is processed (the kernel runs
     * the handler in its receiver thread): no peer write reaches the disk before the handler has
     * taken its snapshot. The meta socket (pings, acks) goes on.
     */
    void holdForHandler(boolean hold) {
        if (hold) {
            handlerHolds++;
            return;
        }
        if (handlerHolds > 0) {
            handlerHolds--;
        }
        if (handlerHolds == 0) {
            releaseGate();
        }
    }

    void onDagtag(Dagtag d) {
        lastRecvDagtag = d.dagtag();
    }

    void onData(Packet p) throws ProtocolException {
        DataHeader h = (DataHeader) p.payload();
        PeerDevice pd = conn.device(p.volume());
        if (pd == null) {
            p.release();
            throw new ProtocolException("P_DATA for unknown volume " + p.volume());
        }
        int size = p.dataLength();
        if (size <= 0 || (size & 511) != 0 || h.sector() < 0
                || h.sector() + (size >>> 9) > pd.volume().agreedSectors()) {
            p.release();
            throw new ProtocolException("P_DATA with bad range: sector " + h.sector() + ", " + size + " bytes");
        }
        try {
            conn.checkIntegrity(h, p.data());
        } catch (ProtocolException e) {
            p.release();
            throw e;
        }
        if (!conn.dialect84()) {
            lastRecvDagtag += size >>> 9;
            peerAckPending.add(lastRecvDagtag);
            if (peerAckPending.size() > 1_000_000) {
                peerAckPending.poll();
            }
        }
        ReceiverEpochs.Epoch epoch = epochs.writeReceived();
        if (h.hasFlag(WireConstants.DP_SEND_RECEIVE_ACK)) {
            conn.metaWriter().send(PacketType.RECV_ACK, p.volume(),
                    new BlockAck(h.sector(), h.blockId(), size, conn.nextSeq()));
        }
        receivedUnwritten += size;
        boolean writeAck = h.hasFlag(WireConstants.DP_SEND_WRITE_ACK);
        if (writeAck) {
            pd.inFlight().received(); // until P_WRITE_ACK (or P_RS_WRITE_ACK, P_NEG_ACK) is sent
        }
        if (receivedUnwritten > RECEIVE_HIGH_WATER && conn.dataChannel().config().isAutoRead()) {
            conn.dataChannel().config().setAutoRead(false);
        }
        final int gen = conn.generation();
        pd.receiveWrite(h, p.data(), (errno) -> res.onLoop(() -> {
            receivedUnwritten -= size;
            if (gen != conn.generation()) {
                return;
            }
            if (writeAck) {
                pd.inFlight().replied();
            }
            Channel dataCh = conn.dataChannel();
            if (receivedUnwritten < RECEIVE_HIGH_WATER / 2 && dataCh != null && !dataCh.config().isAutoRead()) {
                dataCh.config().setAutoRead(true);
            }
            if (errno == 0) {
                if (h.hasFlag(WireConstants.DP_MAY_SET_IN_SYNC) && h.hasFlag(WireConstants.DP_SEND_WRITE_ACK)) {
                    conn.metaWriter().send(PacketType.RS_WRITE_ACK, p.volume(),
                            new BlockAck(h.sector(), h.blockId(), size, conn.nextSeq()));
                } else if (h.hasFlag(WireConstants.DP_SEND_WRITE_ACK)) {
                    conn.metaWriter().send(PacketType.WRITE_ACK, p.volume(),
                            new BlockAck(h.sector(), h.blockId(), size, conn.nextSeq()));
                }
            } else if (h.hasFlag(WireConstants.DP_SEND_WRITE_ACK)) {
                conn.metaWriter().send(PacketType.NEG_ACK, p.volume(),
                        new BlockAck(h.sector(), h.blockId(), size, conn.nextSeq()));
            }
            epochs.writeDone(epoch);
            finishEpochs();
        }));
    }

    void onBarrier(Barrier b) {
        epochs.barrier(b.barrier());
        finishEpochs();
    }

    /** Acknowledges closed epochs whose writes are done, in order (after a flush with write-ordering flush). */
    private void finishEpochs() {
        if (epochs == null) {
            return;
        }
        ReceiverEpochs.Epoch e = epochs.nextToFinish();
        if (e == null) {
            releaseGate();
            return;
        }
        final int gen = conn.generation();
        Runnable ack = () -> {
            if (gen != conn.generation()) {
                return;
            }
            conn.metaWriter().send(PacketType.BARRIER_ACK, WireConstants.VOLUME_CONNECTION,
                    new BarrierAck(e.barrier(), e.writes()));
            epochs.finished(e);
            finishEpochs();
        };
        if (res.writeOrdering() == WriteOrdering.FLUSH && e.writes() > 0) {
            flushAllBacking(() -> res.onLoop(ack));
        } else {
            ack.run();
        }
    }

    private void flushAllBacking(Runnable done) {
        List<PeerDevice> l = conn.devices();
        int[] pending = {l.size() + 1};
        Runnable one = () -> {
            if (--pending[0] == 0) {
                done.run();
            }
        };
        for (PeerDevice pd : l) {
            LocalVolume lv = pd.volume().local();
            if (!lv.hasDisk()) {
                one.run();
            } else {
                lv.submitLocal(Bio.flush((bio, err) -> res.onLoop(one)));
            }
        }
        one.run();
    }

    /** Dispatches the held packets once no unfinished epoch holds them any more. */
    private void releaseGate() {
        while (!gated.isEmpty()) {
            if (handlerHolds > 0) {
                return;
            }
            if (epochs != null && epochs.hasClosedUnfinished() && res.writeOrdering() != WriteOrdering.NONE) {
                return;
            }
            Packet p = gated.poll();
            try {
                conn.dispatch(p);
            } catch (ProtocolException ex) {
                conn.protocolError(ex.getMessage());
                return;
            }
        }
    }

    void onPeerAck(PeerAck a) throws ProtocolException {
        while (!peerAckPending.isEmpty()) {
            long d = peerAckPending.poll();
            if (d == a.dagtag()) {
                return;
            }
            if (d > a.dagtag()) {
                break;
            }
        }
        throw new ProtocolException("P_PEER_ACK for dagtag " + a.dagtag() + " matches no received write");
    }
}
