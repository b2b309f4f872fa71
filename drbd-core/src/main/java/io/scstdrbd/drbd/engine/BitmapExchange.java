package io.scstdrbd.drbd.engine;

import io.scstdrbd.drbd.state.ReplState;
import io.scstdrbd.drbd.sync.bitmap.BitmapChunk;
import io.scstdrbd.drbd.sync.bitmap.BitmapReceiver;
import io.scstdrbd.drbd.sync.bitmap.BitmapSender;
import io.scstdrbd.drbd.wire.CompressedBitmap;
import io.scstdrbd.drbd.wire.Packet;
import io.scstdrbd.drbd.wire.PacketType;
import io.scstdrbd.drbd.wire.PlainBitmap;
import io.scstdrbd.drbd.wire.ProtocolException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bitmap exchange after a sync handshake (WFBitMapS / WFBitMapT): this node's out-of-sync
 * bits toward the peer sent as P_BITMAP / P_COMPRESSED_BITMAP, the peer's merged into them, and
 * then the resync started (the target first answers with its own bitmap; in the 8.4 dialect it
 * then waits for the source's P_SYNC_UUID).
 *
 * <p>Threading: on the resource loop, like its {@link PeerDevice}.
 */
final class BitmapExchange {
    /** Logs under PeerDevice's name, as before this class was split from it. */
    private static final Logger LOG = LoggerFactory.getLogger(PeerDevice.class);

    private final PeerDevice pd;
    private final PeerConnection conn;
    private BitmapReceiver receiver;

    BitmapExchange(PeerDevice pd) {
        this.pd = pd;
        this.conn = pd.connection();
    }

    /** The connection is gone: a half-received bitmap is dropped. */
    void connectionLost() {
        receiver = null;
    }

    /** The handshake made this node source or target: the peer's bitmap is expected. */
    void expect() {
        receiver = new BitmapReceiver(pd.agreedBitmap(), 16);
    }

    void send() {
        boolean rle = conn.net().useRle() && conn.agreedVersion() >= 90;
        BitmapSender s = new BitmapSender(pd.agreedBitmap(), rle, 16);
        while (!s.isDone()) {
            BitmapChunk c = s.next();
            conn.dataWriter().send(c.type(), pd.volume().volume(), c.payload());
        }
        LOG.info("{}: sent bitmap: {} plain, {} compressed packets ({} bits set)", pd.tagName(), s.plainPackets(),
                s.compressedPackets(), pd.agreedBitmap().cardinality());
    }

    void onBitmap(Packet p) throws ProtocolException {
        if (receiver == null || (pd.repl() != ReplState.WF_BITMAP_S && pd.repl() != ReplState.WF_BITMAP_T)) {
            throw new ProtocolException(p.type() + " in replication state " + pd.repl().displayName());
        }
        boolean done = p.type() == PacketType.BITMAP ? receiver.plain((PlainBitmap) p.payload())
                : receiver.compressed((CompressedBitmap) p.payload());
        if (!done) {
            return;
        }
        receiver = null;
        if (pd.repl() == ReplState.WF_BITMAP_T) {
            send();
            if (conn.dialect84()) {
                pd.setRepl(ReplState.WF_SYNC_UUID);
                pd.sendState();
            } else {
                pd.startResyncAsTarget();
            }
        } else {
            pd.resyncSource().start();
        }
    }
}
