package io.scstdrbd.drbd.engine;

import io.netty.buffer.ByteBuf;
import io.scstdrbd.drbd.wire.BlockAck;
import io.scstdrbd.drbd.wire.BlockRequest;
import io.scstdrbd.drbd.wire.DataHeader;
import io.scstdrbd.drbd.wire.Packet;
import io.scstdrbd.drbd.wire.PacketType;
import io.scstdrbd.drbd.wire.ProtocolException;
import io.scstdrbd.kernel.block.Bio;
import io.scstdrbd.kernel.errno.Errno;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Application reads over the connection: reads this node asks the peer to serve (P_DATA_REQUEST,
 * answered by P_DATA_REPLY or P_NEG_DREPLY) and the peer's requests, handed to its volume.
 *
 * <p>Threading: on the resource loop, like everything in the engine.
 */
final class RemoteReads {
    private final PeerConnection conn;
    private final Map<Long, Read> remoteReads = new HashMap<>();
    private long nextReadId = 0x2000_0000L;
    /** Sectors of the reads waiting here (part of ap-in-flight, as the kernel counts reads too). */
    private volatile long pendingSectors;

    /** A read waiting for the peer's answer, pending on its peer device. */
    private record Read(PeerDevice pd, Bio bio) {
    }

    RemoteReads(PeerConnection conn) {
        this.conn = conn;
    }

    /** The connection is gone: reads still waiting fail with EIO (in {@code later}). */
    void connectionLost(List<Runnable> later) {
        for (Read r : remoteReads.values()) {
            later.add(() -> r.bio.complete(Errno.EIO));
        }
        remoteReads.clear();
        pendingSectors = 0;
    }

    /** Sectors of the reads still waiting for the peer; any thread. */
    long pendingSectors() {
        return pendingSectors;
    }

    private Read take(long id) {
        Read r = remoteReads.remove(id);
        if (r != null) {
            r.pd.inFlight().answered();
            pendingSectors = Math.max(0, pendingSectors - (r.bio.size() >>> 9));
        }
        return r;
    }

    void remoteRead(PeerDevice pd, Bio bio) {
        long id = nextReadId++;
        remoteReads.put(id, new Read(pd, bio));
        pd.inFlight().sent();
        pendingSectors += bio.size() >>> 9;
        conn.dataWriter().send(PacketType.DATA_REQUEST, pd.volume().volume(),
                new BlockRequest(bio.sector(), id, (int) bio.size()));
    }

    void onDataReply(Packet p) throws ProtocolException {
        DataHeader h = (DataHeader) p.payload();
        Read read = take(h.blockId());
        if (read == null) {
            p.release();
            throw new ProtocolException("P_DATA_REPLY for unknown request 0x" + Long.toHexString(h.blockId()));
        }
        Bio bio = read.bio;
        ByteBuf d = p.data();
        try {
            conn.checkIntegrity(h, d);
            PeerDevice pd = conn.device(p.volume());
            if (pd != null) {
                pd.countReceived(d.readableBytes());
            }
            if (d.readableBytes() != bio.size()) {
                bio.complete(Errno.EIO);
                throw new ProtocolException("P_DATA_REPLY of " + d.readableBytes() + " bytes for a read of " + bio.size());
            }
            int off = d.readerIndex();
            for (ByteBuffer seg : bio.segments()) {
                int n = seg.remaining();
                d.getBytes(off, seg.duplicate());
                off += n;
            }
            bio.complete(0);
        } finally {
            d.release();
        }
    }

    void onNegDataReply(BlockAck a) {
        Read read = take(a.blockId());
        if (read != null) {
            read.bio.complete(Errno.EIO);
        }
    }

    void onDataRequest(Packet p) throws ProtocolException {
        BlockRequest r = (BlockRequest) p.payload();
        PeerDevice pd = conn.device(p.volume());
        if (pd == null) {
            throw new ProtocolException("P_DATA_REQUEST for unknown volume " + p.volume());
        }
        pd.serveRead(PacketType.DATA_REPLY, PacketType.NEG_DREPLY, r, r.blockId());
    }
}
