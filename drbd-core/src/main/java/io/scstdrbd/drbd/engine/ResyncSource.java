package io.scstdrbd.drbd.engine;

import io.scstdrbd.drbd.state.DiskState;
import io.scstdrbd.drbd.state.ReplState;
import io.scstdrbd.drbd.sync.bitmap.PeerBitmap;
import io.scstdrbd.drbd.wire.BlockAck;
import io.scstdrbd.drbd.wire.PacketType;
import io.scstdrbd.drbd.wire.SyncUuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sync source's side of a resync: its start (a new sync UUID sent as P_SYNC_UUID in the 8.4
 * dialect, the bitmap UUID set otherwise), the target's P_RS_WRITE_ACK / P_NEG_ACK clearing or
 * counting blocks, and the finish once no bit is left (UUIDs rotated, peer disk UpToDate). The
 * data itself is served by {@link ServedReads}.
 *
 * <p>Threading: on the resource loop, like its {@link PeerDevice}.
 */
final class ResyncSource {
    /** Logs under PeerDevice's name, as before this class was split from it. */
    private static final Logger LOG = LoggerFactory.getLogger(PeerDevice.class);

    private final PeerDevice pd;
    private final PeerConnection conn;
    private final ResyncProgress progress;
    private final int peerId;

    ResyncSource(PeerDevice pd, ResyncProgress progress) {
        this.pd = pd;
        this.conn = pd.connection();
        this.progress = progress;
        this.peerId = conn.peerNodeId();
    }

    private LocalVolume local() {
        return pd.volume().local();
    }

    /**
     * The bitmaps are exchanged (or a full resync agreed, or a grow added blocks): before-resync-source
     * runs first, as in the kernel's drbd_start_resync, with nothing from the data socket processed
     * meanwhile; exit 0 (or 3, which old tools return) starts the resync, any other drops the
     * connection here (the peer keeps trying).
     */
    void start() {
        final int gen = conn.generation();
        final ReplState waiting = pd.repl();
        conn.incoming().holdForHandler(true);
        conn.resource().handlers().run("before-resync-source", peerId, pd.volume().volume()).whenComplete((code, e) ->
                conn.resource().onLoop(() -> {
                    if (gen != conn.generation()) {
                        return; // the connection went while the handler ran (its end released the hold)
                    }
                    try {
                        int exit = e != null || code == null ? -1 : code;
                        if (pd.repl() != waiting) {
                            LOG.info("{}: the resync did not start: the state changed while before-resync-source ran",
                                    pd.tagName());
                        } else if (exit > 0 && exit != 3) {
                            conn.dropHard("before-resync-source handler returned " + exit + ", dropping connection");
                        } else {
                            begin();
                        }
                    } finally {
                        // the held packets are handled in the new state
                        conn.incoming().holdForHandler(false);
                    }
                }));
    }

    /** The resync runs, unless paused. */
    private void begin() {
        UuidStore g = local().uuids();
        if (conn.dialect84()) {
            long syncUuid = g.change(u -> u.newSyncUuid(peerId, conn.resource().random()));
            local().persist();
            pd.beginResyncAccounting("SyncSource");
            pd.setRepl(pd.resyncSuspended() ? ReplState.PAUSED_SYNC_S : ReplState.SYNC_SOURCE);
            conn.dataWriter().send(PacketType.SYNC_UUID, pd.volume().volume(), new SyncUuid(syncUuid));
        } else {
            boolean set = g.change(u -> {
                if (u.bitmap(peerId) != 0) {
                    return false;
                }
                u.setBitmap(peerId, u.current());
                return true;
            });
            if (set) {
                local().persist();
            }
            pd.beginResyncAccounting("SyncSource");
            pd.setRepl(pd.resyncSuspended() ? ReplState.PAUSED_SYNC_S : ReplState.SYNC_SOURCE);
        }
        pd.sendState();
        conn.resource().loop().execute(this::checkFinished);
    }

    void checkFinished() {
        if (!pd.repl().isSyncSource()) {
            return;
        }
        pd.resyncProgressed();
        if (pd.agreedBitmap().cardinality() == 0) {
            finish();
        }
    }

    private void finish() {
        progress.logDone();
        local().uuids().change(u -> {
            u.resyncFinishedAsSource(peerId);
            return null;
        });
        pd.setRepl(ReplState.ESTABLISHED, DiskState.UP_TO_DATE); // one change, one events2 line
        local().persist();
        pd.handshake().sendUuids();
        pd.sendState();
    }

    /** P_RS_WRITE_ACK / P_NEG_ACK for resync data (block id ID_SYNCER) on the source. */
    void onAck(PacketType t, BlockAck a) {
        pd.inFlight().answered();
        pd.connection().resyncDataAnswered(a.blksize());
        long from = PeerBitmap.firstBit(a.sector());
        long to = PeerBitmap.endBit(a.sector(), a.blksize() >>> 9);
        if (t == PacketType.RS_WRITE_ACK) {
            pd.bitmap().clearRange(from, to);
            checkFinished();
        } else if (t == PacketType.NEG_ACK) {
            progress.countFailed(a.blksize());
            LOG.warn("{}: peer failed to write resync data at sector {}", pd.tagName(), a.sector());
        }
    }
}
