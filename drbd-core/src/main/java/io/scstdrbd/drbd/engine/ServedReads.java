package io.scstdrbd.drbd.engine;

import io.netty.buffer.ByteBuf;
import io.scstdrbd.drbd.state.DiskState;
import io.scstdrbd.drbd.sync.bitmap.PeerBitmap;
import io.scstdrbd.drbd.sync.digest.DigestAlgorithm;
import io.scstdrbd.drbd.wire.BlockAck;
import io.scstdrbd.drbd.wire.BlockRequest;
import io.scstdrbd.drbd.wire.DataHeader;
import io.scstdrbd.drbd.wire.PacketType;
import io.scstdrbd.drbd.wire.ProtocolException;
import io.scstdrbd.drbd.wire.WireConstants;
import io.scstdrbd.kernel.block.Bio;
import java.nio.ByteBuffer;

/**
 * The peer's requests for local data of one volume, answered by this node: resync data
 * (P_RS_DATA_REQUEST), a checksum compared with the local block (P_CSUM_RS_REQUEST: P_RS_IS_IN_SYNC
 * or the data), verify digests (P_OV_REQUEST) and application reads handed over by
 * {@link RemoteReads}. Every read holds the volume's range lock until its reply is queued.
 *
 * <p>Threading: on the resource loop, like its {@link PeerDevice}.
 */
final class ServedReads {
    private final PeerDevice pd;
    private final PeerConnection conn;
    private final VolumeEngine vol;
    private final ResyncProgress progress;

    ServedReads(PeerDevice pd, ResyncProgress progress) {
        this.pd = pd;
        this.conn = pd.connection();
        this.vol = pd.volume();
        this.progress = progress;
    }

    private int vnr() {
        return vol.volume();
    }

    private LocalVolume local() {
        return vol.local();
    }

    /** Reads local data for the peer: resync, remote read. Must hold no range (takes its own). */
    void serveRead(PacketType reply, PacketType neg, BlockRequest r, long echoId) throws ProtocolException {
        checkRequest(r);
        if (!local().hasDisk() || local().diskState().compareTo(DiskState.CONSISTENT) < 0) {
            conn.metaWriter().send(neg, vnr(), new BlockAck(r.sector(), r.blockId(), r.blksize(), conn.nextSeq()));
            return;
        }
        pd.inFlight().received();
        readLocal(r.sector(), r.blksize(), (buf, errno) -> {
            pd.inFlight().replied();
            if (errno != 0) {
                conn.metaWriter().send(neg, vnr(), new BlockAck(r.sector(), r.blockId(), r.blksize(), conn.nextSeq()));
                return;
            }
            conn.dataWriter().send(reply, vnr(), new DataHeader(r.sector(), echoId, 0, 0, conn.integrityDigest(buf)), buf,
                    conn.dataWriter().channel().voidPromise());
            progress.countSent(r.blksize());
            if (reply == PacketType.RS_DATA_REPLY) {
                resyncDataSent(r.blksize());
            }
        });
    }

    /** Resync data went to the peer: pending until its P_RS_WRITE_ACK (or P_NEG_ACK), as the kernel counts. */
    private void resyncDataSent(int bytes) {
        pd.inFlight().sent();
        conn.resyncDataSent(bytes);
    }

    private void checkRequest(BlockRequest r) throws ProtocolException {
        int size = r.blksize();
        if (size <= 0 || (size & 511) != 0 || size > WireConstants.MAX_BIO_SIZE || r.sector() < 0
                || r.sector() + (size >>> 9) > vol.agreedSectors()) {
            throw new ProtocolException("request beyond the device or of bad size: sector " + r.sector() + ", " + size
                    + " bytes");
        }
    }

    /** A callback with the data read (ownership passes) or an errno; runs on the loop. */
    interface ReadDone {
        void done(ByteBuf data, int errno);
    }

    /**
     * Reads {@code size} bytes at {@code sector} under the range lock; the range is released once
     * {@code done} has run (so a reply queued by {@code done} precedes any later overlapping write).
     */
    void readLocal(long sector, int size, ReadDone done) {
        final int gen = conn.generation();
        vol.rangeLock().acquire(sector, size >>> 9, range -> {
            ByteBuf buf = conn.dataWriter() == null ? null : conn.dataWriter().channel().alloc().directBuffer(size, size);
            if (buf == null) {
                range.release();
                return;
            }
            ByteBuffer nio = buf.nioBuffer(0, size);
            local().submitLocal(Bio.read(sector, new ByteBuffer[] {nio}, 0, (bio, errno) ->
                    conn.resource().onLoopOr(() -> {
                        try {
                            if (gen != conn.generation() || !conn.isRunning()) {
                                buf.release();
                                return;
                            }
                            if (errno != 0) {
                                buf.release();
                                done.done(null, errno);
                            } else {
                                buf.writerIndex(size);
                                done.done(buf, 0);
                            }
                        } finally {
                            range.release();
                        }
                    }, () -> {
                        buf.release();
                        range.release();
                    })));
        });
    }

    void serveChecksum(BlockRequest r) throws ProtocolException {
        checkRequest(r);
        DigestAlgorithm alg = DigestAlgorithm.forName(conn.net().csumsAlg()).orElse(null);
        if (alg == null || !local().hasDisk()) {
            throw new ProtocolException("P_CSUM_RS_REQUEST without csums-alg");
        }
        pd.inFlight().received();
        readLocal(r.sector(), r.blksize(), (buf, errno) -> {
            pd.inFlight().replied();
            if (errno != 0) {
                conn.metaWriter().send(PacketType.NEG_RS_DREPLY, vnr(),
                        new BlockAck(r.sector(), r.blockId(), r.blksize(), conn.nextSeq()));
                return;
            }
            byte[] mine = alg.digest(buf.nioBuffer());
            if (r.digest().constantTimeEquals(mine)) {
                buf.release();
                pd.bitmap().clearRange(PeerBitmap.firstBit(r.sector()), PeerBitmap.endBit(r.sector(), r.blksize() >>> 9));
                conn.metaWriter().send(PacketType.RS_IS_IN_SYNC, vnr(),
                        new BlockAck(r.sector(), WireConstants.ID_IN_SYNC, r.blksize(), conn.nextSeq()));
                progress.countResyncEqual(r.blksize());
                pd.resyncSource().checkFinished();
            } else {
                conn.dataWriter().send(PacketType.RS_DATA_REPLY, vnr(),
                        new DataHeader(r.sector(), WireConstants.ID_SYNCER, 0, 0, conn.integrityDigest(buf)), buf,
                        conn.dataWriter().channel().voidPromise());
                progress.countSent(r.blksize());
                progress.countResyncSent(r.blksize());
                resyncDataSent(r.blksize());
            }
        });
    }

    void serveVerify(BlockRequest r) throws ProtocolException {
        checkRequest(r);
        DigestAlgorithm alg = DigestAlgorithm.forName(conn.net().verifyAlg()).orElse(null);
        if (alg == null) {
            throw new ProtocolException("P_OV_REQUEST without verify-alg");
        }
        progress.verifyRequestSeen(r.sector(), PeerBitmap.bitsFor(vol.agreedSectors()));
        if (!local().hasDisk() || local().diskState().compareTo(DiskState.OUTDATED) < 0) {
            // no data to compare: the block is skipped, answered as the peer's kernel answers it
            // (9.2: P_RS_CANCEL; 8.4: P_NEG_RS_DREPLY, as for a disk that is not UpToDate)
            PacketType answer = conn.agreedVersion() < 110 ? PacketType.NEG_RS_DREPLY : PacketType.RS_CANCEL;
            conn.metaWriter().send(answer, vnr(), new BlockAck(r.sector(), r.blockId(), r.blksize(), conn.nextSeq()));
            progress.verifySkipped(r.blksize());
            pd.verifyProgressed();
            return;
        }
        pd.inFlight().received();
        readLocal(r.sector(), r.blksize(), (buf, errno) -> {
            pd.inFlight().replied();
            byte[] d;
            if (errno != 0) {
                d = new byte[alg.length()];
            } else {
                d = alg.digest(buf.nioBuffer());
                buf.release();
            }
            conn.dataWriter().send(PacketType.OV_REPLY, vnr(),
                    new BlockRequest(r.sector(), r.blockId(), r.blksize(), io.scstdrbd.drbd.wire.Bytes.of(d)));
            pd.inFlight().sent(); // until the source's P_OV_RESULT
            pd.verifyProgressed();
        });
    }
}
